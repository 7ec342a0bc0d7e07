import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, type FieldError, type Partner, type Territory } from "../api";
import { describe } from "../actions";
import { LANGS, LANG_NAMES, problem, t, word } from "../i18n";
import { go, say } from "../state";

const PRODUCTS = ["windows", "entrance_doors", "sliding_doors", "sunrooms", "shading", "other"];
const DAYS = [1, 2, 3, 4, 5, 6, 7];

export interface PartnerForm {
  id: string;
  name: string;
  country: string;
  subdivision: string;
  timezone: string;
  working_days: number[];
  territories: string;
  products: string[];
  notify_emails: string;
  language: string;
  active: boolean;
}

export const EMPTY_PARTNER: PartnerForm = {
  id: "",
  name: "",
  country: "",
  subdivision: "",
  timezone: "Europe/Rome",
  working_days: [1, 2, 3, 4, 5],
  territories: "",
  products: [],
  notify_emails: "",
  language: "en",
  active: true,
};

/** "IT 39 38" per line -> territories; a country alone covers the whole country. */
export function parseTerritories(text: string): Territory[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(/[\s,;:]+/).filter(Boolean))
    .filter((parts) => parts.length > 0)
    .map(([country, ...prefixes]) => ({
      country: country!.toUpperCase(),
      postal_prefixes: prefixes.length ? prefixes : [""],
    }));
}

export function territoriesText(territories: Territory[] = []): string {
  return territories.map((t) => [t.country, ...t.postal_prefixes.filter(Boolean)].join(" ")).join("\n");
}

export function formOf(partner: Partner): PartnerForm {
  return {
    id: partner.id ?? partner.partner_id ?? "",
    name: partner.name,
    country: partner.country,
    subdivision: partner.subdivision ?? "",
    timezone: partner.timezone,
    working_days: partner.working_days ?? [1, 2, 3, 4, 5],
    territories: territoriesText(partner.territories),
    products: partner.products ?? [],
    notify_emails: (partner.notify_emails ?? []).join("\n"),
    language: partner.language ?? "en",
    active: partner.active ?? true,
  };
}

/**
 * The body of `PUT /partners/{id}`. The second round's fields (`active`, `notify_emails`,
 * `language`) go along when the API already has them for this partner or they differ from
 * their defaults, so an API without them still takes an ordinary partner.
 */
export function bodyOf(form: PartnerForm, known: Partner | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    country: form.country.trim().toUpperCase(),
    timezone: form.timezone.trim(),
    working_days: [...form.working_days].sort(),
    territories: parseTerritories(form.territories),
    products: form.products,
  };
  if (form.subdivision.trim()) body.subdivision = form.subdivision.trim();
  const emails = form.notify_emails.split(/[\s,;]+/).filter(Boolean);
  if ((known && "active" in known) || !form.active) body.active = form.active;
  if ((known && "notify_emails" in known) || emails.length) body.notify_emails = emails;
  if ((known && "language" in known) || form.language !== "en") body.language = form.language;
  return body;
}

/**
 * The body of `PATCH /partners/{id}`: only the fields the form changed against the partner
 * as loaded, so a colleague's change to another field in the meantime is kept. A cleared
 * subdivision is sent as `null`.
 */
export function patchOf(form: PartnerForm, known: Partner): Record<string, unknown> {
  const before = bodyOf(formOf(known), known);
  const after = bodyOf(form, known);
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    patch[key] = key in after ? after[key] : null;
  }
  return patch;
}

/** The required fields left empty (the ID only for a new partner), in the form's order. */
export function missingFields(form: PartnerForm, isNew: boolean): string[] {
  const required: Array<keyof PartnerForm> = [...(isNew ? (["id"] as const) : []), "name", "country", "timezone"];
  return required.filter((field) => !String(form[field]).trim());
}

/** The form field a 422 path belongs to (`territories.0.country` -> `territories`; the
 * path's `partner_id`, a new partner's ID, -> `id`). */
export function fieldOf(path: string): string {
  const field = path.replace(/^(path|query)\./, "").split(".")[0] ?? path;
  return field === "partner_id" ? "id" : field;
}

