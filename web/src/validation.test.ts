// @vitest-environment node
import { describe, expect, it } from "vitest";
import { APP_WORDS, IMPORT_WORDS, type Lang, WORDS, explain, explainFile, explainRow, fieldOf } from "./validation";

const LANGS: Lang[] = ["de", "it", "en"];
const app = (error: object, lang: Lang = "en") => explain(error, lang, APP_WORDS[lang]);

// What the API answered to a partner with everything wrong, and to a wrong submission
// (the local stack's answers, shortened): `msg` is pydantic's English, no `ctx` is sent.
const PARTNER = [
  { loc: ["body", "country"], msg: "Value error, not an ISO 3166-1 alpha-2 country code", type: "value_error" },
  { loc: ["body", "timezone"], msg: "Value error, not an IANA time zone such as Europe/Rome", type: "value_error" },
  { loc: ["body", "territories", 0, "country"], msg: "String should have at most 2 characters", type: "string_too_long" },
  { loc: ["body", "notify_emails", 0], msg: "value is not a valid email address: There must be something after the @-sign.", type: "value_error" },
  { loc: ["body", "active"], msg: "Input should be a valid boolean", type: "bool_type" },
  { loc: ["body", "language"], msg: "Input should be 'de', 'it' or 'en'", type: "literal_error" },
];

