// @vitest-environment node
import { describe, expect, it } from "vitest";
import { LANGS, dictFor, preferredLang } from "./i18n";

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
    expect(dictFor("de").inboxTitle).toBe("Deine Anfragen");
    expect(dictFor("it").duplicateCheck).toBe("Controllo duplicati");
    expect(dictFor("en").linkContact).toBe("Link to this contact");
  });
});
