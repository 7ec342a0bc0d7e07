// @vitest-environment node
import { describe, expect, it } from "vitest";
import { LANGS, actorWord, dictFor, lang, preferredLang, word } from "./i18n";

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
    const found = texts(dictFor("de")).filter((text) => informal.test(text));
    expect(found).toEqual([]);
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