describe("a 422's errors in words", () => {
  it("says what the field needs, in English too, never pydantic's or the service's English", () => {
    expect(PARTNER.map((e) => app(e))).toEqual([
      "Please enter the country as its two-letter code, such as IT or DE.",
      "Please enter a time zone such as Europe/Rome.",
      "Please enter the country as its two-letter code, such as IT or DE.",
      "Please enter valid e-mail addresses, one per line.",
      "Please choose yes or no.",
      "Please choose one of the offered values.",
    ]);
  });

  it("in German and Italian in their words, for every error", () => {
    for (const lang of ["de", "it"] as const) {
      const said = PARTNER.map((e) => app(e, lang));
      for (const [i, text] of said.entries()) expect(text, `${lang} ${i}`).not.toBe(app(PARTNER[i]!, "en"));
      expect(said.join(" ")).not.toMatch(/ISO 3166|IANA|String should|value is not|Input should|Value error/);
    }
    expect(app(PARTNER[0]!, "de")).toBe("Bitte geben Sie das Land als zweistelligen Code an, z. B. DE oder IT.");
    expect(app(PARTNER[1]!, "it")).toBe("Indichi un fuso orario come Europe/Rome.");
  });

  it("tells the limit of a string or a list, from `ctx` where sent, else from the message", () => {
    const long = { loc: ["body", "note"], msg: "String should have at most 2000 characters", type: "string_too_long" };
    expect(app(long)).toBe("Please use at most 2000 characters.");
    expect(app(long, "de")).toBe("Bitte verwenden Sie höchstens 2000 Zeichen.");
    expect(app(long, "it")).toBe("Usi al massimo 2000 caratteri.");
    expect(app({ ...long, msg: "too long", ctx: { max_length: 200 } })).toBe("Please use at most 200 characters.");
    expect(app({ ...long, msg: "too long" })).toBe("This is too long.");
    const many = { loc: ["body", "notify_emails"], msg: "List should have at most 20 items after validation, not 21", type: "too_long" };
    expect(app(many)).toBe("Too many entries: at most 20."); // the list's count, not the addresses
    expect(app(many, "it")).toBe("Troppe voci: al massimo 20.");
  });

  it("says the same of a type whatever the field, where the type says it all", () => {
    const id = { loc: ["path", "partner_id"], msg: "String should match pattern '^[A-Za-z0-9_.~-]*…$'", type: "string_pattern_mismatch" };
    expect(app(id)).toBe("Please use only letters, digits and the characters - _ . ~");
    expect(app({ loc: ["query", "foo"], msg: "unknown parameter", type: "extra_forbidden" }, "de")).toBe(
      "Diese Angabe ist hier nicht vorgesehen.",
    );
    expect(app({ loc: ["query", "status"], msg: "given more than once", type: "repeated" }, "it")).toBe("È stato indicato più volte.");
    expect(app({ loc: ["query", "partner_id"], msg: "HQ only", type: "hq_only" })).toBe("Only HQ may use this.");
    expect(app({ loc: ["query", "limit"], msg: "Input should be a valid integer", type: "int_parsing" }, "de")).toBe(
      "Bitte geben Sie eine ganze Zahl ein.",
    );
    expect(app({ loc: ["body", "working_days"], msg: "List should have at least 1 item", type: "too_short" })).toBe(
      "Please choose at least one.",
    );
    expect(app({ loc: ["body", "contact", "last_name"], msg: "Field required", type: "missing" }, "it")).toBe("Campo obbligatorio.");
    // A blank name is too short: as good as missing.
    expect(app({ loc: ["body", "name"], msg: "String should have at least 1 character", type: "string_too_short" }, "de")).toBe(
      "Bitte ausfüllen.",
    );
  });

  it("gives the service's own checks their words: region codes, prefixes, limits, the import", () => {
    const region = {
      loc: ["body", "subdivision"],
      msg: "not a subdivision of the partner's country; known codes: BZ, TN, VR",
      type: "value_error",
    };
    expect(app(region)).toBe("Please enter the code of a region of the partner's country, such as BZ. Known codes: BZ, TN, VR.");
    expect(app(region, "de")).toMatch(/Bekannte Codes: BZ, TN, VR\.$/);
    const prefix = { loc: ["body", "territories", 0, "postal_prefixes", 1], msg: "String should have at most 16 characters", type: "string_too_long" };
    expect(app(prefix, "it")).toMatch(/^I prefissi CAP/);
    const limit = { loc: ["body", "territories"], msg: "a partner can cover at most 24 countries, not 30", type: "value_error" };
    expect(app(limit)).toMatch(/^Too many countries or postal prefixes/);
    const file = { loc: ["body", "file"], msg: "the header lacks the required columns: email", type: "csv" };
    expect(app(file, "de")).toBe("Die Datei kann nicht importiert werden: the header lacks the required columns: email");
    expect(app({ loc: ["query", "from"], msg: 'Value error, "to" is before "from"', type: "value_error" }, "it")).toBe(
      "La data di fine precede quella di inizio.",
    );
  });

  it("falls back to 'Please check this field.' in the language", () => {
    const odd = { loc: ["body", "contact", "city"], msg: "Value error, control characters are not allowed", type: "value_error" };
    expect(app(odd)).toBe("Please check this field.");
    expect(app(odd, "de")).toBe("Bitte prüfen Sie diese Angabe.");
    expect(app(odd, "it")).toBe("Controlli questo dato.");
    expect(app({})).toBe("Please check this field.");
    expect(app({ loc: ["body"], msg: "expected an object", type: "object_type" }, "de")).toBe("Bitte prüfen Sie diese Angabe.");
    // The website form's words alone (as its script has them) fall back the same.
    expect(explain({ loc: ["query", "limit"], type: "int_parsing" }, "it")).toBe("Controlli questo dato.");
  });

  it("lets a page say a field in its own words", () => {
    const country = { loc: ["body", "contact", "country"], msg: "Field required", type: "missing" };
    expect(explain(country, "en", { country: "Please choose a country." })).toBe("Please choose a country.");
  });

  it("finds the field in the API's path or a dotted one", () => {
    expect(fieldOf(["body", "contact", "email"])).toBe("email");
    expect(fieldOf(["body", "territories", 0, "country"])).toBe("country");
    expect(fieldOf("territories.0.postal_prefixes.1")).toBe("postal_prefixes");
    expect(fieldOf("notify_emails.2")).toBe("notify_emails");
    expect(fieldOf(["query", "from"])).toBe("from");
    expect(fieldOf(["body"])).toBe("");
  });

  it("has every word in every language", () => {
    for (const table of [WORDS, APP_WORDS, IMPORT_WORDS]) {
      const keys = Object.keys(table.en).sort();
      for (const lang of LANGS) expect(Object.keys(table[lang]).sort(), lang).toEqual(keys);
    }
  });
});

