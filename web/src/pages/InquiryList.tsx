import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type Inquiry, type Partner } from "../api";
import { HandOverDialog, RejectDialog, acceptInquiry, describe } from "../actions";
import { DeadlineText, TimeLeft, rememberZone } from "../components/Deadline";
import { Menu } from "../components/Menu";
import { formatDateTime } from "../format";
import { locale, t, word } from "../i18n";
import { go, user } from "../state";
import { PartnerSelect } from "../components/PartnerSelect";

interface Page {
  items: Inquiry[];
  next: string | null;
}

const STATUSES = ["unassigned", "returned", "assigned", "pending", "accepted", "discarded", "closed"];
const ATTENTION = ["unassigned", "returned", "assigned"];

export interface Filters {
  status: string; // "attention", "" (all) or one status
  partner_id: string;
  from: string;
  to: string;
  q: string;
}

export const NO_FILTERS: Filters = { status: "attention", partner_id: "", from: "", to: "", q: "" };

/** The query of `GET /inquiries` for one status and the HQ's filters (contract names). */
export function queryOf(filters: Filters, status: string, cursor?: string | null) {
  return {
    status: status || undefined,
    partner_id: filters.partner_id || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    q: filters.q.trim() || undefined,
    limit: 50,
    cursor: cursor || undefined,
  };
}

/**
 * The filters a search runs with: a person searched for is looked for in every status, so a
 * search from the default queue ("Needs attention") switches the status to "All". A status
 * chosen on purpose stays.
 */
export function searchFilters(filters: Filters): Filters {
  return filters.q.trim() && filters.status === "attention" ? { ...filters, status: "" } : filters;
}

/** What is wrong with the filters before asking the API: a period that ends before it starts. */
export function filtersProblem(filters: Filters): string | null {
  return filters.from && filters.to && filters.to < filters.from ? t().toBeforeFrom : null;
}

/** A partner's pending offers first, earliest deadline first; then the rest newest first. */
export function inboxOrder(items: Inquiry[]): Inquiry[] {
  const pending = items.filter((i) => i.status === "pending");
  const rest = items.filter((i) => i.status !== "pending");
  // Earliest deadline first; on the same deadline, the one offered first.
  pending.sort(
    (a, b) =>
      (a.deadline ?? "").localeCompare(b.deadline ?? "") ||
      (a.assigned_at ?? a.created_at).localeCompare(b.assigned_at ?? b.created_at),
  );
  rest.sort((a, b) => b.created_at.localeCompare(a.created_at));
  return [...pending, ...rest];
}

/** One status's list as far as it is loaded, and the cursor of its next page. */
export interface StatusList {
  status: string;
  items: Inquiry[];
  next: string | null;
}

const newestFirst = (a: Inquiry, b: Inquiry) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);

/**
 * Several status lists (each newest first, paged) as one list newest first. A row is shown
 * only when no list with more pages could still hold a newer one: below the oldest loaded
 * row of a list with more, an unloaded row of that list could come first, so the rows of the
 * other lists older than it wait for the next "Load more". `more` while any list has more.
 */
export function mergeLists(lists: StatusList[]): { items: Inquiry[]; more: boolean } {
  let frontier = "";
  for (const list of lists) {
    const last = list.items.at(-1);
    if (list.next && last && last.created_at > frontier) frontier = last.created_at;
  }
  const all = lists.flatMap((list) => list.items).sort(newestFirst);
  return { items: frontier ? all.filter((i) => i.created_at >= frontier) : all, more: lists.some((list) => list.next !== null) };
}

export function place(inquiry: Inquiry): string {
  const l = inquiry.location;
  if (!l) return "";
  return [l.postal_code, l.city].filter(Boolean).join(" ") + (l.country ? ` (${l.country})` : "");
}

