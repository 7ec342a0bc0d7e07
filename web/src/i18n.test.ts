// @vitest-environment node
import { describe, expect, it } from "vitest";
import { TEXTS as FORM_TEXTS } from "./form/texts";
import { LANGS, actorWord, dictFor, lang, preferredLang, word } from "./i18n";
import { APP_WORDS, WORDS } from "./validation";

describe("languages", () => {
  it("takes the browser's first language the app speaks", () => {
    expect(preferredLang(["fr-FR", "it-CH", "de"])).toBe("it");
    expect(preferredLang(["de-AT"])).toBe("de");
    expect(preferredLang(["fr", "es"])).toBe("en");
  });

  it("has every word in every language", () => {
    const keys = Object.keys(dictFor("en")).sort();
    for (const lang of LANGS) expect(Object.keys(dictFor(lang)).sort()).toEqual(keys);
  });

  it("translates the words other than the fixed English names", () => {
    expect(dictFor("de").inboxTitle).toBe("Ihre Anfragen");
    expect(dictFor("it").duplicateCheck).toBe("Controllo duplicati");
    expect(dictFor("en").linkContact).toBe("Link to this contact");
  });
});

/** Every text of a dictionary, the functions' with sample arguments. */
function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "function") {
    const sample = { imported: 2, created: 1, updated: 1, unchanged: 0 };
    return [String(value(2, 5)), String(value(sample)), String(value("luca"))];
  }
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

describe("German", () => {
  it("says Sie throughout, never du", () => {
    const informal = /\b(du|dein\w*|dich|dir|nimm|verknüpfe|lege|wähle|gib|hast)\b/i;
    const all = [...texts(dictFor("de")), ...texts(WORDS.de), ...texts(APP_WORDS.de), ...texts(FORM_TEXTS.de)];
    const found = all.filter((text) => informal.test(text));
    expect(found).toEqual([]);
  });
});

describe("Italian", () => {
  // Lei throughout, as the German says Sie: no tu, no voi. Pronouns and possessives, the
  // second person's own verbs, and the imperatives a sentence gives (a button's label, such
  // as "Salva" or "Accetta richiesta", is no sentence and keeps the usual short form).
  const informal = /\b(tu|ti|te|tuo|tua|tuoi|tue|voi|vi|vostr[oaie]|hai|sei|puoi|vuoi|devi|(accetta|rifiuta|collega|scegli|inserisci|controlla|compila|indica)(l[aeio]|ne))\b/i;
  const TU = "inserisci|scegli|seleziona|controlla|correggi|riprova|accetta|rifiuta|collega|crea|importa|invia|indica|usa|scrivi|apri|clicca|premi|verifica|compila|lascia|prova";
  // The voi forms are also participles ("accettate o rifiutate"): only where a sentence starts.
  const VOI = "inserite|scegliete|selezionate|controllate|correggete|riprovate|accettate|rifiutate|collegate|create|importate|inviate|indicate|usate|scrivete|aprite|compilate|lasciate|provate";
  const imperative = new RegExp(`(^|[.;:!?]\\s+)(${TU}|${VOI})\\b|\\s(o|e|poi)\\s+(${TU})\\b`, "i");
  const sentence = /[.!?]$|[.!?]\s/;
  const found = (all: string[]) =>
    all.filter((text) => informal.test(text) || (sentence.test(text) && imperative.test(text)));

  it("says Lei throughout, never tu or voi", () => {
    expect(found(texts(dictFor("it")))).toEqual([]);
    expect(found(texts(FORM_TEXTS.it))).toEqual([]);
    expect(found([...texts(WORDS.it), ...texts(APP_WORDS.it)])).toEqual([]);
  });

  it("would find the informal forms it once had", () => {
    const before = [
      "Le tue richieste",
      "Le nuove richieste della sede sono in cima. Accettale o rifiutale prima della scadenza.",
      "Inserisci un ID partner.",
      "Correggi i campi segnati.",
      "Alcuni contatti somigliano. Collegala a uno di essi o crea un nuovo contatto.",
      "I vostri contatti",
      "Ancora nessun contatto. Accettate una richiesta o importate un file CSV.",
      "Hai rifiutato questa richiesta.",
      "La sede ti ha ritirato questa richiesta.",
      "Questa richiesta non è più disponibile per te",
    ];
    expect(found(before)).toEqual(before);
    // Labels and participles are no informal address.
    expect(found(["Accetta richiesta", "Riprova", "Le richieste accettate restano.", "Scelga un partner."])).toEqual([]);
  });
});

describe("codes of the API in words", () => {
  const ACTIONS = [
    "received", "offered", "withdrawn", "assigned", "accepted", "controllership_transferred",
    "contact_created", "contact_linked", "rejected", "expired", "discarded", "progress",
    "erased", "erasure_requested", "rerouted", "reroute_ended",
  ];
  const OTHERS = ["website", "dealer_page", "erasure", "retention", "request", "no_candidate", "limit", "routing_failed"];

  it("has a word for every event, channel and reason in every language", () => {
    for (const code of LANGS) {
      lang.value = code;
      for (const key of [...ACTIONS, ...OTHERS]) expect(word(key), `${code} ${key}`).not.toMatch(/_/);
      for (const key of [...ACTIONS, ...OTHERS]) expect(word(key), `${code} ${key}`).not.toBe(key);
    }
    lang.value = "en";
  });

  it("names who acted: the channel of a received inquiry, the system, or the user as is", () => {
    const expected = {
      en: ["Website", "Dealer page", "System"],
      de: ["Website", "Händlerseite", "System"],
      it: ["Sito web", "Pagina del rivenditore", "Sistema"],
    } as const;
    for (const code of LANGS) {
      lang.value = code;
      expect(["website", "dealer_page", "system"].map(actorWord)).toEqual(expected[code]);
      expect(actorWord("alpin-bz-user")).toBe("alpin-bz-user");
      expect(actorWord("email")).toBe("email"); // a user called so stays who it is
    }
    lang.value = "en";
  });

  it("says a returned inquiry is back at HQ, not that it was turned away", () => {
    lang.value = "de";
    expect(word("returned")).toBe("Zurück bei der Zentrale");
    lang.value = "it";
    expect(word("returned")).toBe("Tornata alla sede");
    lang.value = "en";
  });
});
