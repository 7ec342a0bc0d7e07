import { useEffect, useState } from "preact/hooks";
import { api, type Contact, type Duplicate, type Inquiry } from "../api";
import { describe } from "../actions";
import { t, word } from "../i18n";
import { go, pendingDuplicates, say } from "../state";
import { ContactCard } from "./InquiryDetail";

/** Which of a candidate's fields match the inquiry's contact, for highlighting. */
export function sameFields(a: Contact, b: Contact): Set<keyof Contact> {
  const same = new Set<keyof Contact>();
  const norm = (v: unknown) => String(v ?? "").trim().toLowerCase().replace(/\s+/g, "");
  for (const key of ["first_name", "last_name", "email", "phone", "street", "postal_code", "city", "company"] as const) {
    if (norm(a[key]) && norm(a[key]) === norm(b[key])) same.add(key);
  }
  return same;
}

export function DuplicateCheck({ id }: { id: string }) {
  const words = t();
  const [found, setFound] = useState(pendingDuplicates.get(id));
  const [candidates, setCandidates] = useState<Duplicate[]>(found?.duplicates ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!found) {
      // After a reload: the partner's view of the inquiry holds the check while no contact
      // is linked; without candidates the detail view offers the rest.
      const detail = `/inquiries/${encodeURIComponent(id)}`;
      void api<Inquiry>("GET", detail)
        .then((inquiry) => {
          if (!inquiry.duplicates?.length) return go(detail);
          const again = { inquiry, duplicates: inquiry.duplicates };
          pendingDuplicates.set(id, again);
          setCandidates(again.duplicates);
          setFound(again);
        })
        .catch(() => go(detail));
      return;
    }
    // Older APIs answer duplicates without the contact: fetch each one where the route exists.
    const missing = found.duplicates.filter((d) => !d.contact);
    if (!missing.length) return;
    void Promise.all(
      found.duplicates.map(async (d) =>
        d.contact
          ? d
          : { ...d, contact: await api<Contact>("GET", `/contacts/${encodeURIComponent(d.contact_id)}`).catch(() => undefined) },
      ),
    ).then(setCandidates);
  }, [id, found]);

  if (!found) return <p role="status">{words.loading}</p>;
  const mine = found.inquiry.contact ?? {};

  const choose = async (body: { contact_id: string } | { new: true }, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/inquiries/${encodeURIComponent(id)}/contact`, body);
      pendingDuplicates.delete(id);
      say(done);
      go(`/inquiries/${encodeURIComponent(id)}`);
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="dup-h" class="dupcheck">
      <p class="crumbs">
        <a href="#/">← {words.inquiries}</a>
      </p>
      <h1 id="dup-h">{words.duplicateCheck}</h1>
      <p class="muted">
        {words.duplicateIntro} <span class="id">{id}</span>
      </p>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <ul class="dup-list">
        {candidates.map((candidate, index) => {
          return (
            <li key={candidate.contact_id} class="dup-pair">
              <section class="panel" aria-label={`${words.inquiryContact} ${index + 1}`}>
                <h2 class="small-h">{words.inquiryContact}</h2>
                <ContactCard contact={mine} />
              </section>
              <div class="vs" aria-hidden="true">⇄</div>
              <section class="panel candidate" aria-label={`${words.candidate} ${index + 1}`}>
                <h2 class="small-h">{words.candidate}</h2>
                {candidate.contact ? <ContactCard contact={candidate.contact} /> : <p class="id">{candidate.contact_id}</p>}
                <p class="matched">
                  {words.matchedOn}:{" "}
                  {candidate.matched_on.map((m) => (
                    <span class="chip" key={m}>
                      {word(m)}
                    </span>
                  ))}
                </p>
                <button type="button" class="primary" disabled={busy} onClick={() => void choose({ contact_id: candidate.contact_id }, words.linked)}>
                  {words.linkContact}
                </button>
              </section>
            </li>
          );
        })}
      </ul>
      <div class="row">
        <button type="button" disabled={busy} onClick={() => void choose({ new: true }, words.created)}>
          {words.createContact}
        </button>
      </div>
    </section>
  );
}
