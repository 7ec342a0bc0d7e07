// What a partner does with an offer, shared by the list and the detail view.

import { useState } from "preact/hooks";
import { ApiError, api, type Duplicate, type Inquiry } from "./api";
import { Dialog, DialogActions } from "./components/Dialog";
import { problem, t, word } from "./i18n";
import { go, notice, pendingDuplicates, say } from "./state";

export const REASONS = ["out_of_area", "no_capacity", "product_not_offered", "spam", "other"] as const;

/**
 * A 409 in words of the page's language, from the API's sentence (the API gives a 409 no
 * code, so the known sentences are recognised); an unknown one gets a general sentence, never
 * the API's English inside a German or Italian one.
 */
export function conflictWords(message: string): string {
  const words = t();
  let found: RegExpMatchArray | null;
  if ((found = message.match(/already pending with partner (\S+?);/))) return words.conflictAlreadyPending(found[1]);
  if ((found = message.match(/partner (\S+) is inactive/))) return words.conflictInactive(found[1]);
  if (/deadline has passed/.test(message)) return words.conflictDeadline;
  if (/already linked to a contact/.test(message)) return words.conflictLinked;
  if (/changed meanwhile|being changed by someone else/.test(message)) return words.conflictChanged;
  if (/Idempotency-Key/.test(message)) return words.conflict;
  if (/no open offer|no longer open/.test(message)) return words.conflictOfferClosed;
  if ((found = message.match(/already with user (\S+)/))) return words.conflictAlreadyWith(found[1]!);
  const status = "(unassigned|returned|assigned|pending|accepted|discarded|closed)";
  if ((found = message.match(new RegExp(`(?:inquiry that is|inquiry is) ${status}\\b|cannot hand an? ${status} inquiry`))))
    return words.conflictStatus(word(found[1] ?? found[2]));
  return words.conflict;
}

/** An API failure in words a person understands; 404, 409 and 422 never show as codes. */
export function describe(error: unknown): string {
  const words = t();
  if (error instanceof ApiError) {
    if (error.status === 404) return `${words.gone}. ${words.goneWhy}`;
    if (error.status === 409) return conflictWords(error.message);
    // A 422 in words of the language, each thing at fault once; never pydantic's English.
    if (error.status === 422 && error.fields.length) return [...new Set(error.fields.map(problem))].join(" ");
    return error.message;
  }
  return `${words.error} ${String((error as Error)?.message ?? error)}`;
}

/** Accept; then the duplicate check when the API found candidates, else the detail view. */
export async function acceptInquiry(id: string): Promise<void> {
  try {
    const answer = await api<{ inquiry: Inquiry; duplicates: Duplicate[] }>(
      "POST",
      `/inquiries/${encodeURIComponent(id)}/accept`,
    );
    if (answer.duplicates?.length) {
      pendingDuplicates.set(id, answer);
      go(`/inquiries/${encodeURIComponent(id)}/duplicates`);
    } else {
      say(word("accepted"));
      go(`/inquiries/${encodeURIComponent(id)}`);
    }
  } catch (error) {
    say(describe(error), "error");
    throw error;
  }
}

/** A dialog's action on one inquiry: busy while it runs, the API's message if it fails. */
export function useInquiryAction(id: string, action: string, done: string, onDone: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (body: object) => {
    setBusy(true);
    try {
      await api("POST", `/inquiries/${encodeURIComponent(id)}/${action}`, body);
      say(done);
      onDone();
    } catch (failure) {
      // The toast of an earlier success would contradict the message under the form.
      if (notice.value?.kind === "ok") notice.value = null;
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, send };
}

export function RejectDialog({
  id,
  onClose,
  onDone,
}: {
  id: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const words = t();
  const [reason, setReason] = useState<string>("");
  const [note, setNote] = useState("");
  const { error, setError, busy, send } = useInquiryAction(id, "reject", words.rejected, onDone);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!reason) {
      setError(words.chooseReason);
      return;
    }
    const body: Record<string, string> = { reason };
    if (note.trim()) body.note = note.trim();
    await send(body);
  };
  return (
    <Dialog title={`${words.rejectTitle} ${id}`} onClose={onClose}>
      <form onSubmit={submit}>
        <div class="field">
          <label for="reject-reason">{words.reason}</label>
          <select
            id="reject-reason"
            required
            value={reason}
            aria-invalid={Boolean(error && !reason)}
            onChange={(event) => setReason((event.target as HTMLSelectElement).value)}
          >
            <option value="" disabled>
              —
            </option>
            {REASONS.map((code) => (
              <option value={code} key={code}>
                {word(code)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="reject-note">{words.note}</label>
          <textarea id="reject-note" rows={3} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </div>
        <DialogActions error={error} busy={busy} cancel={words.cancel} action={words.rejectBtn} kind="danger" onClose={onClose} />
      </form>
    </Dialog>
  );
}

/** A partner hands an inquiry to a colleague: while pending, the offer with its deadline. */
export function HandOverDialog({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) {
  const words = t();
  const [colleague, setColleague] = useState("");
  const { error, setError, busy, send } = useInquiryAction(id, "assign", words.handedOver(colleague.trim()), onDone);
  const submit = async (event: Event) => {
    event.preventDefault();
    const target = colleague.trim();
    if (!target) {
      setError(words.enterColleague);
      return;
    }
    await send({ user_id: target });
  };
  return (
    <Dialog title={`${words.handOver}: ${id}`} onClose={onClose}>
      <form onSubmit={submit}>
        <p id="handover-hint">{words.handOverHint}</p>
        <div class="field">
          <label for="handover-user">{words.colleague}</label>
          <input
            id="handover-user"
            autoComplete="off"
            aria-describedby="handover-hint"
            aria-invalid={Boolean(error && !colleague.trim())}
            value={colleague}
            onInput={(e) => setColleague((e.target as HTMLInputElement).value)}
          />
        </div>
        <DialogActions error={error} busy={busy} cancel={words.cancel} action={words.handOverBtn} kind="primary" onClose={onClose} />
      </form>
    </Dialog>
  );
}
