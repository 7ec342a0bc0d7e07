import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type Candidate, type Contact, type Inquiry, type InquiryEvent, type Partner } from "../api";
import { RejectDialog, acceptInquiry, describe, useInquiryAction } from "../actions";
import { DeadlineText, TimeLeft, rememberZone, rememberedZone } from "../components/Deadline";
import { ConfirmDialog, Dialog, DialogActions } from "../components/Dialog";
import { browserTimeZone, formatDateTime, formatDeadline } from "../format";
import { actorWord, locale, t, word } from "../i18n";
import { go, pendingDuplicates, refresh, say, user } from "../state";
import { place } from "./InquiryList";

export const STEPS = ["contacted", "offer_sent", "won", "lost"] as const;
type Step = (typeof STEPS)[number];

/** Steps already recorded, from `progress` (strings or `{step}`) or the events. */
export function stepsDone(inquiry: Inquiry): Set<string> {
  const done = new Set<string>();
  for (const entry of inquiry.progress ?? []) done.add(typeof entry === "string" ? entry : entry.step);
  for (const event of inquiry.events ?? []) {
    if (event.action === "progress" && typeof event.step === "string") done.add(event.step);
    if ((STEPS as readonly string[]).includes(event.action)) done.add(event.action);
  }
  return done;
}

export function ContactCard({ contact }: { contact: Contact }) {
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ");
  return (
    <address class="contact">
      <strong>{name || "–"}</strong>
      {contact.company && <span>{contact.company}</span>}
      {contact.email && <a href={`mailto:${contact.email}`}>{contact.email}</a>}
      {contact.phone && <a href={`tel:${contact.phone.replace(/\s+/g, "")}`}>{contact.phone}</a>}
      {contact.street && <span>{contact.street}</span>}
      <span>{[contact.postal_code, contact.city, contact.country].filter(Boolean).join(" ")}</span>
    </address>
  );
}

const REDACTED = "[redacted]";

/** A message as written, the service's `[redacted]` marks in the page's language, styled. */
export function MessageText({ text }: { text: string }) {
  const words = t();
  const parts = text.split(REDACTED);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && (
            <span class="redacted" title={words.redactedHint}>
              {words.redacted}
            </span>
          )}
          {part}
        </Fragment>
      ))}
    </>
  );
}

/**
 * An event in words. A deadline in it is shown in the time zone of the partner it was offered
 * to (`zoneOf` of the event's partner), as the detail's deadline is.
 */
export function eventText(event: InquiryEvent, zoneOf: string | null | ((partnerId?: string) => string | null | undefined) = null): string {
  const words = t();
  const zone = () => {
    // The event's own zone (stored with its deadline since it carries one), else the partner's.
    if (typeof event.timezone === "string" && event.timezone) return event.timezone;
    const partner = typeof event.partner_id === "string" ? event.partner_id : undefined;
    return (typeof zoneOf === "function" ? zoneOf(partner) : zoneOf) || browserTimeZone();
  };
  if (event.action === "rerouted" || event.action === "reroute_ended") {
    // Automatic re-routing: from whom, why, and to whom (or why it stayed with HQ).
    const bits = [word(event.action), `(${word(String(event.cause ?? ""))})`];
    if (typeof event.partner_id === "string") bits.push(event.partner_id);
    if (typeof event.to_partner_id === "string") bits.push(`→ ${event.to_partner_id}`);
    if (typeof event.step === "number" && typeof event.of === "number") bits.push(`${event.step}/${event.of}`);
    if (typeof event.reason === "string") bits.push(`: ${word(event.reason)}`);
    return bits.join(" ");
  }
  const bits: string[] = [word(event.action)];
  if (event.action === "assigned" && typeof event.partner_id === "string" && typeof event.user_id === "string") {
    // A partner's hand-over to a colleague (HQ's own assignments name no partner).
    bits[0] = words.handedOverEvent;
    bits.push(`→ ${event.user_id}`);
    if (typeof event.deadline === "string") bits.push(`(${words.deadline}: ${formatDeadline(event.deadline, locale(), zone())})`);
    return bits.join(" ");
  }
  if (event.action === "progress" && typeof event.step === "string") bits[0] = word(event.step);
  if (typeof event.reason === "string") bits.push(word(event.reason));
  if (typeof event.partner_id === "string") bits.push(`→ ${event.partner_id}`);
  else if (typeof event.user_id === "string" && event.action !== "accepted") bits.push(`→ ${event.user_id}`);
  if (typeof event.note === "string" && event.note) bits.push(`“${event.note}”`);
  if (typeof event.deadline === "string") bits.push(`(${words.deadline}: ${formatDeadline(event.deadline, locale(), zone())})`);
  return bits.join(" ");
}

