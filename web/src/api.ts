// The API client: the same origin, a bearer token held in memory only.

export type Status =
  | "received"
  | "unassigned"
  | "assigned"
  | "pending"
  | "accepted"
  | "returned"
  | "discarded"
  | "closed";

export interface Contact {
  contact_id?: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  street?: string | null;
  postal_code?: string | null;
  city?: string | null;
  country?: string | null;
  company?: string | null;
}

export interface InquiryEvent {
  at: string;
  actor?: string;
  action: string;
  [key: string]: unknown;
}

export interface Inquiry {
  id: string;
  status: Status;
  channel: string;
  product: string;
  language?: string | null;
  created_at: string;
  assigned_at?: string | null;
  deadline: string | null;
  partner_id: string | null;
  user_id: string | null;
  location: { postal_code?: string | null; city?: string | null; country?: string | null } | null;
  message: string | null;
  anonymized: boolean;
  contact: Contact | null;
  contact_id?: string | null;
  return_reason: "rejected" | "expired" | "withdrawn" | null;
  progress: Array<{ step: string; at?: string } | string>;
  events?: InquiryEvent[];
  /** Not in the contract yet: the partner's time zone, when the API adds it. */
  timezone?: string;
  /** When the person's data was erased (their request, or retention); null while kept. */
  erased_at?: string | null;
  /** The accepting partner's duplicate check again, while it has linked no contact. */
  duplicates?: Duplicate[];
}

export interface Duplicate {
  contact_id: string;
  matched_on: string[];
  contact?: Contact;
}

export interface Territory {
  country: string;
  postal_prefixes: string[];
}

export interface Partner {
  id?: string;
  partner_id?: string;
  name: string;
  country: string;
  subdivision?: string | null;
  timezone: string;
  working_days?: number[];
  territories: Territory[];
  products?: string[];
  active?: boolean;
  notify_emails?: string[];
  language?: string;
}

export interface Candidate {
  partner_id: string;
  name?: string;
  why?: string[];
}

export interface Durations {
  median: number | null;
  p90: number | null;
  max: number | null;
}

export interface SeriesEntry {
  period: string;
  assigned: number;
  accepted: number;
  rejected: number;
  expired: number;
  decision_hours?: Durations;
}

export interface ReportRow {
  partner_id?: string;
  assigned: number;
  accepted: number;
  rejected: number;
  expired: number;
  pending: number;
  acceptance_rate?: number | null;
  decision_hours?: Durations;
  decision_working_hours?: Durations;
  decided_in_time_rate?: number | null;
  first_progress_hours?: Durations;
  win_rate?: number | null;
  outcomes?: { contacted: number; offer_sent: number; won: number; lost: number };
  series?: SeriesEntry[];
}

export interface Report {
  from: string;
  to: string;
  as_of?: string;
  partners: ReportRow[];
  total: ReportRow;
}

/** A field the API named in a 422 (its path, `territories.0.country`), with the error's
 * type and the API's own message; shown in words by `problem` (i18n.ts). */
export interface FieldError {
  field: string;
  message: string;
  type?: string;
  /** What the app needs to say it (the contacts import's file errors: a line, positions). */
  ctx?: Record<string, unknown>;
}

/** An answer other than 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let token: string | null = null;
const listeners = new Set<() => void>();

/** Called when the API says the token is no longer good (401). */
export function onUnauthorized(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setToken(value: string | null): void {
  token = value;
}

export function hasToken(): boolean {
  return token !== null;
}

/** The 422 body's fields as `field -> message`, the first path element after `body`. */
export function fieldErrors(body: unknown): FieldError[] {
  if (!body || typeof body !== "object") return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) {
    const fields = (body as { fields?: unknown }).fields;
    const message = (body as { message?: unknown }).message;
    if (Array.isArray(fields)) {
      return fields.map((f) => ({ field: String(f), message: String(message ?? "") }));
    }
    return [];
  }
  return errors.flatMap((error): FieldError[] => {
    if (!error || typeof error !== "object") return [];
    const { loc, msg, message, type, ctx } = error as { loc?: unknown; msg?: unknown; message?: unknown; type?: unknown; ctx?: unknown };
    const path = Array.isArray(loc) ? loc.filter((part) => part !== "body") : [];
    const text = String(msg ?? message ?? "").replace(/^Value error, /, "");
    return [
      {
        field: path.map(String).join("."),
        message: text,
        ...(type === undefined ? {} : { type: String(type) }),
        ...(ctx && typeof ctx === "object" ? { ctx: ctx as Record<string, unknown> } : {}),
      },
    ];
  });
}

async function parse(response: Response): Promise<unknown> {
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }
  return await response.text();
}

/** The body of an answer; throws ApiError on anything but 2xx (a 401 also tells the listeners). */
async function answer<T>(response: Response): Promise<T> {
  const data = await parse(response);
  if (!response.ok) {
    const message =
      data && typeof data === "object" && "message" in data
        ? String((data as { message: unknown }).message)
        : response.statusText || `HTTP ${response.status}`;
    if (response.status === 401 && token) listeners.forEach((listener) => listener());
    throw new ApiError(response.status, message, response.status === 422 ? fieldErrors(data) : []);
  }
  return data as T;
}

/** One API call; JSON in and out; throws ApiError on anything but 2xx. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string | number | undefined | null>,
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(withQuery(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer<T>(response);
}

export function withQuery(
  path: string,
  query?: Record<string, string | number | undefined | null>,
): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Download a file the API answers (CSV, Excel) with the bearer token, as a named file. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const data = await parse(response);
    const message =
      data && typeof data === "object" && "message" in data
        ? String((data as { message: unknown }).message)
        : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// contacts (issue 13) -------------------------------------------------------------------

export interface PartnerContact extends Contact {
  contact_id: string;
  last_name: string;
  country: string;
  source: "inquiry" | "import";
}

export interface ContactList {
  items: PartnerContact[];
  next: string | null;
}

/** One thing wrong with an imported row: its column (null: the row), a type, the API's English. */
export interface RowProblem {
  field: string | null;
  type: string;
  message: string;
  ctx?: Record<string, unknown>;
}

export interface ContactImport {
  imported: number;
  /** The first problem's field, type and ctx on the row itself; all of them in `problems`. */
  rejected: Array<{ row: number; message: string; field?: string | null; type?: string; ctx?: Record<string, unknown>; problems?: RowProblem[] }>;
  created?: number;
  updated?: number;
  unchanged?: number;
}

/** Send a file as the body (the contacts import takes text/csv, not JSON). */
export async function sendFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", "Content-Type": contentType };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: file });
  return answer<T>(response);
}
