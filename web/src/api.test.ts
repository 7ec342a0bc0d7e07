import { afterEach, describe, expect, it, vi } from "vitest";
import { describe as said } from "./actions";
import { ApiError, api, fieldErrors, setToken, withQuery } from "./api";
import { lang } from "./i18n";

afterEach(() => {
  vi.unstubAllGlobals();
  setToken(null);
});

describe("the API client", () => {
  it("maps a 422 body to messages per field", () => {
    const body = {
      message: "invalid body: timezone, territories.0.country",
      errors: [
        { loc: ["body", "timezone"], msg: "Value error, not an IANA time zone such as Europe/Rome" },
        { loc: ["body", "territories", 0, "country"], msg: "Value error, not an ISO 3166-1 alpha-2 country code" },
      ],
    };
    expect(fieldErrors(body)).toEqual([
      { field: "timezone", message: "not an IANA time zone such as Europe/Rome" },
      { field: "territories.0.country", message: "not an ISO 3166-1 alpha-2 country code" },
    ]);
  });

  it("keeps each error's type, for its words in the language", async () => {
    const body = {
      message: "invalid body: note",
      errors: [{ loc: ["body", "note"], msg: "String should have at most 2000 characters", type: "string_too_long" }],
      fields: ["note"],
    };
    expect(fieldErrors(body)).toEqual([
      { field: "note", message: "String should have at most 2000 characters", type: "string_too_long" },
    ]);
    // What a page shows of such a 422 (a dialog, a filter): the words, never the API's English.
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status: 422, headers: { "content-type": "application/json" } })));
    const failure = await api("POST", "/inquiries/x/reject", {}).catch((error: unknown) => error);
    for (const [code, text] of [
      ["en", "Please use at most 2000 characters."],
      ["de", "Bitte verwenden Sie höchstens 2000 Zeichen."],
      ["it", "Usi al massimo 2000 caratteri."],
    ] as const) {
      lang.value = code;
      expect(said(failure)).toBe(text);
    }
    lang.value = "en";
  });

  it("keeps an error's ctx (the contacts import's line, positions)", () => {
    const body = { message: "x", errors: [{ loc: ["body", "file"], msg: "x", type: "not_utf8", ctx: { line: 3 } }], fields: ["file"] };
    expect(fieldErrors(body)).toEqual([{ field: "file", message: "x", type: "not_utf8", ctx: { line: 3 } }]);
  });

  it("falls back to `fields` with the message", () => {
    expect(fieldErrors({ message: "bad", fields: ["email"] })).toEqual([{ field: "email", message: "bad" }]);
  });

  it("leaves empty filters out of the query", () => {
    expect(withQuery("/inquiries", { status: "returned", q: "", partner_id: undefined, limit: 50 })).toBe(
      "/inquiries?status=returned&limit=50",
    );
    expect(withQuery("/inquiries", { q: "a@b.c" })).toBe("/inquiries?q=a%40b.c");
  });

  it("sends the bearer token from memory and raises the API's message", async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
      new Response(JSON.stringify({ message: "inquiry not found" }), {
        status: 404,
        headers: { "content-type": "application/json" },
      }),
    );
    vi.stubGlobal("fetch", fetch);
    setToken("abc.def.ghi");
    const failure = await api("GET", "/inquiries/x").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(404);
    expect((failure as ApiError).message).toBe("inquiry not found");
    const init = fetch.mock.calls[0]![1] as RequestInit;
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer abc.def.ghi");
    expect(localStorage.length).toBe(0);
  });
});