export function InquiryDetail({ id }: { id: string }) {
  const words = t();
  const hq = user.value?.role === "hq";
  const [inquiry, setInquiry] = useState<Inquiry | null>(null);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"reject" | "assign" | "discard" | null>(null);
  // Won and lost close the inquiry for good: asked first.
  const [closing, setClosing] = useState<"won" | "lost" | null>(null);
  const [busy, setBusy] = useState(false);
  const [colleague, setColleague] = useState("");
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api<Inquiry>("GET", `/inquiries/${encodeURIComponent(id)}`)
      .then((found) => {
        // The partner's zone as its offer tells it, for the history after accept.
        if (found.status === "pending") rememberZone(found.partner_id, found.timezone);
        if (live) (setInquiry(found), setGone(false));
      })
      .catch((failure) => {
        if (!live) return;
        if (failure instanceof ApiError && failure.status === 404) setGone(true);
        else setError(describe(failure));
      });
    return () => {
      live = false;
    };
  }, [id, version, refresh.value]);

  const reload = () => setVersion((v) => v + 1);

  // The partners' time zones (HQ reads them all), for deadlines in the history.
  const [zones, setZones] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!hq) return;
    api<{ items: Partner[] }>("GET", "/partners")
      .then((answer) =>
        setZones(Object.fromEntries((answer.items ?? []).flatMap((p) => (p.timezone ? [[p.id ?? p.partner_id ?? "", p.timezone]] : [])))),
      )
      .catch(() => setZones({}));
  }, [hq]);
  /** The zone of a partner's deadline: HQ's partner list, else the zone its offers told. */
  const zoneOf = (partnerId?: string) =>
    (partnerId && (zones[partnerId] ?? (partnerId === inquiry?.partner_id ? inquiry?.timezone : null) ?? rememberedZone(partnerId))) ||
    inquiry?.timezone ||
    (hq ? null : rememberedZone(user.value?.partnerId));

  const post = async (path: string, body: unknown, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Inquiry | { inquiry: Inquiry }>("POST", `/inquiries/${encodeURIComponent(id)}/${path}`, body);
      say(done);
      if (answer && "inquiry" in answer) setInquiry(answer.inquiry);
      reload();
      return true;
    } catch (failure) {
      setError(describe(failure));
      if (failure instanceof ApiError && failure.status === 404) setGone(true);
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (gone) {
    return (
      <section class="gone" aria-labelledby="gone-heading">
        <h1 id="gone-heading">
          {words.gone} <span class="id">({id})</span>
        </h1>
        <p>{words.goneWhy}</p>
        <p>
          <a href="#/" class="button">{words.backToList}</a>
        </p>
      </section>
    );
  }
  if (!inquiry) {
    return error ? (
      <p class="alert" role="alert">
        {error}
      </p>
    ) : (
      <p role="status">{words.loading}</p>
    );
  }

  const done = stepsDone(inquiry);
  const pending = inquiry.status === "pending";
  const accepted = inquiry.status === "accepted";
  const closed = inquiry.status === "closed";
  const remembered = pendingDuplicates.has(id) || Boolean(inquiry.duplicates?.length);
  const returnWords: Record<string, string> = hq
    ? { rejected: words.returnedRejected, expired: words.returnedExpired, withdrawn: words.returnedWithdrawn }
    : { rejected: words.goneRejected, expired: words.goneExpired, withdrawn: words.goneWithdrawn };

  return (
    <article class="detail">
      <p class="crumbs">
        <a href="#/">← {words.inquiries}</a>
      </p>
      <div class="detail-head">
        <h1>
          {word(inquiry.product)} <span class="id">{inquiry.id}</span>
        </h1>
        <span class={`status s-${inquiry.status}`}>{word(inquiry.status)}</span>
      </div>
      {inquiry.status === "returned" && inquiry.return_reason && (
        <p class="info">{returnWords[inquiry.return_reason] ?? word(inquiry.return_reason)}</p>
      )}
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      <div class="detail-grid">
        <div class="stack">
          {pending && inquiry.deadline && (
            <section class="panel deadline-panel" aria-labelledby="deadline-h">
              <h2 id="deadline-h">{words.deadline}</h2>
              <p class="big">
                <DeadlineText deadline={inquiry.deadline} timeZone={inquiry.timezone} />
              </p>
              <p>
                {words.timeLeft}: <TimeLeft deadline={inquiry.deadline} timeZone={inquiry.timezone} />
              </p>
              {!hq && (
                <div class="row">
                  <button type="button" class="primary" disabled={busy} onClick={() => void acceptInquiry(id).catch(reload)}>
                    {words.accept}
                  </button>
                  <button type="button" class="danger-outline" disabled={busy} onClick={() => setDialog("reject")}>
                    {words.reject}
                  </button>
                </div>
              )}
            </section>
          )}
          <section class="panel" aria-labelledby="contact-h">
            <h2 id="contact-h">{words.contact}</h2>
            {inquiry.contact ? (
              <ContactCard contact={inquiry.contact} />
            ) : inquiry.erased_at ? (
              <p class="muted">{words.erasedOn(formatDateTime(inquiry.erased_at, locale()))}</p>
            ) : (
              <p class="muted">{words.hiddenUntilAccept}</p>
            )}
            <dl class="facts">
              <dt>{words.place}</dt>
              <dd>{place(inquiry)}</dd>
              <dt>{words.received}</dt>
              <dd>{formatDateTime(inquiry.created_at, locale())}</dd>
              <dt>{words.partner}</dt>
              <dd>{inquiry.partner_id ?? "–"}</dd>
              <dt>{words.assignee}</dt>
              <dd>{inquiry.user_id ?? "–"}</dd>
            </dl>
            {!hq && accepted && !inquiry.contact_id && (
              <div class="row">
                {remembered && (
                  <a class="button" href={`#/inquiries/${encodeURIComponent(id)}/duplicates`}>
                    {words.duplicateCheck}
                  </a>
                )}
                <button type="button" disabled={busy} onClick={() => void post("contact", { new: true }, words.created)}>
                  {words.createContact}
                </button>
              </div>
            )}
          </section>
          <section class="panel" aria-labelledby="message-h">
            <h2 id="message-h">{words.message}</h2>
            {inquiry.message ? (
              <p class="message">
                <MessageText text={inquiry.message} />
              </p>
            ) : (
              <p class="muted">{inquiry.erased_at ? words.messageErased : words.noMessage}</p>
            )}
          </section>
        </div>
        <div class="stack">
          {(accepted || closed) && (
            <section class="panel" aria-labelledby="progress-h">
              <h2 id="progress-h">{words.progressTitle}</h2>
              <ol class="steps">
                <li class="done">{word("accepted")}</li>
                {STEPS.map((step) => (
                  <li key={step} class={done.has(step) ? "done" : undefined}>
                    {words[step as Step]}
                    {done.has(step) && <span class="visually-hidden"> ({words.done})</span>}
                  </li>
                ))}
              </ol>
              {!hq && accepted && (
                <div class="row wrap">
                  {STEPS.map((step) => (
                    <button
                      type="button"
                      key={step}
                      class={step === "won" ? "success" : step === "lost" ? "danger-outline" : undefined}
                      disabled={busy}
                      aria-pressed={done.has(step)}
                      onClick={() =>
                        step === "won" || step === "lost" ? (setError(null), setClosing(step)) : void post("progress", { step }, words[step as Step])
                      }
                    >
                      {done.has(step) && <span aria-hidden="true">✓</span>}
                      {words[step as Step]}
                    </button>
                  ))}
                </div>
              )}
            </section>
          )}
          {!hq && (accepted || pending) && (
            <section class="panel" aria-labelledby="handover-h">
              <h2 id="handover-h">{words.handOver}</h2>
              {pending && <p class="hint">{words.handOverHint}</p>}
              <form
                class="row"
                onSubmit={(event) => {
                  event.preventDefault();
                  const target = colleague.trim();
                  if (target) void post("assign", { user_id: target }, words.handedOver(target)).then((ok) => ok && setColleague(""));
                }}
              >
                <div class="field grow">
                  <label for="colleague">{words.colleague}</label>
                  <input id="colleague" value={colleague} onInput={(e) => setColleague((e.target as HTMLInputElement).value)} />
                </div>
                <button type="submit" disabled={busy || !colleague.trim()}>
                  {words.handOverBtn}
                </button>
              </form>
            </section>
          )}
          {hq && ["unassigned", "assigned", "returned", "pending"].includes(inquiry.status) && (
            <section class="panel" aria-labelledby="hq-h">
              <h2 id="hq-h">{words.actions}</h2>
              <div class="row">
                <button type="button" class="primary" onClick={() => setDialog("assign")}>
                  {words.assign}
                </button>
                {inquiry.status !== "pending" && (
                  <button type="button" class="danger-outline" onClick={() => setDialog("discard")}>
                    {words.discard}
                  </button>
                )}
              </div>
            </section>
          )}
          <section class="panel" aria-labelledby="events-h">
            <h2 id="events-h">{words.events}</h2>
            <ol class="timeline">
              {[...(inquiry.events ?? [])].reverse().map((event, index) => (
                <li key={index}>
                  <time dateTime={event.at}>{formatDateTime(event.at, locale())}</time>
                  <span>{eventText(event, zoneOf)}</span>
                  {event.actor && <span class="muted small">{actorWord(event.actor)}</span>}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
      {dialog === "reject" && (
        <RejectDialog
          id={id}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            go("/");
          }}
        />
      )}
      {closing && (
        <ConfirmDialog
          title={closing === "won" ? words.closeWonTitle : words.closeLostTitle}
          text={words.closeText}
          action={closing === "won" ? words.closeWon : words.closeLost}
          cancel={words.cancel}
          kind={closing === "won" ? "primary" : "danger"}
          busy={busy}
          error={error}
          onConfirm={() => void post("progress", { step: closing }, words[closing]).then((ok) => ok && setClosing(null))}
          onClose={() => setClosing(null)}
        />
      )}
      {dialog === "assign" && (
        <AssignDialog
          id={id}
          pendingWith={inquiry.status === "pending" ? inquiry.partner_id : null}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
      {dialog === "discard" && (
        <DiscardDialog
          id={id}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
    </article>
  );
}

/** HQ assigns to a partner (the routing rule's candidates first, when the API has them) or a user. */
export function AssignDialog({
  id,
  pendingWith = null,
  onClose,
  onDone,
}: {
  id: string;
  /** The partner the inquiry is pending with: offering it again is refused, so not offered. */
  pendingWith?: string | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const words = t();
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [partners, setPartners] = useState<Partner[]>([]);
  const [target, setTarget] = useState<"partner" | "user">("partner");
  const [partnerId, setPartnerId] = useState("");
  const [userId, setUserId] = useState("");
  const { error, setError, busy, send } = useInquiryAction(id, "assign", words.assigned, onDone);

  useEffect(() => {
    api<{ candidates: Candidate[] }>("GET", `/inquiries/${encodeURIComponent(id)}/suggestions`)
      .then((answer) => {
        const offered = (answer.candidates ?? []).filter((c) => c.partner_id !== pendingWith);
        setCandidates(offered);
        // The best candidate preselected, unless the person already chose meanwhile.
        if (offered[0]) setPartnerId((chosen) => chosen || offered[0]!.partner_id);
      })
      .catch(() => setCandidates([])); // the route may not exist yet: all partners then
    api<{ items: Partner[] }>("GET", "/partners")
      .then((answer) => setPartners((answer.items ?? []).filter((p) => p.active !== false && (p.id ?? p.partner_id) !== pendingWith)))
      .catch((failure) => setError(describe(failure)));
  }, [id]);

  // A message about the other choice's field would stand under the wrong one.
  const choose = (value: "partner" | "user") => {
    setTarget(value);
    setError(null);
  };
  const others = partners.filter((p) => !candidates.some((c) => c.partner_id === (p.id ?? p.partner_id)));
  const submit = async (event: Event) => {
    event.preventDefault();
    const body = target === "partner" ? { partner_id: partnerId } : { user_id: userId.trim() };
    if (!Object.values(body)[0]) return setError(target === "partner" ? words.choosePartner : words.enterHqUser);
    await send(body);
  };
  return (
    <Dialog title={`${words.assignTitle} ${id}`} onClose={onClose}>
      <form onSubmit={submit}>
        <fieldset class="choice">
          <legend>{words.assignTo}</legend>
          <label>
            <input type="radio" name="target" checked={target === "partner"} onChange={() => choose("partner")} /> {words.toPartner}
          </label>
          <label>
            <input type="radio" name="target" checked={target === "user"} onChange={() => choose("user")} /> {words.toHqUser}
          </label>
        </fieldset>
        {target === "partner" && pendingWith && <p class="hint">{words.currentlyWith(pendingWith)}</p>}
        {target === "partner" && candidates.length > 0 && (
          <fieldset class="suggestions">
            <legend>{words.suggested}</legend>
            <p class="hint" id="suggested-hint">
              {words.suggestedHint}
            </p>
            <ol>
              {candidates.map((c) => (
                <li key={c.partner_id}>
                  <label>
                    <input
                      type="radio"
                      name="suggested"
                      value={c.partner_id}
                      checked={partnerId === c.partner_id}
                      aria-describedby={`why-${c.partner_id}`}
                      onChange={() => setPartnerId(c.partner_id)}
                    />{" "}
                    <strong>{c.name ?? c.partner_id}</strong>
                  </label>
                  <span class="why small" id={`why-${c.partner_id}`}>
                    {(c.why ?? []).map(word).join(" · ")}
                  </span>
                </li>
              ))}
            </ol>
          </fieldset>
        )}
        {target === "partner" ? (
          <div class="field">
            <label for="assign-partner">{words.partner}</label>
            <select id="assign-partner" value={partnerId} onChange={(e) => setPartnerId((e.target as HTMLSelectElement).value)}>
              <option value="">—</option>
              {candidates.length > 0 && (
                <optgroup label={words.suggested}>
                  {candidates.map((c) => (
                    <option value={c.partner_id} key={c.partner_id}>
                      {c.name ?? c.partner_id}
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label={words.allPartners}>
                {others.map((p) => (
                  <option value={p.id ?? p.partner_id} key={p.id ?? p.partner_id}>
                    {p.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
        ) : (
          <div class="field">
            <label for="assign-user">{words.hqUser}</label>
            <input id="assign-user" value={userId} onInput={(e) => setUserId((e.target as HTMLInputElement).value)} />
          </div>
        )}
        <DialogActions error={error} busy={busy} cancel={words.cancel} action={words.assign} kind="primary" onClose={onClose} />
      </form>
    </Dialog>
  );
}

function DiscardDialog({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) {
  const words = t();
  const [note, setNote] = useState("");
  const { error, busy, send } = useInquiryAction(id, "discard", words.discarded, onDone);
  const submit = async (event: Event) => {
    event.preventDefault();
    await send(note.trim() ? { note: note.trim() } : {});
  };
  return (
    <Dialog title={`${words.discardTitle} ${id}`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>{words.discardIntro}</p>
        <div class="field">
          <label for="discard-note">{words.note}</label>
          <textarea id="discard-note" rows={3} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </div>
        <DialogActions error={error} busy={busy} cancel={words.cancel} action={words.discard} kind="danger" onClose={onClose} />
      </form>
    </Dialog>
  );
}