export function Partners({ editing }: { editing: string | null }) {
  const words = t();
  const [partners, setPartners] = useState<Partner[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    api<{ items: Partner[] }>("GET", "/partners")
      .then((answer) => setPartners(answer.items ?? []))
      .catch((failure) => setError(describe(failure)));
  }, [version]);

  return (
    <>
      <div class="page-head row between">
        <h1>{words.partnersTitle}</h1>
        <a class="button primary" href="#/partners/new">
          + {words.newPartner}
        </a>
      </div>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <PartnerEditor
          key={editing}
          id={editing === "new" ? null : editing}
          listed={partners?.find((p) => (p.id ?? p.partner_id) === editing) ?? null}
          onSaved={() => {
            setVersion((v) => v + 1);
            go("/partners");
          }}
        />
      )}
      {partners === null ? (
        !error && <p role="status">{words.loading}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={words.partners} tabIndex={0}>
          <table role="table" aria-label={words.partners} class="partners cards">
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">{words.name}</th>
                <th role="columnheader" scope="col">{words.id}</th>
                <th role="columnheader" scope="col">{words.country}</th>
                <th role="columnheader" scope="col">{words.timezone}</th>
                <th role="columnheader" scope="col">{words.territories}</th>
                <th role="columnheader" scope="col">{words.products}</th>
                <th role="columnheader" scope="col">{words.activeCol}</th>
                <th role="columnheader" scope="col">
                  <span class="visually-hidden">{words.edit}</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {partners.map((p) => {
                const id = p.id ?? p.partner_id ?? "";
                return (
                  <tr role="row" key={id}>
                    <td role="cell" data-label={words.name} class="text">{p.name}</td>
                    <td role="cell" data-label={words.id} class="id">{id}</td>
                    <td role="cell" data-label={words.country}>
                      {p.country}
                      {p.subdivision ? `-${p.subdivision}` : ""}
                    </td>
                    <td role="cell" data-label={words.timezone}>{p.timezone}</td>
                    <td role="cell" data-label={words.territories}>{territoriesText(p.territories).replace(/\n/g, "; ")}</td>
                    <td role="cell" data-label={words.products}>{p.products?.length ? p.products.map(word).join(", ") : words.all}</td>
                    <td role="cell" data-label={words.activeCol}>{p.active === false ? words.no : words.yes}</td>
                    <td role="cell">
                      <a href={`#/partners/${encodeURIComponent(id)}`} aria-label={words.editPartner(p.name)}>
                        {words.edit}
                      </a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function PartnerEditor({ id, listed, onSaved }: { id: string | null; listed: Partner | null; onSaved: () => void }) {
  const words = t();
  const [known, setKnown] = useState<Partner | null>(listed);
  const [form, setForm] = useState<PartnerForm>(listed ? formOf(listed) : EMPTY_PARTNER);
  const [errors, setErrors] = useState<FieldError[]>([]);
  // What went wrong, said at render time, in the language the app shows now.
  const [failure, setFailure] = useState<unknown>(null);
  const message = errors.length ? words.fixFields : failure === null ? null : describe(failure);
  const [busy, setBusy] = useState(false);

  const dirty = useRef(false);

  useEffect(() => {
    if (!id) return;
    // `GET /partners/{id}`: the partner as stored now, which the PATCH is computed
    // against. What the user already typed is never overwritten by an answer that comes
    // late; an unknown partner says so.
    api<Partner>("GET", `/partners/${encodeURIComponent(id)}`)
      .then((found) => {
        if (dirty.current) return;
        setKnown(found);
        setForm(formOf({ ...found, id }));
      })
      .catch((reason) => setFailure(reason));
  }, [id]);

  useEffect(() => {
    if (!listed || dirty.current || known) return;
    setKnown(listed);
    setForm(formOf(listed));
  }, [listed]);

  useEffect(() => {
    document.getElementById("partner-form-h")?.focus();
  }, []);

  // The API's errors in words of the language, each once; a territory's with its line.
  const errorFor = (field: string) => [
    ...new Set(
      errors
        .filter((e) => fieldOf(e.field) === field)
        .map((e) => (e.field.includes(".") && field === "territories" ? `${words.territories} ${Number(e.field.split(".")[1]) + 1}: ${problem(e)}` : problem(e))),
    ),
  ].join(" ");

  const set = (patch: Partial<PartnerForm>) => {
    dirty.current = true;
    setForm((current) => ({ ...current, ...patch }));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setErrors([]);
    setFailure(null);
    const target = (id ?? form.id).trim();
    // Every required field left empty at once, before asking the API.
    const missing = missingFields(form, !id);
    if (missing.length) {
      setErrors(missing.map((field) => ({ field, message: words.required, type: "missing" })));
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      // An existing partner: only what changed (PATCH); a new one: the whole partner (PUT).
      if (id && known) await api("PATCH", `/partners/${encodeURIComponent(target)}`, patchOf(form, known));
      else await api("PUT", `/partners/${encodeURIComponent(target)}`, bodyOf(form, known));
      say(words.saved);
      onSaved();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 422 && failure.fields.length) {
        setErrors(failure.fields);
        setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      } else setFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const text = (field: keyof PartnerForm, label: string, extra: Record<string, unknown> = {}) => {
    const problem = errorFor(field);
    return (
      <div class="field">
        <label for={`p-${field}`}>{label}</label>
        <input
          id={`p-${field}`}
          value={form[field] as string}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `p-${field}-err` : undefined}
          onInput={(e) => set({ [field]: (e.target as HTMLInputElement).value } as Partial<PartnerForm>)}
          {...extra}
        />
        {problem && (
          <span id={`p-${field}-err`} class="field-error">
            {problem}
          </span>
        )}
      </div>
    );
  };

  const areaError = (field: string) => {
    const problem = errorFor(field);
    return problem ? (
      <span id={`p-${field}-err`} class="field-error">
        {problem}
      </span>
    ) : null;
  };

  return (
    <section class="panel editor" aria-labelledby="partner-form-h">
      <h2 id="partner-form-h" tabIndex={-1}>
        {id ? words.editPartner(form.name || id) : words.newPartner}
      </h2>
      <form onSubmit={submit} noValidate>
        {message && (
          <p class="alert" role="alert">
            {message}
          </p>
        )}
        <div class="grid2">
          {id ? (
            <div class="field">
              <span class="label">{words.id}</span>
              <span class="id">{id}</span>
            </div>
          ) : (
            text("id", words.id, { autoComplete: "off" })
          )}
          {text("name", words.name)}
          {text("country", words.country, { maxLength: 2, autoComplete: "off" })}
          {text("subdivision", words.subdivision)}
          {text("timezone", words.timezone)}
          <div class="field">
            <label for="p-language">{words.partnerLanguage}</label>
            <select id="p-language" value={form.language} onChange={(e) => set({ language: (e.target as HTMLSelectElement).value })}>
              {LANGS.map((code) => (
                <option value={code} key={code}>
                  {LANG_NAMES[code]}
                </option>
              ))}
            </select>
            {areaError("language")}
          </div>
        </div>
        <fieldset class="checks" aria-describedby={errorFor("working_days") ? "p-working_days-err" : undefined}>
          <legend>{words.workingDays}</legend>
          {DAYS.map((day) => (
            <label key={day}>
              <input
                type="checkbox"
                checked={form.working_days.includes(day)}
                onChange={(e) =>
                  set({
                    working_days: (e.target as HTMLInputElement).checked
                      ? [...form.working_days, day]
                      : form.working_days.filter((d) => d !== day),
                  })
                }
              />{" "}
              {new Intl.DateTimeFormat(document.documentElement.lang || "en", { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, day)))}
            </label>
          ))}
          {areaError("working_days")}
        </fieldset>
        <div class="field">
          <label for="p-territories">{words.territories}</label>
          <textarea
            id="p-territories"
            rows={3}
            value={form.territories}
            aria-invalid={errorFor("territories") ? true : undefined}
            aria-describedby={`p-territories-hint${errorFor("territories") ? " p-territories-err" : ""}`}
            onInput={(e) => set({ territories: (e.target as HTMLTextAreaElement).value })}
          />
          <span id="p-territories-hint" class="hint">
            {words.territoriesHint}
          </span>
          {areaError("territories")}
        </div>
        <fieldset class="checks" aria-describedby="p-products-hint">
          <legend>{words.products}</legend>
          {PRODUCTS.map((product) => (
            <label key={product}>
              <input
                type="checkbox"
                checked={form.products.includes(product)}
                onChange={(e) =>
                  set({
                    products: (e.target as HTMLInputElement).checked
                      ? [...form.products, product]
                      : form.products.filter((p) => p !== product),
                  })
                }
              />{" "}
              {word(product)}
            </label>
          ))}
          <span id="p-products-hint" class="hint">
            {words.productsHint}
          </span>
          {areaError("products")}
        </fieldset>
        <div class="field">
          <label for="p-notify_emails">{words.notifyEmails}</label>
          <textarea
            id="p-notify_emails"
            rows={2}
            value={form.notify_emails}
            aria-invalid={errorFor("notify_emails") ? true : undefined}
            aria-describedby={`p-notify-hint${errorFor("notify_emails") ? " p-notify_emails-err" : ""}`}
            onInput={(e) => set({ notify_emails: (e.target as HTMLTextAreaElement).value })}
          />
          <span id="p-notify-hint" class="hint">
            {words.notifyHint}
          </span>
          {areaError("notify_emails")}
        </div>
        <div class="field check">
          <label>
            <input type="checkbox" checked={form.active} onChange={(e) => set({ active: (e.target as HTMLInputElement).checked })} /> {words.active}
          </label>
          {areaError("active")}
        </div>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>
            {words.save}
          </button>
          <a class="button" href="#/partners">
            {words.cancel}
          </a>
        </div>
      </form>
    </section>
  );
}
