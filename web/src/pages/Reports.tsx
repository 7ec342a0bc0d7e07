import { useEffect, useState } from "preact/hooks";
import { ApiError, api, download, withQuery, type Partner, type Report, type ReportRow } from "../api";
import { describe } from "../actions";
import { Chart } from "../components/Chart";
import { formatDate, formatNumber, formatPercent, isoDay } from "../format";
import { locale as localeOf, t } from "../i18n";
import { clockOffset, now, user } from "../state";
import { PartnerSelect } from "../components/PartnerSelect";

const COLORS = { accepted: "#1f7a4d", rejected: "#b3261e", expired: "#8a6d00", median: "#1d4f91", p90: "#7a3e9d" };

export interface Period {
  from: string;
  to: string;
  interval: "day" | "week" | "month";
  partner_id: string;
}

/** The last 30 days up to today (the report's days are UTC days). */
export function defaultPeriod(today: Date): Period {
  const from = new Date(today.getTime() - 29 * 86400_000);
  return { from: isoDay(from), to: isoDay(today), interval: "week", partner_id: "" };
}

/** A period label in words of the locale: a day, an ISO week or a month. */
export function periodLabel(period: string, locale: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) {
    return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${period}T00:00:00Z`));
  }
  if (/^\d{4}-\d{2}$/.test(period)) {
    return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${period}-01T00:00:00Z`));
  }
  return period.replace("-W", " W");
}

/** The decision-time chart's summary, in hours to 0.01 as the table shows them. */
export function timesSummary(total: ReportRow, locale: string): string {
  const words = t();
  const hours = (value: number | null | undefined) => formatNumber(value, locale, 2);
  return `${words.median} ${hours(total.decision_hours?.median)} ${words.hours}, ${words.p90} ${hours(total.decision_hours?.p90)} ${words.hours}`;
}

