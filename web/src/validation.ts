// The API's 422 errors (docs/api.md, Errors: `errors` as [{loc, msg, type}]) in words a
// person understands, in German, Italian and English: by the error's `type` and, where a
// field needs words of its own, by the field. The API's `msg` is pydantic's or the
// service's English for developers; it is never shown as it is.
//
// Shared by the app and the website form (web/src/form/): plain data and one function, no
// imports. The form's script takes `WORDS` only; the app adds `APP_WORDS` (the fields and
// types of HQ's and the partners' pages), which the form's build leaves out.

export type Lang = "de" | "it" | "en";

/** One entry of a 422's `errors`; `loc` also as a dotted path (`territories.0.country`). */
export interface Invalid {
  loc?: unknown;
  msg?: unknown;
  type?: unknown;
  ctx?: unknown;
}

type Words = Record<string, string>;

// Types whose words hold for any field: what is wrong is the same whatever the field.
const FIRST: Words = {
  too_long: "many", // a list (pydantic's own type for strings is string_too_long)
  too_short: "fewest",
  string_pattern_mismatch: "pattern", // the API's patterns are those of IDs
  extra_forbidden: "unknown",
  repeated: "repeated",
  hq_only: "hqOnly",
  csv: "file",
  reserved: "reserved",
};
// Types whose words give way to the field's own (a country too long is no country).
const THEN: Words = {
  missing: "missing",
  string_too_short: "missing", // the API's strings are at least 1 visible character but codes
  string_too_long: "long",
  enum: "choice",
  literal_error: "choice",
  bool_type: "yesNo",
  bool_parsing: "yesNo",
  int_type: "number",
  int_parsing: "number",
  int_from_float: "number",
  greater_than_equal: "number",
  less_than_equal: "number",
  date_type: "date",
  date_parsing: "date",
  date_from_datetime_parsing: "date",
};

/** What the website form's fields can be told (the form chooses its country from a list and
 * says so in its own words); the app's pages need them too. */
export const WORDS: Record<Lang, Words> = {
  en: {
    missing: "Please fill this in.",
    long: "Please use at most {n} characters.",
    long_: "This is too long.",
    check: "Please check this field.",
    email: "Please enter a valid e-mail address, such as name@example.com.",
    phone: "Please enter a valid phone number, such as +39 0471 123456.",
    postal_code: "Please enter a valid postal code.",
    product: "Please choose a product.",
    consent: "Without your consent we cannot handle your inquiry.",
  },
  de: {
    missing: "Bitte ausfüllen.",
    long: "Bitte verwenden Sie höchstens {n} Zeichen.",
    long_: "Diese Angabe ist zu lang.",
    check: "Bitte prüfen Sie diese Angabe.",
    email: "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
    phone: "Bitte geben Sie eine gültige Telefonnummer an, z. B. +49 89 123456.",
    postal_code: "Bitte geben Sie eine gültige Postleitzahl an.",
    product: "Bitte wählen Sie ein Produkt.",
    consent: "Ohne Ihr Einverständnis können wir die Anfrage nicht bearbeiten.",
  },
  it: {
    missing: "Campo obbligatorio.",
    long: "Usi al massimo {n} caratteri.",
    long_: "Il testo è troppo lungo.",
    check: "Controlli questo dato.",
    email: "Indichi un indirizzo e-mail valido, ad es. nome@esempio.it.",
    phone: "Indichi un numero di telefono valido, ad es. +39 0471 123456.",
    postal_code: "Indichi un CAP valido.",
    product: "Scelga un prodotto.",
    consent: "Senza il suo consenso non possiamo trattare la richiesta.",
  },
};

