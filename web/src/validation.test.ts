// @vitest-environment node
import { describe, expect, it } from "vitest";
import { APP_WORDS, type Lang, WORDS, explain, fieldOf } from "./validation";

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
      "Controlli questa data.",
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
    for (const table of [WORDS, APP_WORDS]) {
      const keys = Object.keys(table.en).sort();
      for (const lang of LANGS) expect(Object.keys(table[lang]).sort(), lang).toEqual(keys);
    }
  });
});