export function InquiryList() {
  const words = t();
  const hq = user.value?.role === "hq";
  const [items, setItems] = useState<Inquiry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  // HQ's lists, one per status asked for (the default queue asks for three), each with its cursor.
  const [lists, setLists] = useState<StatusList[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [partners, setPartners] = useState<Partner[]>([]);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [handingOver, setHandingOver] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  // Filters that cannot be right, said here rather than by the API; no list meanwhile.
  const [invalid, setInvalid] = useState<string | null>(null);
  // A search asked from "Needs attention" looks through every status; said beside the list.
  const [widened, setWidened] = useState(false);

  useEffect(() => {
    if (!hq) return;
    api<{ items: Partner[] }>("GET", "/partners")
      .then((answer) => setPartners(answer.items ?? []))
      .catch(() => setPartners([]));
  }, [hq]);

  useEffect(() => {
    let live = true;
    setError(null);
    const load = async () => {
      if (!hq) {
        const page = await api<Page>("GET", "/inquiries", undefined, { limit: 100 });
        for (const item of page.items) if (item.status === "pending") rememberZone(item.partner_id, item.timezone);
        return { items: inboxOrder(page.items), next: page.next, lists: [] as StatusList[], problems: [] as string[] };
      }
      const statuses = filters.status === "attention" ? ATTENTION : [filters.status];
      const answers = await Promise.allSettled(
        statuses.map((status) => api<Page>("GET", "/inquiries", undefined, queryOf(filters, status))),
      );
      const found: StatusList[] = [];
      const problems: string[] = [];
      answers.forEach((answer, index) => {
        if (answer.status === "fulfilled") {
          found.push({ status: statuses[index], items: answer.value.items, next: answer.value.next });
        } else {
          const reason = answer.reason as unknown;
          if (reason instanceof ApiError && reason.status < 500) problems.push(reason.status === 422 ? describe(reason) : reason.message);
          else throw reason;
        }
      });
      const merged = mergeLists(found);
      return { items: merged.items, next: null, lists: found, problems: [...new Set(problems)] };
    };
    load()
      .then((page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next);
        setLists(page.lists);
        if (page.problems.length) setError(`${words.filterRefused} ${page.problems.join("; ")}`);
      })
      .catch((failure) => live && (setItems([]), setLists([]), setError(describe(failure))));
    return () => {
      live = false;
    };
  }, [filters, version, hq]);

  const more = async () => {
    try {
      if (hq) {
        // The next page of every status list that has one; the rows already shown stay
        // where they are, the new ones (all older) come below them.
        const grown = await Promise.all(
          lists.map(async (list) => {
            if (!list.next) return list;
            const page = await api<Page>("GET", "/inquiries", undefined, queryOf(filters, list.status, list.next));
            return { status: list.status, items: [...list.items, ...page.items], next: page.next };
          }),
        );
        setLists(grown);
        setItems(mergeLists(grown).items);
        return;
      }
      if (!next) return;
      const page = await api<Page>("GET", "/inquiries", undefined, { limit: 100, cursor: next });
      setItems((current) => [...(current ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      setError(describe(failure));
    }
  };
  const hasMore = hq ? mergeLists(lists).more : Boolean(next);

  const zoneOf = (inquiry: Inquiry) =>
    inquiry.timezone ?? partners.find((p) => (p.id ?? p.partner_id) === inquiry.partner_id)?.timezone;
  const daysOf = (inquiry: Inquiry) =>
    partners.find((p) => (p.id ?? p.partner_id) === inquiry.partner_id)?.working_days;
  const waiting = (items ?? []).filter((i) => i.status === "pending").length;

  return (
    <>
      <div class="page-head">
        <h1>{hq ? words.queueTitle : words.inboxTitle}</h1>
        {/* The queue's intro describes the default view only, not "All" or one status. */}
        {(!hq || filters.status === "attention") && <p class="muted">{hq ? words.queueIntro : words.inboxIntro}</p>}
        {!hq && items !== null && waiting > 0 && <p class="badge-line"><span class="badge">{waiting}</span> {words.waiting(waiting)}</p>}
      </div>
      {hq && (
        <form
          class="filters"
          aria-label={words.filters}
          onSubmit={(event) => {
            event.preventDefault();
            const problem = filtersProblem(draft);
            setInvalid(problem);
            if (problem) return;
            const applied = searchFilters(draft);
            setWidened(applied.status !== draft.status);
            setDraft(applied);
            setFilters({ ...applied });
          }}
        >
          <div class="field wide">
            <label for="f-status">{words.status}</label>
            <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}>
              <option value="attention">{words.needsAttention}</option>
              <option value="">{words.all}</option>
              {STATUSES.map((s) => (
                <option value={s} key={s}>
                  {word(s)}
                </option>
              ))}
            </select>
          </div>
          <PartnerSelect id="f-partner" value={draft.partner_id} partners={partners} onChange={(partner_id) => setDraft({ ...draft, partner_id })} />
          <div class="field">
            <label for="f-from">{words.from}</label>
            <input id="f-from" type="date" value={draft.from} aria-invalid={invalid ? true : undefined} onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="f-to">{words.to}</label>
            <input id="f-to" type="date" value={draft.to} aria-invalid={invalid ? true : undefined} onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field grow">
            <label for="f-q">{words.search}</label>
            <input id="f-q" type="search" placeholder={words.searchHint} value={draft.q} onInput={(e) => setDraft({ ...draft, q: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="row">
            <button type="submit" class="primary">
              {words.apply}
            </button>
            <button
              type="button"
              onClick={() => {
                setInvalid(null);
                setWidened(false);
                setDraft(NO_FILTERS);
                setFilters(NO_FILTERS);
              }}
            >
              {words.reset}
            </button>
          </div>
        </form>
      )}
      {widened && !invalid && (
        <p class="muted" role="status">
          {words.searchAllStatuses}
        </p>
      )}
      {(invalid ?? error) && (
        <p class="alert" role="alert">
          {invalid ?? error}
        </p>
      )}
      {invalid ? null : items === null ? (
        <p role="status">{words.loading}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={words.inquiries} tabIndex={0}>
          <table role="table" class="inquiries cards" aria-label={words.inquiries}>
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">{words.id}</th>
                <th role="columnheader" scope="col">{words.product}</th>
                <th role="columnheader" scope="col">{words.place}</th>
                <th role="columnheader" scope="col">{words.status}</th>
                <th role="columnheader" scope="col">{hq ? words.received : words.deadline}</th>
                {hq ? <th role="columnheader" scope="col">{words.partnerCol}</th> : <th role="columnheader" scope="col">{words.timeLeft}</th>}
                <th role="columnheader" scope="col">
                  <span class="visually-hidden">{words.actions}</span>
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {items.length === 0 && (
                <tr role="row">
                  <td role="cell" colSpan={7} class="empty">
                    {words.nothing}
                  </td>
                </tr>
              )}
              {items.map((inquiry) => {
                const pending = inquiry.status === "pending";
                const href = `#/inquiries/${encodeURIComponent(inquiry.id)}`;
                const menu = [{ label: words.open, onSelect: () => go(`/inquiries/${encodeURIComponent(inquiry.id)}`) }];
                if (!hq && pending) {
                  menu.push(
                    { label: words.accept, onSelect: () => void acceptInquiry(inquiry.id).catch(() => setVersion((v) => v + 1)) },
                    { label: words.reject, onSelect: () => setRejecting(inquiry.id) },
                  );
                }
                if (!hq && (pending || inquiry.status === "accepted")) {
                  menu.push({ label: words.handOver, onSelect: () => setHandingOver(inquiry.id) });
                }
                return (
                  <tr role="row" key={inquiry.id} class={pending && !hq ? "pending" : undefined}>
                    <td role="cell" data-label={words.id}>
                      <a href={href} class="id">
                        {inquiry.id}
                      </a>
                      {!hq && inquiry.user_id && (
                        <span class="assignee small">
                          {words.assignee}: {inquiry.user_id}
                        </span>
                      )}
                    </td>
                    <td role="cell" data-label={words.product}>{word(inquiry.product)}</td>
                    <td role="cell" data-label={words.place}>{place(inquiry)}</td>
                    <td role="cell" data-label={words.status}>
                      <span class={`status s-${inquiry.status}`}>{word(inquiry.status)}</span>
                      {inquiry.return_reason && <span class="reason"> · {word(inquiry.return_reason)}</span>}
                    </td>
                    <td role="cell" data-label={hq ? words.received : words.deadline}>
                      {hq ? (
                        <time dateTime={inquiry.created_at}>{formatDateTime(inquiry.created_at, locale())}</time>
                      ) : inquiry.deadline ? (
                        <DeadlineText deadline={inquiry.deadline} timeZone={zoneOf(inquiry)} />
                      ) : (
                        "–"
                      )}
                    </td>
                    {hq ? (
                      <td role="cell" data-label={words.partnerCol} class="text">{inquiry.partner_id ?? inquiry.user_id ?? "–"}</td>
                    ) : (
                      <td role="cell" data-label={words.timeLeft}>
                        {pending && inquiry.deadline ? <TimeLeft deadline={inquiry.deadline} timeZone={zoneOf(inquiry)} workingDays={daysOf(inquiry)} /> : "–"}
                      </td>
                    )}
                    <td role="cell" class="actions-cell">
                      <Menu label={words.actions} items={menu} context={inquiry.id} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {hasMore && (
        <p>
          <button type="button" onClick={() => void more()}>
            {words.loadMore}
          </button>
        </p>
      )}
      {handingOver && (
        <HandOverDialog
          id={handingOver}
          onClose={() => setHandingOver(null)}
          onDone={() => {
            setHandingOver(null);
            setVersion((v) => v + 1);
          }}
        />
      )}
      {rejecting && (
        <RejectDialog
          id={rejecting}
          onClose={() => setRejecting(null)}
          onDone={() => {
            setRejecting(null);
            setVersion((v) => v + 1);
          }}
        />
      )}
    </>
  );
}