/** The app's further words: codes typed in (HQ's partner form), lists, filters, the import. */
export const APP_WORDS: Record<Lang, Words> = {
  en: {
    country: "Please enter the country as its two-letter code, such as IT or DE.",
    reserved: "This ID is taken by the report's total row; please choose another.",
    choice: "Please choose one of the offered values.",
    yesNo: "Please choose yes or no.",
    number: "Please enter a whole number.",
    pattern: "Please use only letters, digits and the characters - _ . ~",
    unknown: "This is not expected here.",
    many: "Too many entries: at most {n}.",
    many_: "Too many entries.",
    fewest: "Please choose at least one.",
    repeated: "This was given more than once.",
    hqOnly: "Only HQ may use this.",
    file: "The file cannot be imported: {msg}",
    date: "Please check this date.",
    from: "Please check this date.",
    to: "Please check this date.",
    timezone: "Please enter a time zone such as Europe/Rome.",
    subdivision: "Please enter the code of a region of the partner's country, such as BZ.",
    known: "Known codes: {codes}.",
    territories: "Too many countries or postal prefixes for one partner: please use fewer, shorter prefixes.",
    postal_prefixes: "Postal prefixes are the beginnings of postal codes, such as 39 or 390, at most 16 characters each.",
    notify_emails: "Please enter valid e-mail addresses, one per line.",
    working_days: "Please tick at least one working day.",
    contact_id: "This contact does not exist (any more).",
    cursor: "The list has changed; please load it again.",
    interval: "Too many periods: please choose a longer interval or a shorter period.",
  },
  de: {
    country: "Bitte geben Sie das Land als zweistelligen Code an, z. B. DE oder IT.",
    reserved: "Diese ID ist für die Summenzeile des Berichts vergeben; bitte wählen Sie eine andere.",
    choice: "Bitte wählen Sie einen der angebotenen Werte.",
    yesNo: "Bitte wählen Sie Ja oder Nein.",
    number: "Bitte geben Sie eine ganze Zahl ein.",
    pattern: "Bitte verwenden Sie nur Buchstaben, Ziffern und die Zeichen - _ . ~",
    unknown: "Diese Angabe ist hier nicht vorgesehen.",
    many: "Zu viele Einträge: höchstens {n}.",
    many_: "Zu viele Einträge.",
    fewest: "Bitte wählen Sie mindestens einen Eintrag.",
    repeated: "Das wurde mehrfach angegeben.",
    hqOnly: "Das darf nur die Zentrale verwenden.",
    file: "Die Datei kann nicht importiert werden: {msg}",
    date: "Bitte prüfen Sie dieses Datum.",
    from: "Bitte prüfen Sie dieses Datum.",
    to: "Bitte prüfen Sie dieses Datum.",
    timezone: "Bitte geben Sie eine Zeitzone wie Europe/Berlin an.",
    subdivision: "Bitte geben Sie den Code einer Region im Land des Partners an, z. B. BY.",
    known: "Bekannte Codes: {codes}.",
    territories: "Zu viele Länder oder PLZ-Präfixe für einen Partner: Bitte verwenden Sie weniger und kürzere Präfixe.",
    postal_prefixes: "PLZ-Präfixe sind Anfänge von Postleitzahlen, z. B. 39 oder 390, je höchstens 16 Zeichen.",
    notify_emails: "Bitte geben Sie gültige E-Mail-Adressen an, eine je Zeile.",
    working_days: "Bitte kreuzen Sie mindestens einen Arbeitstag an.",
    contact_id: "Diesen Kontakt gibt es nicht (mehr).",
    cursor: "Die Liste hat sich geändert; bitte laden Sie sie neu.",
    interval: "Zu viele Zeiträume: Bitte wählen Sie ein längeres Intervall oder einen kürzeren Zeitraum.",
  },
  it: {
    country: "Indichi il paese con il codice di due lettere, ad es. IT o DE.",
    reserved: "Questo ID è riservato alla riga del totale del report; ne scelga un altro.",
    choice: "Scelga uno dei valori proposti.",
    yesNo: "Scelga sì o no.",
    number: "Inserisca un numero intero.",
    pattern: "Usi solo lettere, cifre e i caratteri - _ . ~",
    unknown: "Questo dato non è previsto qui.",
    many: "Troppe voci: al massimo {n}.",
    many_: "Troppe voci.",
    fewest: "Ne scelga almeno uno.",
    repeated: "È stato indicato più volte.",
    hqOnly: "Solo la sede può usarlo.",
    file: "Il file non può essere importato: {msg}",
    date: "Controlli questa data.",
    from: "Controlli questa data.",
    to: "Controlli questa data.",
    timezone: "Indichi un fuso orario come Europe/Rome.",
    subdivision: "Indichi il codice di una regione o provincia del paese del partner, ad es. BZ.",
    known: "Codici noti: {codes}.",
    territories: "Troppi paesi o prefissi CAP per un partner: usi prefissi meno numerosi e più corti.",
    postal_prefixes: "I prefissi CAP sono l'inizio dei CAP, ad es. 39 o 390, al massimo 16 caratteri ciascuno.",
    notify_emails: "Indichi indirizzi e-mail validi, uno per riga.",
    working_days: "Selezioni almeno un giorno lavorativo.",
    contact_id: "Questo contatto non esiste (più).",
    cursor: "L'elenco è cambiato; lo ricarichi.",
    interval: "Troppi periodi: scelga un intervallo più lungo o un periodo più breve.",
  },
};

/** The field an error is about: the last name in its path (`["body", "contact", "email"]`
 * and `territories.0.country` end in `email` and `country`); "" for the body itself. */
export function fieldOf(loc: unknown): string {
  const path = (Array.isArray(loc) ? loc : String(loc ?? "").split(".")).map(String);
  const names = path.filter((part, i) => !(i === 0 && /^(body|query|path|header)$/.test(part)) && !/^\d+$/.test(part));
  return names[names.length - 1] ?? "";
}

/**
 * One error in words of the language: the type's where it holds for any field, else the
 * field's own, else the type's, else "Please check this field." `more` adds words (the
 * app's, or a form's own for a field: a country chosen from a list).
 */
export function explain(error: Invalid, lang: Lang, more: Words = {}): string {
  const words: Words = { ...WORDS[lang], ...more };
  const type = String(error.type ?? "");
  const msg = String(error.msg ?? "");
  const field = fieldOf(error.loc);
  // A length or count limit: pydantic's `ctx` where sent, else the number in its message.
  const limit = (error.ctx as { max_length?: unknown } | null)?.max_length ?? /\d+/.exec(msg)?.[0];
  const key = [FIRST[type], field, THEN[type]].find((k) => k !== undefined && k !== "" && words[k] !== undefined);
  let text = key === undefined ? words.check! : words[limit === undefined ? `${key}_` : key] ?? words[key]!;
  const codes = key === field && /known codes: (.+)$/.exec(msg);
  if (codes && words.known) text += ` ${words.known}`.replace("{codes}", codes[1]!);
  return text.replace("{n}", String(limit)).replace("{msg}", msg.replace(/^Value error, /, ""));
}
