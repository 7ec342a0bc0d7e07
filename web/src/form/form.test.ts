import { afterEach, describe, expect, it, vi } from "vitest";
import { COUNTRIES, countryOptions } from "./countries";
import { Sender, endpointOf, fieldErrors, newKey } from "./submission";
import { TEXTS, languageOf } from "./texts";
import "./main";

const created = (id: string) =>
  new Response(JSON.stringify({ id, status: "received" }), {
    status: 201,
    headers: { "content-type": "application/json" },
  });

const invalid = {
  message: "invalid body: contact.email, consent",
  errors: [
    { loc: ["body", "contact", "email"], msg: "value is not a valid email address: An email address must have an @-sign.", type: "value_error" },
    { loc: ["body", "consent"], msg: "Value error, consent must be true", type: "value_error" },
    { loc: ["body", "contact", "last_name"], msg: "Field required", type: "missing" },
  ],
  fields: ["consent", "contact.email", "contact.last_name"],
};

afterEach(() => {
  document.body.innerHTML = "";
});

describe("where the form sends to", () => {
  it("posts beside its script, wherever the page is", () => {
    expect(endpointOf("https://d1.cloudfront.net/form.js", "https://dealer.example/contact")).toBe(
      "https://d1.cloudfront.net/inquiries",
    );
    expect(endpointOf("http://127.0.0.1:8000/form.js?v=2", "http://127.0.0.1:9999/")).toBe(
      "http://127.0.0.1:8000/inquiries",
    );
    expect(endpointOf(null, "http://127.0.0.1:8000/form?lang=de")).toBe("http://127.0.0.1:8000/inquiries");
  });
});

describe("the form's language", () => {
  it("is the attribute, else the browser's first known one, else English", () => {
    expect(languageOf("it", ["de-DE"])).toBe("it");
    expect(languageOf(null, ["fr-FR", "de-AT", "en"])).toBe("de");
    expect(languageOf("fr", ["es"])).toBe("en");
  });

  it("names the countries in the language, every code the API takes", () => {
    expect(COUNTRIES).toHaveLength(249);
    const german = new Map(countryOptions("de"));
    expect(german.get("DE")).toBe("Deutschland");
    expect(new Map(countryOptions("it")).get("AT")).toBe("Austria");
  });
});

