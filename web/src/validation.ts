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
  not_a_city: "notCity", // the form's city: an e-mail address or a phone number in it
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
    notCity: "Please enter only the name of the city, without an e-mail address or phone number.",
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
    notCity: "Bitte geben Sie nur den Namen des Ortes an, ohne E-Mail-Adresse oder Telefonnummer.",
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
    notCity: "Indichi solo il nome della località, senza indirizzo e-mail né numero di telefono.",
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
    periodLong: "The period is too long: a report covers at most {n} days (a year). Please choose a shorter period.",
    periodOrder: "The end date is before the start date.",
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
    periodLong: "Der Zeitraum ist zu lang: Ein Bericht umfasst höchstens {n} Tage (ein Jahr). Bitte wählen Sie einen kürzeren Zeitraum.",
    periodOrder: "Das Enddatum liegt vor dem Anfangsdatum.",
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
    periodLong: "Il periodo è troppo lungo: un report copre al massimo {n} giorni (un anno). Scelga un periodo più breve.",
    periodOrder: "La data di fine precede quella di inizio.",
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
  // A report's period: the API's sentence (a model check, no type of its own) says what.
  const span = /period covers more than (\d+) days/.exec(msg);
  if (span && words.periodLong) return words.periodLong.replace("{n}", span[1]!);
  if (/"to" is before "from"/.test(msg) && words.periodOrder) return words.periodOrder;
  const key = [FIRST[type], field, THEN[type]].find((k) => k !== undefined && k !== "" && words[k] !== undefined);
  let text = key === undefined ? words.check! : words[limit === undefined ? `${key}_` : key] ?? words[key]!;
  const codes = key === field && /known codes: (.+)$/.exec(msg);
  if (codes && words.known) text += ` ${words.known}`.replace("{codes}", codes[1]!);
  return text.replace("{n}", String(limit)).replace("{msg}", msg.replace(/^Value error, /, ""));
}

/**
 * The contacts import's words (docs/api.md, Contacts): a file the API refused whole (its
 * 422's error `type` and `ctx`: a line, column positions, the contract's column names) and
 * each problem of a row at fault (its column, `type` and `ctx`). Column names stay as the
 * file's header has them. The API's English only for a type the app does not know.
 */