export function Reports() {
  const words = t();
  const current = user.value!;
  const hq = current.role === "hq";
  const [draft, setDraft] = useState<Period>(() => defaultPeriod(now()));
  const [period, setPeriod] = useState<Period>(draft);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [noSeries, setNoSeries] = useState(false);
  // The API refused the period (422): no report, so no download of one either.
  const [refused, setRefused] = useState(false);
  const [partners, setPartners] = useState<Partner[]>([]);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    // The local stack's clock may be elsewhere than the browser's: "today" is the service's.
    if (touched) return;
    const fresh = defaultPeriod(now());
    setDraft((d) => ({ ...d, from: fresh.from, to: fresh.to }));
    setPeriod((p) => (p.from === fresh.from && p.to === fresh.to ? p : { ...p, from: fresh.from, to: fresh.to }));
  }, [clockOffset.value]);

  useEffect(() => {
    if (!hq) return;
    api<{ items: Partner[] }>("GET", "/partners")
      .then((answer) => setPartners(answer.items ?? []))
      .catch(() => setPartners([]));
  }, [hq]);

  const query = (extra: Record<string, string> = {}) => ({
    from: period.from,
    to: period.to,
    partner_id: hq ? period.partner_id || undefined : current.partnerId ?? undefined,
    ...extra,
  });

  useEffect(() => {
    let live = true;
    setError(null);
    setRefused(false);
    setReport(null);
    (async () => {
      try {
        return { report: await api<Report>("GET", "/reports/response-times", undefined, query({ interval: period.interval })), series: true };
      } catch (failure) {
        // An API without `interval` refuses it (422): the table still comes, without the series.
        if (failure instanceof ApiError && failure.status === 422 && /interval/i.test(failure.message)) {
          return { report: await api<Report>("GET", "/reports/response-times", undefined, query()), series: false };
        }
        throw failure;
      }
    })()
      .then((answer) => {
        if (!live) return;
        setReport(answer.report);
        setNoSeries(!answer.series || !answer.report.total?.series);
      })
      .catch((failure) => {
        if (!live) return;
        setRefused(failure instanceof ApiError && failure.status === 422);
        setError(describe(failure));
      });
    return () => {
      live = false;
    };
  }, [period]);

  const locale = localeOf();
  const name = (row: ReportRow) => partners.find((p) => (p.id ?? p.partner_id) === row.partner_id)?.name ?? row.partner_id ?? "";
  const fileBase = `response-times_${period.from}_${period.to}`;
  const csvUrl = withQuery("/reports/response-times", { ...query(), format: "csv" });
  const xlsxUrl = withQuery("/reports/response-times", { ...query(), format: "xlsx" });
  const fetchFile = (url: string, file: string) => (event: MouseEvent) => {
    event.preventDefault();
    download(url, file).catch((failure) => setError(describe(failure)));
  };

  const series = report?.total?.series ?? [];
  const labels = series.map((s) => periodLabel(s.period, locale));
  const sum = (key: "accepted" | "rejected" | "expired") => series.reduce((n, s) => n + (s[key] ?? 0), 0);

  return (
    <>
      <div class="page-head">
        <h1>{words.reportsTitle}</h1>
        <p class="muted">{words.reportsIntro}</p>
      </div>
      <form
        class="filters"
        aria-label={words.filters}
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          setPeriod({ ...draft });
        }}
      >
        <div class="field">
          <label for="r-from">{words.from}</label>
          <input id="r-from" type="date" required aria-invalid={refused || undefined} value={draft.from} max={draft.to} onInput={(e) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="r-to">{words.to}</label>
          <input id="r-to" type="date" required aria-invalid={refused || undefined} value={draft.to} min={draft.from} onInput={(e) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="r-interval">{words.interval}</label>
          <select id="r-interval" value={draft.interval} onChange={(e) => setDraft({ ...draft, interval: (e.target as HTMLSelectElement).value as Period["interval"] })}>
            <option value="day">{words.day}</option>
            <option value="week">{words.week}</option>
            <option value="month">{words.month}</option>
          </select>
        </div>
        {hq && (
          <PartnerSelect id="r-partner" value={draft.partner_id} partners={partners} onChange={(partner_id) => setDraft({ ...draft, partner_id })} />
        )}
        <div class="row">
          <button type="submit" class="primary">
            {words.show}
          </button>
        </div>
      </form>
      {error && (
        <p class="alert" role="alert">
          {error}
        </p>
      )}
      {!refused && (
      <p class="downloads">
        <a href={csvUrl} onClick={fetchFile(csvUrl, `${fileBase}.csv`)} class="button">
          <span aria-hidden="true">⬇ </span>
          {words.downloadCsv}
        </a>
        <a href={xlsxUrl} onClick={fetchFile(xlsxUrl, `${fileBase}.xlsx`)} class="button">
          <span aria-hidden="true">⬇ </span>
          {words.downloadExcel}
        </a>
      </p>
      )}
      {!report && !error && <p role="status">{words.loading}</p>}
      {report && (
        <>
          <div class="charts">
            {series.length > 0 ? (
              <>
                <Chart
                  title={words.chartOutcomes}
                  kind="bar"
                  stacked
                  integer
                  locale={locale}
                  categoryLabel={words.interval}
                  labels={labels}
                  series={[
                    { label: words.acceptedCol, values: series.map((s) => s.accepted), color: COLORS.accepted },
                    { label: words.rejectedCol, values: series.map((s) => s.rejected), color: COLORS.rejected },
                    { label: words.expiredCol, values: series.map((s) => s.expired), color: COLORS.expired },
                  ]}
                  summary={`${words.acceptedCol} ${sum("accepted")}, ${words.rejectedCol} ${sum("rejected")}, ${words.expiredCol} ${sum("expired")} (${formatDate(report.from, locale)} – ${formatDate(report.to, locale)})`}
                />
                <Chart
                  title={words.chartTimes}
                  kind="line"
                  locale={locale}
                  categoryLabel={words.interval}
                  labels={labels}
                  series={[
                    { label: `${words.median} (${words.hours})`, values: series.map((s) => s.decision_hours?.median ?? null), color: COLORS.median },
                    { label: `${words.p90} (${words.hours})`, values: series.map((s) => s.decision_hours?.p90 ?? null), color: COLORS.p90 },
                  ]}
                  summary={timesSummary(report.total, locale)}
                />
              </>
            ) : (
              <Chart
                title={words.chartOutcomesByPartner}
                kind="bar"
                stacked
                integer
                locale={locale}
                categoryLabel={words.partner}
                labels={report.partners.map(name)}
                series={[
                  { label: words.acceptedCol, values: report.partners.map((r) => r.accepted), color: COLORS.accepted },
                  { label: words.rejectedCol, values: report.partners.map((r) => r.rejected), color: COLORS.rejected },
                  { label: words.expiredCol, values: report.partners.map((r) => r.expired), color: COLORS.expired },
                ]}
                summary={`${words.acceptedCol} ${report.total.accepted}, ${words.rejectedCol} ${report.total.rejected}, ${words.expiredCol} ${report.total.expired}`}
              />
            )}
          </div>
          {noSeries && <p class="muted small">{words.noSeries}</p>}
          {/* The title outside the box that scrolls: it wraps in the window, never cut off. */}
          <h2 class="table-title" id="report-title">
            {words.responseTimes}: {formatDate(report.from, locale)} – {formatDate(report.to, locale)}
          </h2>
          <div class="table-wrap scroll" role="region" aria-label={words.responseTimes} tabIndex={0}>
            <table class="report" aria-label={words.responseTimes} aria-describedby="report-title">
              <thead>
                <tr>
                  <th scope="col">{words.partner}</th>
                  <th scope="col">{words.assignedCol}</th>
                  <th scope="col">{words.acceptedCol}</th>
                  <th scope="col">{words.rejectedCol}</th>
                  <th scope="col">{words.expiredCol}</th>
                  <th scope="col">{words.pendingCol}</th>
                  <th scope="col">{words.acceptanceRate}</th>
                  <th scope="col">{words.medianH}</th>
                  <th scope="col">{words.p90H}</th>
                  <th scope="col">{words.inTime}</th>
                  <th scope="col">{words.winRate}</th>
                </tr>
              </thead>
              <tbody>
                {report.partners.length === 0 && (
                  <tr>
                    <td colSpan={11} class="empty">
                      {words.noRows}
                    </td>
                  </tr>
                )}
                {report.partners.map((row) => (
                  <ReportLine key={row.partner_id} head={name(row)} row={row} locale={locale} />
                ))}
              </tbody>
              <tfoot>
                <ReportLine head={words.total} row={report.total} locale={locale} />
              </tfoot>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function ReportLine({ head, row, locale }: { head: string; row: ReportRow; locale: string }) {
  return (
    <tr>
      <th scope="row">{head}</th>
      <td>{formatNumber(row.assigned, locale, 0)}</td>
      <td>{formatNumber(row.accepted, locale, 0)}</td>
      <td>{formatNumber(row.rejected, locale, 0)}</td>
      <td>{formatNumber(row.expired, locale, 0)}</td>
      <td>{formatNumber(row.pending, locale, 0)}</td>
      <td>{formatPercent(row.acceptance_rate, locale)}</td>
      <td>{formatNumber(row.decision_hours?.median, locale, 2)}</td>
      <td>{formatNumber(row.decision_hours?.p90, locale, 2)}</td>
      <td>{formatPercent(row.decided_in_time_rate, locale)}</td>
      <td>{formatPercent(row.win_rate, locale)}</td>
    </tr>
  );
}
