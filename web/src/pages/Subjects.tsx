import { useState } from "preact/hooks";
import { api, type Inquiry } from "../api";
import { describe } from "../actions";
import { Dialog, DialogActions } from "../components/Dialog";
import { formatDateTime } from "../format";
import { lang, t, word } from "../i18n";
import { say } from "../state";

/** What `GET /subjects?email=` answers (api.md, "Data subjects"). */
export interface Subject {
  email: string;
  inquiries: Array<Inquiry & { erased_at?: string | null }>;
  contacts?: Array<{ partner_id: string; contact_id: string; from_inquiry: string | null }>;
  idempotency_records?: Array<{ inquiry_id: string; claimed_at: string; expires_at: string }>;
  erasures?: Array<{ at: string; inquiries: number }>;
}

/** Whether anything of the person's is still held that an erasure here can take: a
 * partner's own contacts (`from_inquiry` null) are the partner's to erase, never HQ's. */
export function holdsData(subject: Subject): boolean {
  return (
    subject.inquiries.some((inquiry) => !inquiry.erased_at) ||
    (subject.contacts ?? []).some((contact) => contact.from_inquiry !== null) ||
    (subject.idempotency_records?.length ?? 0) > 0
  );
}

/** HQ's page for a person's rights: what is held about an e-mail address, and its erasure. */
export function Subjects() {
  const words = t();
  const [email, setEmail] = useState("");
  const [subject, setSubject] = useState<Subject | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);

  const look = async (address: string) => {
    if (!address.trim()) {
      setError(words.subjectsNeedEmail);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setSubject(await api<Subject>("GET", "/subjects", undefined, { email: address.trim() }));
    } catch (failure) {
      setSubject(null);
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{words.subjectsTitle}</h1>
      <p class="muted">{words.subjectsIntro}</p>
      <form
        class="row subjects-search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          void look(email);
        }}
      >
        <label class="field">
          <span>{words.subjectsEmail}</span>
          <input type="email" name="email" value={email} onInput={(event) => setEmail((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          {words.subjectsLookUp}
        </button>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {subject && <Held subject={subject} onErase={() => setErasing(true)} />}
      {subject && erasing && (
        <EraseDialog
          subject={subject}
          onClose={() => setErasing(false)}
          onDone={() => {
            setErasing(false);
            void look(subject.email);
          }}
        />
      )}
    </>
  );
}

function Held({ subject, onErase }: { subject: Subject; onErase: () => void }) {
  const words = t();
  const locale = lang.value;
  return (
    <section aria-labelledby="held-h" class="subject">
      <h2 id="held-h">{words.subjectsHeld(subject.email)}</h2>
      {subject.inquiries.length === 0 ? (
        <p>{words.subjectsNoInquiries}</p>
      ) : (
        <div class="table-wrap">
          <table role="table" class="list cards plain">
            <caption>{words.subjectsInquiries}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">{words.id}</th>
                <th role="columnheader" scope="col">{words.status}</th>
                <th role="columnheader" scope="col">{words.received}</th>
                <th role="columnheader" scope="col">{words.partner}</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {subject.inquiries.map((inquiry) => (
                <tr role="row" key={inquiry.id}>
                  <td role="cell">
                    <a class="id" href={`#/inquiries/${encodeURIComponent(inquiry.id)}`}>
                      {inquiry.id}
                    </a>
                  </td>
                  <td role="cell" data-label={words.status}>{word(inquiry.status)}</td>
                  <td role="cell" data-label={words.received}>{formatDateTime(inquiry.created_at, locale)}</td>
                  <td role="cell" class="text" data-label={words.partner}>{inquiry.partner_id ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(subject.contacts?.length ?? 0) > 0 && (
        <div class="table-wrap">
          <table role="table" class="list cards plain">
            <caption>{words.subjectsContacts}</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">{words.partner}</th>
                <th role="columnheader" scope="col">{words.subjectsContactId}</th>
                <th role="columnheader" scope="col">{words.subjectsFromInquiry}</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {subject.contacts!.map((contact) => (
                <tr role="row" key={`${contact.partner_id}/${contact.contact_id}`}>
                  <td role="cell" class="text">{contact.partner_id}</td>
                  <td role="cell" class="id" data-label={words.subjectsContactId}>{contact.contact_id}</td>
                  <td role="cell" class="id" data-label={words.subjectsFromInquiry}>{contact.from_inquiry ?? words.subjectsOwnContact}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>{words.subjectsClaims(subject.idempotency_records?.length ?? 0)}</p>
      {(subject.erasures?.length ?? 0) > 0 && (
        <>
          <h3>{words.subjectsEarlier}</h3>
          <ul>
            {subject.erasures!.map((erasure) => (
              <li key={erasure.at}>{words.subjectsErasure(formatDateTime(erasure.at, locale), erasure.inquiries)}</li>
            ))}
          </ul>
        </>
      )}
      {holdsData(subject) && (
        <button type="button" class="danger" onClick={onErase}>
          {words.subjectsErase}
        </button>
      )}
    </section>
  );
}

function EraseDialog({ subject, onClose, onDone }: { subject: Subject; onClose: () => void; onDone: () => void }) {
  const words = t();
  const [partnerContacts, setPartnerContacts] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = partnerContacts ? { email: subject.email, partner_contacts: true } : { email: subject.email };
      const answer = await api<{ inquiries: number; contacts?: number }>("POST", "/subjects/erase", body);
      say(words.subjectsErasedCount(answer.inquiries, answer.contacts ?? 0));
      onDone();
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={words.subjectsEraseTitle(subject.email)} onClose={onClose}>
      <form onSubmit={submit}>
        <p>{words.subjectsEraseIntro}</p>
        <div class="field check">
          <label>
            <input type="checkbox" checked={partnerContacts} onChange={(e) => setPartnerContacts((e.target as HTMLInputElement).checked)} />{" "}
            {words.subjectsPartnerContacts}
          </label>
        </div>
        <DialogActions error={error} busy={busy} cancel={words.cancel} action={words.subjectsEraseAction} kind="danger" onClose={onClose} />
      </form>
    </Dialog>
  );
}