describe("the API's 422 answer", () => {
  it("is shown by field in friendly words, in English too, never pydantic's", () => {
    const errors = fieldErrors(invalid, TEXTS.en);
    expect(errors.get("email")).toBe("Please enter a valid e-mail address, such as name@example.com.");
    expect(errors.get("consent")).toBe("Without your consent we cannot handle your inquiry.");
    expect(errors.get("last_name")).toBe("Please fill this in.");
    const long = {
      errors: [
        { loc: ["body", "contact", "postal_code"], msg: "String should have at most 20 characters", type: "string_too_long" },
        { loc: ["body", "contact", "city"], msg: "String should have at most 200 characters", type: "string_too_long" },
        { loc: ["body", "contact", "country"], msg: "Field required", type: "missing" },
        { loc: ["body", "product"], msg: "Input should be 'windows', ...", type: "enum" },
      ],
    };
    const said = fieldErrors(long, TEXTS.en);
    expect(said.get("postal_code")).toBe("Please enter a valid postal code.");
    expect(said.get("city")).toBe("Please use at most 200 characters.");
    expect(said.get("country")).toBe("Please choose a country."); // chosen from a list, not typed
    expect(said.get("product")).toBe("Please choose a product.");
    for (const text of [...errors.values(), ...said.values()]) expect(text).not.toMatch(/String should|value is not|Value error/);
  });

  it("in German and Italian in their words", () => {
    const errors = fieldErrors(invalid, TEXTS.de);
    expect(errors.get("email")).toBe("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.");
    expect(errors.get("last_name")).toBe("Bitte ausfüllen.");
    expect(errors.get("consent")).toBe("Ohne Ihr Einverständnis können wir die Anfrage nicht bearbeiten.");
    const italian = fieldErrors(invalid, TEXTS.it);
    expect(italian.get("consent")).toBe("Senza il suo consenso non possiamo trattare la richiesta.");
    expect(italian.get("email")).toBe("Indichi un indirizzo e-mail valido, ad es. nome@esempio.it.");
    const country = { errors: [{ loc: ["body", "contact", "country"], msg: "Value error, not an ISO 3166-1 alpha-2 country code", type: "value_error" }] };
    expect(fieldErrors(country, TEXTS.it).get("country")).toBe("Scelga un paese.");
    expect(fieldErrors(country, TEXTS.de).get("country")).toBe("Bitte wählen Sie ein Land.");
  });

  it("says what a city may not hold, and a city too long is still too long", () => {
    const city = (type: string, msg: string) => ({ errors: [{ loc: ["body", "contact", "city"], msg, type, ctx: type === "string_too_long" ? { max_length: 200 } : undefined }] });
    const notCity = city("not_a_city", "a city's name only: no e-mail address and no phone number");
    expect(fieldErrors(notCity, TEXTS.en).get("city")).toBe("Please enter only the name of the city, without an e-mail address or phone number.");
    expect(fieldErrors(notCity, TEXTS.de).get("city")).toBe("Bitte geben Sie nur den Namen des Ortes an, ohne E-Mail-Adresse oder Telefonnummer.");
    expect(fieldErrors(notCity, TEXTS.it).get("city")).toBe("Indichi solo il nome della località, senza indirizzo e-mail né numero di telefono.");
    expect(fieldErrors(city("string_too_long", "String should have at most 200 characters"), TEXTS.en).get("city")).toBe("Please use at most 200 characters.");
  });

  it("names the fields even without the detailed errors", () => {
    const errors = fieldErrors({ message: "bad", fields: ["contact.email", "contact.city"] }, TEXTS.en);
    expect(errors.get("email")).toBe("Please enter a valid e-mail address, such as name@example.com.");
    expect(errors.get("city")).toBe("Please check this field.");
  });

  it("keeps the API's own message of what is no field of the form, for the console", () => {
    const answer = { errors: [{ loc: ["body", "partner_id"], msg: "unknown partner", type: "value_error" }] };
    expect(fieldErrors(answer, TEXTS.de).get("partner_id")).toBe("unknown partner");
  });
});

describe("one Idempotency-Key per filled-in form", () => {
  it("draws 128 random bits", () => {
    expect(newKey()).toMatch(/^[0-9a-f]{32}$/);
    expect(newKey()).not.toBe(newKey());
  });

  it("sends a double click once and answers both with the one inquiry", async () => {
    let answer: (response: Response) => void = () => {};
    const post = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)));
    const sender = new Sender("https://api.example/inquiries", TEXTS.en, post as unknown as typeof fetch);
    const first = sender.send({ product: "windows" }, 5000);
    const second = sender.send({ product: "windows" }, 5100);
    answer(created("abc"));
    expect(await first).toEqual({ kind: "sent", id: "abc" });
    expect(await second).toEqual({ kind: "sent", id: "abc" });
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("repeats the very request after a lost connection, and a new one for changed content", async () => {
    const post = vi
      .fn()
      .mockRejectedValueOnce(new TypeError("Failed to fetch"))
      .mockResolvedValueOnce(created("abc"))
      .mockResolvedValueOnce(created("def"));
    const keys = ["k1", "k2"];
    const sender = new Sender("/inquiries", TEXTS.en, post, () => keys.shift()!);
    expect(await sender.send({ product: "windows" }, 4000)).toEqual({ kind: "failed", message: TEXTS.en.network });
    expect(await sender.send({ product: "windows" }, 9000)).toEqual({ kind: "sent", id: "abc" });
    expect(await sender.send({ product: "shading" }, 12000)).toEqual({ kind: "sent", id: "def" });
    const [first, retry, changed] = post.mock.calls.map((call) => call[1] as RequestInit);
    expect(retry.body).toBe(first.body); // the fill time of the first attempt: the same body
    expect(JSON.parse(first.body as string)).toEqual({ product: "windows", form_fill_ms: 4000 });
    expect((retry.headers as Record<string, string>)["Idempotency-Key"]).toBe("k1");
    expect((changed.headers as Record<string, string>)["Idempotency-Key"]).toBe("k2");
  });

  it("tells a 429 and a 5xx apart from a wrong field", async () => {
    const post = vi
      .fn()
      .mockResolvedValueOnce(new Response("{}", { status: 429 }))
      .mockResolvedValueOnce(new Response("{}", { status: 503 }))
      .mockResolvedValueOnce(new Response(JSON.stringify(invalid), { status: 422 }));
    const sender = new Sender("/inquiries", TEXTS.it, post);
    expect(await sender.send({}, 4000)).toEqual({ kind: "failed", message: TEXTS.it.busy });
    expect(await sender.send({}, 4000)).toEqual({ kind: "failed", message: TEXTS.it.unavailable });
    const outcome = await sender.send({}, 4000);
    expect(outcome.kind).toBe("invalid");
    expect(outcome.kind === "invalid" && outcome.errors.has("postal_code")).toBe(false);
    expect(outcome.kind === "invalid" && outcome.errors.get("email")).toBe("Indichi un indirizzo e-mail valido, ad es. nome@esempio.it.");
  });
});