export const IMPORT_WORDS: Record<Lang, Words> = {
  en: {
    file: "The file cannot be imported.",
    not_utf8: "It is not saved as UTF-8 (line {line}): please save it as “CSV UTF-8” and import it again.",
    empty: "It is empty, or its first line is not the header.",
    unknown_columns: "The header line's columns {positions} are not known (is the first line the header?). The columns are: {columns}.",
    unknown_columns_1: "The header line's column {positions} is not known (is the first line the header?). The columns are: {columns}.",
    repeated_columns: "The header names these columns more than once: {columns}.",
    missing_columns: "The header lacks the required columns: {columns}.",
    unclosed_quote: 'A quotation mark (") opened in line {line} is never closed.',
    misplaced_quote: 'A quotation mark (") in line {line} is out of place: a cell in quotes must end at its closing quotation mark.',
    cell_too_long: "A cell in line {line} is too long.",
    invalid_csv: "It is not valid CSV near line {line}.",
    too_many_rows: "It has more than {n} rows: please split it.",
    missing: "Column {column} is empty, but it is required.",
    invisible: "Column {column} holds only invisible characters; please enter the name.",
    too_long: "Column {column} is too long: at most {n} characters.",
    control_characters: "Column {column} holds control characters (such as a tab or a line break), which are not allowed.",
    control_characters_street: "Column {column} holds control characters other than line breaks and tabs, which are not allowed.",
    email: "Column {column} does not hold a valid e-mail address.",
    email_alone: "Column {column}: please give the e-mail address alone, without a name or angle brackets (<>).",
    email_local_part_too_long: "Column {column}: the part of the e-mail address before the @-sign is too long (at most 64 characters).",
    country: "Column {column} does not hold a two-letter country code such as IT or DE.",
    phone: "Column {column} does not hold a valid phone number.",
    postal_code: "Column {column} does not hold a valid postal code.",
    cells: "The row has {cells} cells, the header {columns} columns.",
  },
  de: {
    file: "Die Datei kann nicht importiert werden.",
    not_utf8: "Sie ist nicht als UTF-8 gespeichert (Zeile {line}): Bitte speichern Sie sie als „CSV UTF-8“ und importieren Sie sie erneut.",
    empty: "Sie ist leer, oder ihre erste Zeile ist nicht die Kopfzeile.",
    unknown_columns: "Die Spalten {positions} der Kopfzeile sind unbekannt (ist die erste Zeile die Kopfzeile?). Die Spalten heißen: {columns}.",
    unknown_columns_1: "Die Spalte {positions} der Kopfzeile ist unbekannt (ist die erste Zeile die Kopfzeile?). Die Spalten heißen: {columns}.",
    repeated_columns: "Die Kopfzeile nennt diese Spalten mehrfach: {columns}.",
    missing_columns: "In der Kopfzeile fehlen die Pflichtspalten: {columns}.",
    unclosed_quote: 'Ein Anführungszeichen (") in Zeile {line} wird nie geschlossen.',
    misplaced_quote: 'Ein Anführungszeichen (") in Zeile {line} steht an falscher Stelle: Eine Zelle in Anführungszeichen muss mit dem schließenden Anführungszeichen enden.',
    cell_too_long: "Eine Zelle in Zeile {line} ist zu lang.",
    invalid_csv: "Sie ist um Zeile {line} kein gültiges CSV.",
    too_many_rows: "Sie hat mehr als {n} Zeilen: Bitte teilen Sie sie auf.",
    missing: "Die Spalte {column} ist leer, ist aber Pflicht.",
    invisible: "Die Spalte {column} enthält nur unsichtbare Zeichen; bitte geben Sie den Namen an.",
    too_long: "Die Spalte {column} ist zu lang: höchstens {n} Zeichen.",
    control_characters: "Die Spalte {column} enthält Steuerzeichen (z. B. Tabulator oder Zeilenumbruch); diese sind nicht erlaubt.",
    control_characters_street: "Die Spalte {column} enthält Steuerzeichen (außer Zeilenumbruch und Tabulator); diese sind nicht erlaubt.",
    email: "Die Spalte {column} enthält keine gültige E-Mail-Adresse.",
    email_alone: "Spalte {column}: Bitte geben Sie die E-Mail-Adresse allein an, ohne Namen oder spitze Klammern (<>).",
    email_local_part_too_long: "Spalte {column}: Der Teil der E-Mail-Adresse vor dem @-Zeichen ist zu lang (höchstens 64 Zeichen).",
    country: "Die Spalte {column} enthält keinen zweistelligen Ländercode wie DE oder IT.",
    phone: "Die Spalte {column} enthält keine gültige Telefonnummer.",
    postal_code: "Die Spalte {column} enthält keine gültige Postleitzahl.",
    cells: "Die Zeile hat {cells} Zellen, die Kopfzeile {columns} Spalten.",
  },
  it: {
    file: "Il file non può essere importato.",
    not_utf8: "Non è salvato in UTF-8 (riga {line}): lo salvi come «CSV UTF-8» e lo importi di nuovo.",
    empty: "È vuoto, oppure la sua prima riga non è l'intestazione.",
    unknown_columns: "Le colonne {positions} dell'intestazione non sono note (la prima riga è l'intestazione?). Le colonne sono: {columns}.",
    unknown_columns_1: "La colonna {positions} dell'intestazione non è nota (la prima riga è l'intestazione?). Le colonne sono: {columns}.",
    repeated_columns: "L'intestazione indica più volte queste colonne: {columns}.",
    missing_columns: "Nell'intestazione mancano le colonne obbligatorie: {columns}.",
    unclosed_quote: 'Le virgolette (") aperte alla riga {line} non vengono mai chiuse.',
    misplaced_quote: 'Le virgolette (") alla riga {line} sono fuori posto: una cella tra virgolette deve finire con le virgolette di chiusura.',
    cell_too_long: "Una cella alla riga {line} è troppo lunga.",
    invalid_csv: "Non è un CSV valido (intorno alla riga {line}).",
    too_many_rows: "Ha più di {n} righe: lo divida in più file.",
    missing: "La colonna {column} è vuota, ma è obbligatoria.",
    invisible: "La colonna {column} contiene solo caratteri invisibili; indichi il nome.",
    too_long: "La colonna {column} è troppo lunga: al massimo {n} caratteri.",
    control_characters: "La colonna {column} contiene caratteri di controllo (ad es. tabulazione o a capo), che non sono ammessi.",
    control_characters_street: "La colonna {column} contiene caratteri di controllo (diversi da a capo e tabulazione), che non sono ammessi.",
    email: "La colonna {column} non contiene un indirizzo e-mail valido.",
    email_alone: "Colonna {column}: indichi l'indirizzo e-mail da solo, senza nome né parentesi angolari (<>).",
    email_local_part_too_long: "Colonna {column}: la parte dell'indirizzo e-mail prima della @ è troppo lunga (al massimo 64 caratteri).",
    country: "La colonna {column} non contiene un codice paese di due lettere come IT o DE.",
    phone: "La colonna {column} non contiene un numero di telefono valido.",
    postal_code: "La colonna {column} non contiene un CAP valido.",
    cells: "La riga ha {cells} celle, l'intestazione {columns} colonne.",
  },
};

