import { useEffect, useState } from "preact/hooks";
import { api, ApiError, sendFile, type ContactImport, type ContactList, type PartnerContact } from "../api";
import { describe } from "../actions";
import { ConfirmDialog } from "../components/Dialog";
import { rowProblems, t } from "../i18n";
import { say } from "../state";

const PAGE = 50;

/** A contact's name as the address book shows it: "Rossi, Anna". */
export function displayName(contact: PartnerContact): string {
  return [contact.last_name, contact.first_name].filter(Boolean).join(", ");
}

/** Where a contact lives, in one line: "39100 Bolzano, IT". */
export function placeOf(contact: PartnerContact): string {
  const town = [contact.postal_code, contact.city].filter(Boolean).join(" ");
  return [town, contact.country].filter(Boolean).join(", ");
}

/** The partner's address book: a search, the list by last name, the CSV import, and the
 * erasure of one contact (behind a confirmation). */
export function Contacts() {
  const words = t();
  const [q, setQ] = useState("");
  const [searched, setSearched] = useState("");
  const [items, setItems] = useState<PartnerContact[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ContactImport | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<PartnerContact | null>(null);

  const load = async (term: string, cursor: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const page = await api<ContactList>("GET", "/contacts", undefined, { q: term.trim(), limit: PAGE, cursor });
      setItems((before) => (cursor ? [...before, ...page.items] : page.items));
      setNext(page.next);
      setSearched(term.trim());
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void load("", null);
  }, []);

  const upload = async () => {
    if (!file) return;
    setImporting(true);
    setImportError(null);
    setResult(null);
    try {
      setResult(await sendFile<ContactImport>("/contacts/import", file, "text/csv"));
      await load(searched, null);
    } catch (failure) {
      setImportError(describe(failure));
    } finally {
      setImporting(false);
    }
  };

  return (
    <>
      <h1>{words.contactsTitle}</h1>
      <p class="muted">{words.contactsIntro}</p>
      <form
        class="row"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void load(q, null);
        }}
      >
        <label class="field">
          <span>{words.contactsSearch}</span>
          <input type="search" name="q" value={q} onInput={(event) => setQ((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          {words.contactsSearchButton}
        </button>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && !busy && !error ? (
        <p>{searched ? words.contactsNoneFound : words.contactsNone}</p>
      ) : (
        <div class="table-wrap">
        <table role="table" class="list cards plain">
          <caption class="visually-hidden">{words.contactsTitle}</caption>
          <thead role="rowgroup">
            <tr role="row">
              <th role="columnheader" scope="col">{words.contactsName}</th>
              <th role="columnheader" scope="col">{words.contactsEmail}</th>
              <th role="columnheader" scope="col">{words.contactsPhone}</th>
              <th role="columnheader" scope="col">{words.place}</th>
              <th role="columnheader" scope="col">{words.contactsSource}</th>
              <th role="columnheader" scope="col">
                <span class="visually-hidden">{words.contactsActions}</span>
              </th>
            </tr>
          </thead>
          <tbody role="rowgroup">
            {items.map((contact) => (
              <tr role="row" key={contact.contact_id}>
                <td role="cell" class="text" data-label={words.contactsName}>
                  {displayName(contact)}
                  {contact.company ? <div class="muted">{contact.company}</div> : null}
                </td>
                <td role="cell" class="text" data-label={words.contactsEmail}>{contact.email ?? ""}</td>
                <td role="cell" data-label={words.contactsPhone}>{contact.phone ?? ""}</td>
                <td role="cell" class="text" data-label={words.place}>{placeOf(contact)}</td>
                <td role="cell" data-label={words.contactsSource}>{contact.source === "import" ? words.contactsFromImport : words.contactsFromInquiry}</td>
                <td role="cell" class="actions">
                  {/* Quiet in the list (the dialog's button is the red one); named with the
                      contact, so that a screen reader's list of buttons tells them apart. */}
                  <button type="button" aria-label={`${words.contactsDelete} ${displayName(contact)}`} onClick={() => setDeleting(contact)}>
                    {words.contactsDelete}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      {deleting && (
        <DeleteDialog
          contact={deleting}
          onClose={() => setDeleting(null)}
          onDone={() => {
            const gone = deleting;
            setDeleting(null);
            setItems((before) => before.filter((c) => c.contact_id !== gone.contact_id));
            say(words.contactsDeleted(displayName(gone)));
          }}
        />
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(searched, next)}>
          {words.contactsMore}
        </button>
      )}

      <section class="contacts-import" aria-labelledby="import-title">
        <h2 id="import-title">{words.contactsImportTitle}</h2>
        <p class="muted">{words.contactsImportIntro}</p>
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            void upload();
          }}
        >
          <label class="field">
            <span>{words.contactsFile}</span>
            <input
              type="file"
              name="file"
              accept=".csv,text/csv"
              onChange={(event) => setFile((event.target as HTMLInputElement).files?.[0] ?? null)}
            />
          </label>
          <button type="submit" class="primary" disabled={!file || importing}>
            {words.contactsImportButton}
          </button>
        </form>
        {importError && (
          <p class="field-error" role="alert">
            {importError}
          </p>
        )}
        {result && (
          <div role="status">
            <p>{words.contactsImported(result)}</p>
            {result.rejected.length > 0 && (
              <table class="list">
                <caption>{words.contactsRejected(result.rejected.length)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{words.contactsRow}</th>
                    <th scope="col">{words.contactsProblem}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rejected.map((row) => (
                    <tr key={row.row}>
                      <td>{row.row}</td>
                      <td>{rowProblems(row)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </section>
    </>
  );
}

/** Asks before a contact is erased from the partner's book (`DELETE /contacts/{id}`). */
function DeleteDialog({ contact, onClose, onDone }: { contact: PartnerContact; onClose: () => void; onDone: () => void }) {
  const words = t();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api<null>("DELETE", `/contacts/${encodeURIComponent(contact.contact_id)}`);
      onDone();
    } catch (failure) {
      // Gone already (another tab, a colleague): what was asked for is done.
      if (failure instanceof ApiError && failure.status === 404) onDone();
      else setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog
      title={words.contactsDeleteTitle(displayName(contact))}
      text={words.contactsDeleteIntro}
      action={words.contactsDelete}
      cancel={words.cancel}
      busy={busy}
      error={error}
      onConfirm={() => void remove()}
      onClose={onClose}
    />
  );
}