describe("<inquiry-form>", () => {
  it("shows the contract's labels and sends what is filled in, with the dealer's partner", async () => {
    const post = vi.fn(async () => created("xyz"));
    vi.stubGlobal("fetch", post);
    document.body.innerHTML = `<inquiry-form lang="en" partner="alpin-bz"></inquiry-form>`;
    const root = document.querySelector("inquiry-form")!.shadowRoot!;
    const labels = [...root.querySelectorAll("label")].map((l) => l.textContent?.replace(" *", ""));
    for (const label of Object.values(TEXTS.en.labels)) expect(labels).toContain(label);
    expect(labels.some((l) => l?.startsWith("I agree"))).toBe(true);
    const set = (name: string, value: string) => {
      (root.querySelector(`[name="${name}"]`) as HTMLInputElement).value = value;
    };
    set("last_name", "Rossi");
    set("email", "anna@example.com");
    set("postal_code", "39100");
    set("country", "IT");
    set("product", "windows");
    (root.querySelector('[name="consent"]') as HTMLInputElement).checked = true;
    root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => expect(root.querySelector(".id")?.textContent).toBe("xyz"));
    const body = JSON.parse((post.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(body).toMatchObject({
      product: "windows",
      contact: { last_name: "Rossi", email: "anna@example.com", postal_code: "39100", country: "IT" },
      consent: true,
      language: "en",
      partner_id: "alpin-bz",
      form_trap: "",
    });
    expect(body.contact).not.toHaveProperty("first_name");
    vi.unstubAllGlobals();
  });

  it("tells that a dealer's page names no partner, which the person cannot put right", async () => {
    const answer = {
      message: "partner_id names no partner",
      errors: [{ loc: ["body", "partner_id"], msg: "unknown partner", type: "invalid" }],
      fields: ["partner_id"],
    };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(answer), { status: 422 })));
    for (const lang of ["en", "de", "it"] as const) {
      document.body.innerHTML = `<inquiry-form lang="${lang}" partner="gone"></inquiry-form>`;
      const root = document.querySelector("inquiry-form")!.shadowRoot!;
      root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
      const summary = root.querySelector<HTMLElement>(".summary")!;
      await vi.waitFor(() => expect(summary.hidden).toBe(false));
      // The site owner's problem in plain words: no internal field name, no wrong guess.
      expect(summary.textContent).toBe(TEXTS[lang].setup);
      expect(summary.textContent).not.toMatch(/partner_id|zu lang|troppo lungo/);
      expect(root.querySelectorAll("[aria-invalid=true]")).toHaveLength(0);
    }
    vi.unstubAllGlobals();
  });
});