/** The file-level types (the rest of IMPORT_WORDS is about rows). */
const FILE_TYPES = new Set([
  "not_utf8",
  "empty",
  "unknown_columns",
  "repeated_columns",
  "missing_columns",
  "unclosed_quote",
  "misplaced_quote",
  "cell_too_long",
  "invalid_csv",
  "too_many_rows",
]);
const ROW_TYPES = new Set(["missing", "invisible", "too_long", "control_characters", "email", "country", "phone", "postal_code", "cells"]);

const NUMBER_LOCALE: Record<Lang, string> = { de: "de-DE", it: "it-IT", en: "en-GB" };

function fill(text: string, values: Record<string, unknown>, lang: Lang): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) => {
    const value = values[name];
    if (typeof value === "number") return value.toLocaleString(NUMBER_LOCALE[lang]);
    if (Array.isArray(value)) return value.map(String).join(", ");
    return value === undefined || value === null ? all : String(value);
  });
}

function ctxOf(error: { ctx?: unknown }): Record<string, unknown> {
  return error.ctx && typeof error.ctx === "object" ? (error.ctx as Record<string, unknown>) : {};
}

/** Whether an error of a 422 is the contacts import's file-level one that has words here. */
export function isFileProblem(error: Invalid): boolean {
  return fieldOf(error.loc) === "file" && FILE_TYPES.has(String(error.type ?? ""));
}

/** A file the import refused whole, in words of the language (null: a type without words). */
export function explainFile(error: Invalid, lang: Lang): string | null {
  const type = String(error.type ?? "");
  if (!isFileProblem(error)) return null;
  const ctx = ctxOf(error);
  const words = IMPORT_WORDS[lang];
  let key = type;
  const values: Record<string, unknown> = { line: ctx.line, columns: ctx.columns, n: ctx.max_rows };
  if (type === "unknown_columns") {
    const positions = Array.isArray(ctx.positions) ? ctx.positions.map(Number) : [];
    const count = typeof ctx.count === "number" ? ctx.count : positions.length;
    values.positions = positions.join(", ") + (count > positions.length ? ", …" : "");
    if (count === 1) key = "unknown_columns_1";
  }
  const text = fill(words[key]!, values, lang);
  return /\{\w+\}/.test(text) ? null : `${words.file!} ${text}`; // a ctx without what it needs
}

/** One problem of an imported row (`{field, type, message, ctx}`), in words of the language;
 * the API's English message for a type the app does not know. */
export function explainRow(problem: { field?: unknown; type?: unknown; message?: unknown; ctx?: unknown }, lang: Lang): string {
  const type = String(problem.type ?? "");
  const column = problem.field === null || problem.field === undefined ? "" : String(problem.field);
  const ctx = ctxOf(problem);
  if (!ROW_TYPES.has(type) || (type !== "cells" && !column)) return String(problem.message ?? "");
  const words = IMPORT_WORDS[lang];
  let key = type;
  if (type === "control_characters" && column === "street") key = "control_characters_street";
  if (type === "email" && (ctx.reason === "alone" || ctx.reason === "local_part_too_long")) key = `email_${ctx.reason}`;
  const text = fill(words[key]!, { column, n: ctx.max_length, cells: ctx.cells, columns: ctx.columns }, lang);
  return /\{\w+\}/.test(text) ? String(problem.message ?? "") : text; // a ctx without what it needs
}
