// The local outbox (GET /_local/outbox): the mails the service sent, read as they would arrive.
// Only on the local stack (config.json says auth "local"); nothing of it exists on AWS.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { describe } from "../actions";
import { formatDateTime } from "../format";
import { locale as localeOf, t } from "../i18n";
import { notice } from "../state";
import { ConfirmDialog } from "../components/Dialog";

export interface OutboxMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  sent_at: string;
  kind: string;
}

/** Newest first, as a mail client shows them (the API answers oldest first). */
export function newestFirst(mails: OutboxMail[]): OutboxMail[] {
  return [...mails].reverse();
}

export function Outbox() {
  const words = t();
  const [mails, setMails] = useState<OutboxMail[] | null>(null);
  const [chosen, setChosen] = useState(0);
  const [failure, setFailure] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);

  const load = async () => {
    setFailure(null);
    try {
      const answer = await api<{ messages: OutboxMail[] }>("GET", "/_local/outbox");
      setMails(newestFirst(answer.messages));
      setChosen(0);
    } catch (error) {
      setFailure(describe(error));
    }
  };

  const clear = async () => {
    try {
      await api("DELETE", "/_local/outbox");
      setAsking(false);
      notice.value = { kind: "ok", text: words.outboxCleared };
      await load();
    } catch (error) {
      setAsking(false);
      setFailure(describe(error));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const locale = localeOf();
  const mail = mails?.[chosen];
  return (
    <>
      <div class="row between">
        <h1>{words.outbox}</h1>
        <div class="row">
          <button type="button" onClick={() => void load()}>
            {words.outboxRefresh}
          </button>
          <button type="button" onClick={() => setAsking(true)} disabled={!mails?.length}>
            {words.outboxClear}
          </button>
        </div>
      </div>
      <p class="muted">{words.outboxIntro}</p>
      {asking && (
        <ConfirmDialog
          title={words.outboxClearTitle}
          text={words.outboxClearText(mails?.length ?? 0)}
          action={words.outboxClearBtn}
          cancel={words.cancel}
          onConfirm={() => void clear()}
          onClose={() => setAsking(false)}
        />
      )}
      {failure && <p role="alert">{words.error} {failure}</p>}
      {mails === null && !failure && <p role="status">{words.loading}</p>}
      {mails && mails.length === 0 && <p>{words.outboxEmpty}</p>}
      {mails && mails.length > 0 && (
        <div class="outbox">
          <div class="table-wrap outbox-list">
            <table role="table" class="cards plain" aria-label={words.outboxList}>
              <thead role="rowgroup">
                <tr role="row">
                  <th role="columnheader" scope="col">{words.mailSent}</th>
                  <th role="columnheader" scope="col">{words.mailKind}</th>
                  <th role="columnheader" scope="col">{words.mailSubject}</th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {mails.map((item, index) => (
                  <tr role="row" key={`${item.sent_at}-${index}`} class={index === chosen ? "chosen" : undefined}>
                    <td role="cell" class="sent">{formatDateTime(item.sent_at, locale)}</td>
                    <td role="cell" class="kind" data-label={words.mailKind}>{words.mailKinds[item.kind] ?? item.kind}</td>
                    <td role="cell" data-label={words.mailSubject}>
                      <button
                        type="button"
                        class="link"
                        aria-pressed={index === chosen}
                        onClick={() => setChosen(index)}
                      >
                        {item.subject}
                      </button>
                      <div class="muted small">{item.to.join(", ")}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <section class="panel outbox-mail" aria-labelledby="mail-subject">
            {mail ? (
              <>
                <h2 id="mail-subject">{mail.subject}</h2>
                <dl class="mail-head">
                  <dt>{words.mailTo}</dt>
                  <dd>{mail.to.join(", ")}</dd>
                  <dt>{words.mailSent}</dt>
                  <dd>{formatDateTime(mail.sent_at, locale)}</dd>
                  <dt>{words.mailKind}</dt>
                  <dd>{words.mailKinds[mail.kind] ?? mail.kind}</dd>
                </dl>
                <h3>{words.mailHtml}</h3>
                {/* An empty sandbox: no scripts, no forms, no access to this app's origin. */}
                <iframe class="mail-html" sandbox="" srcdoc={mail.html} title={`${words.mailHtml}: ${mail.subject}`} />
                <h3>{words.mailText}</h3>
                <pre class="mail-text">{mail.text}</pre>
              </>
            ) : (
              <p>{words.mailChoose}</p>
            )}
          </section>
        </div>
      )}
    </>
  );
}
