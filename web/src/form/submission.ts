// Sending the form to `POST /inquiries`: one Idempotency-Key per filled-in form, the API's
// 422 messages by field, and where the API is (beside the script, wherever it is embedded).

import { type Invalid, explain, fieldOf } from "../validation";
import { FIELDS, type Texts } from "./texts";

export type Content = Record<string, unknown>;

export type Outcome =
  | { kind: "sent"; id: string }
  | { kind: "invalid"; errors: Map<string, string> }
  | { kind: "failed"; message: string };

/** `POST /inquiries` of the service the script came from: its URL, relative to the script's. */
export function endpointOf(scriptUrl: string | null | undefined, page: string): string {
  return new URL("inquiries", new URL(".", scriptUrl || page)).href;
}

/** A key nobody else draws: 128 random bits (crypto.getRandomValues works on http pages too). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The API's 422 errors by form field: `["body", "contact", "email"]` is `email`, `["body",
 * "consent"]` is `consent`; each in the form's language, in words a person understands
 * (../validation.ts). What is no field of the form (`partner_id`) is kept by its name with
 * the API's own message: the person is told the form is not set up, the site's owner reads
 * the details in the console.
 */
export function fieldErrors(body: unknown, texts: Texts): Map<string, string> {
  const found = new Map<string, string>();
  const { errors, fields, message } = (body ?? {}) as Record<string, unknown>;
  // Without the detailed errors, only the names of the fields at fault.
  const list: Invalid[] = Array.isArray(errors)
    ? errors
    : (Array.isArray(fields) ? fields : []).map((name) => ({ loc: name, msg: message }));
  for (const error of list) {
    const field = fieldOf((error ?? {}).loc);
    if (found.has(field)) continue; // the first error of a field says enough
    const ours = field === "consent" || (FIELDS as readonly string[]).includes(field);
    found.set(
      field,
      ours ? explain(error ?? {}, texts.lang, { country: texts.chooseCountry }) : String(error?.msg ?? ""),
    );
  }
  return found;
}

/**
 * One filled-in form, sent at most once at a time. A second send while the first is under
 * way (a double click) gets the first's answer; a send of the same content again (a retry
 * after a lost connection) repeats the very same request, key and body, so the API answers
 * with the same inquiry; changed content is a new filled-in form with a new key.
 */
export class Sender {
  private last: { content: string; body: string; key: string } | null = null;
  private pending: Promise<Outcome> | null = null;

  constructor(
    private readonly endpoint: string,
    private readonly texts: Texts,
    private readonly post: typeof fetch = (input, init) => fetch(input, init),
    private readonly keys: () => string = newKey,
  ) {}

  send(content: Content, fillMs: number): Promise<Outcome> {
    if (this.pending) return this.pending;
    const text = JSON.stringify(content);
    if (this.last?.content !== text) {
      const body = JSON.stringify({ ...content, form_fill_ms: Math.max(0, Math.round(fillMs)) });
      this.last = { content: text, body, key: this.keys() };
    }
    const { body, key } = this.last;
    this.pending = this.request(body, key).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async request(body: string, key: string): Promise<Outcome> {
    let response: Response;
    try {
      response = await this.post(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body,
        credentials: "omit",
        mode: "cors",
      });
    } catch {
      return { kind: "failed", message: this.texts.network };
    }
    let data: unknown = null;
    try {
      data = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    if (response.status === 201 && typeof (data as { id?: unknown })?.id === "string") {
      return { kind: "sent", id: (data as { id: string }).id };
    }
    if (response.status === 422) return { kind: "invalid", errors: fieldErrors(data, this.texts) };
    const message = response.status === 429 ? this.texts.busy : this.texts.unavailable;
    return { kind: "failed", message };
  }
}