// What the API answers to a contacts file it cannot read (docs/api.md, Contacts): its type and
// ctx, and the English a tester saw half-translated.
const COLUMNS = ["first_name", "last_name", "email", "phone", "street", "postal_code", "city", "country", "company"];
const NO_HEADER = {
  loc: ["body", "file"],
  msg: "the header line's columns 1, 2, 3, 4, 5, ... are not known (is the first line the header?); the columns are first_name, ...",
  type: "unknown_columns",
  ctx: { positions: [1, 2, 3, 4, 5], count: 9, columns: COLUMNS },
};

describe("the contacts import's problems in words", () => {
  it("says a file refused whole in each language, never the API's English", () => {
    expect(explainFile(NO_HEADER, "de")).toBe(
      "Die Datei kann nicht importiert werden. Die Spalten 1, 2, 3, 4, 5, … der Kopfzeile sind unbekannt (ist die erste Zeile die Kopfzeile?). " +
        "Die Spalten heißen: first_name, last_name, email, phone, street, postal_code, city, country, company.",
    );
    expect(explainFile(NO_HEADER, "it")).toMatch(/^Il file non può essere importato\. Le colonne 1, 2, 3, 4, 5, … dell'intestazione non sono note/);
    expect(explainFile(NO_HEADER, "en")).toMatch(/^The file cannot be imported\. The header line's columns 1, 2, 3, 4, 5, … are not known/);
    const one = { ...NO_HEADER, ctx: { positions: [3], count: 1, columns: COLUMNS } };
    expect(explainFile(one, "de")).toMatch(/Die Spalte 3 der Kopfzeile ist unbekannt/);
    expect(explainFile(one, "it")).toMatch(/La colonna 3 dell'intestazione non è nota/);
    expect(explainFile(one, "en")).toMatch(/The header line's column 3 is not known/);
    const latin = { loc: ["body", "file"], msg: "the file is not UTF-8 (line 3); ...", type: "not_utf8", ctx: { line: 3 } };
    expect(explainFile(latin, "de")).toBe(
      "Die Datei kann nicht importiert werden. Sie ist nicht als UTF-8 gespeichert (Zeile 3): Bitte speichern Sie sie als „CSV UTF-8“ und importieren Sie sie erneut.",
    );
    expect(explainFile(latin, "it")).toBe(
      "Il file non può essere importato. Non è salvato in UTF-8 (riga 3): lo salvi come «CSV UTF-8» e lo importi di nuovo.",
    );
    expect(explainFile(latin, "en")).toMatch(/\(line 3\): please save it as “CSV UTF-8”/);
    const many = { loc: ["body", "file"], msg: "the file has more than 10,000 rows; split it", type: "too_many_rows", ctx: { max_rows: 10000 } };
    expect(explainFile(many, "de")).toMatch(/mehr als 10\.000 Zeilen: Bitte teilen Sie sie auf\.$/);
    expect(explainFile(many, "it")).toMatch(/più di 10\.000 righe: lo divida/);
    expect(explainFile(many, "en")).toMatch(/more than 10,000 rows: please split it\.$/);
    const lacking = { loc: ["body", "file"], msg: "...", type: "missing_columns", ctx: { columns: ["last_name", "country"] } };
    expect(explainFile(lacking, "de")).toMatch(/fehlen die Pflichtspalten: last_name, country\.$/);
    const twice = { loc: ["body", "file"], msg: "...", type: "repeated_columns", ctx: { columns: ["email"] } };
    expect(explainFile(twice, "it")).toMatch(/più volte queste colonne: email\.$/);
    for (const type of ["empty", "unclosed_quote", "misplaced_quote", "cell_too_long", "invalid_csv"]) {
      for (const lang of LANGS) {
        const text = explainFile({ loc: ["body", "file"], msg: "english", type, ctx: { line: 7, max_length: 65536 } }, lang);
        expect(text, `${type} ${lang}`).not.toMatch(/english|\{/);
        if (type !== "empty") expect(text, `${type} ${lang}`).toMatch(/ 7\b/);
      }
    }
  });

  it("leaves a file problem of a type it does not know to the API's message", () => {
    const odd = { loc: ["body", "file"], msg: "the file is odd", type: "odd" };
    expect(explainFile(odd, "de")).toBeNull();
    expect(app(odd, "de")).toBe("Die Datei kann nicht importiert werden: the file is odd");
    // A known type without what it needs to be said: the API's message too.
    expect(explainFile({ loc: ["body", "file"], msg: "x", type: "not_utf8" }, "de")).toBeNull();
    expect(explainFile({ loc: ["body", "email"], msg: "x", type: "not_utf8", ctx: { line: 2 } }, "de")).toBeNull();
  });

  it("says each problem of a rejected row in each language", () => {
    const cases: Array<[object, Record<Lang, string>]> = [
      [
        { field: "last_name", type: "missing", message: "last_name is required", ctx: {} },
        {
          de: "Die Spalte last_name ist leer, ist aber Pflicht.",
          it: "La colonna last_name è vuota, ma è obbligatoria.",
          en: "Column last_name is empty, but it is required.",
        },
      ],
      [
        { field: "email", type: "email", message: "email is not a valid e-mail address", ctx: {} },
        {
          de: "Die Spalte email enthält keine gültige E-Mail-Adresse.",
          it: "La colonna email non contiene un indirizzo e-mail valido.",
          en: "Column email does not hold a valid e-mail address.",
        },
      ],
      [
        { field: "country", type: "country", message: "country: not an ISO 3166-1 alpha-2 country code", ctx: {} },
        {
          de: "Die Spalte country enthält keinen zweistelligen Ländercode wie DE oder IT.",
          it: "La colonna country non contiene un codice paese di due lettere come IT o DE.",
          en: "Column country does not hold a two-letter country code such as IT or DE.",
        },
      ],
      [
        { field: "postal_code", type: "too_long", message: "postal_code: String should have at most 20 characters", ctx: { max_length: 20 } },
        {
          de: "Die Spalte postal_code ist zu lang: höchstens 20 Zeichen.",
          it: "La colonna postal_code è troppo lunga: al massimo 20 caratteri.",
          en: "Column postal_code is too long: at most 20 characters.",
        },
      ],
      [
        { field: null, type: "cells", message: "the row has 10 cells, the header 9", ctx: { cells: 10, columns: 9 } },
        {
          de: "Die Zeile hat 10 Zellen, die Kopfzeile 9 Spalten.",
          it: "La riga ha 10 celle, l'intestazione 9 colonne.",
          en: "The row has 10 cells, the header 9 columns.",
        },
      ],
      [
        { field: "email", type: "email", message: "...", ctx: { reason: "alone" } },
        {
          de: "Spalte email: Bitte geben Sie die E-Mail-Adresse allein an, ohne Namen oder spitze Klammern (<>).",
          it: "Colonna email: indichi l'indirizzo e-mail da solo, senza nome né parentesi angolari (<>).",
          en: "Column email: please give the e-mail address alone, without a name or angle brackets (<>).",
        },
      ],
    ];
    for (const [problem, texts] of cases) for (const lang of LANGS) expect(explainRow(problem, lang)).toBe(texts[lang]);
    for (const type of ["invisible", "phone", "postal_code", "control_characters"]) {
      for (const lang of LANGS) {
        const text = explainRow({ field: "city", type, message: "english" }, lang);
        expect(text, `${type} ${lang}`).toContain("city");
        expect(text, `${type} ${lang}`).not.toMatch(/english|\{/);
      }
    }
    expect(explainRow({ field: "street", type: "control_characters", message: "x" }, "de")).toMatch(/außer Zeilenumbruch/);
    expect(explainRow({ field: "city", type: "control_characters", message: "x" }, "de")).toMatch(/z\. B\. Tabulator/);
  });

  it("leaves a row problem of a type it does not know to the API's message", () => {
    const odd = { field: "city", type: "invalid", message: "city: something else" };
    for (const lang of LANGS) expect(explainRow(odd, lang)).toBe("city: something else");
    expect(explainRow({ message: "country is required" }, "de")).toBe("country is required"); // an older answer
    expect(explainRow({ field: "city", type: "too_long", message: "city: too long" }, "it")).toBe("city: too long"); // no max_length
  });
});
