"""The response-time report: how fast partners decide on the inquiries offered to them.

Per partner and in total, over the offers made in a period (whole UTC days):
how many were assigned, accepted, rejected, expired or are still pending, the
acceptance rate, the share decided before the deadline, the time to decision
in hours and in working hours of the partner's calendar, the time from
acceptance to the first progress step, how far the accepted offers got
(`outcomes`, `win_rate`) and, when asked for, a `series` per day, ISO week or
month.

The figures come from rollups, one per partner, UTC day and shard
(`inquiries.service.rollups`, kept in the same transaction as every change), so
a report reads partners x days x shards items however many offers there are;
durations are sketched to within 1 % (`inquiries.domain.report.sketch`). The
same figures can be computed from offers (`report_of`): the rebuild and the
tests do. Never a Scan.

The computation is pure (`report_of`, `report_of_days`, `table_of`, `csv_of`;
the arithmetic in `inquiries.domain.report`); `response_times` is the use
case: who may see what, then the figures. The Excel workbook is
`inquiries.adapters.workbook`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from inquiries.domain.errors import Forbidden, ValidationFailed
from inquiries.domain.model import Offer, Outcome, Principal
from inquiries.domain.report.figures import hours_between
from inquiries.domain.report.periods import Interval, period_of, periods
from inquiries.domain.report.rollup import day_of
from inquiries.domain.report.tally import Tally
from inquiries.domain.view import iso
from inquiries.service.deadlines import working_hours
from inquiries.service.ports import Dependencies

TOTAL = "total"
# Series entries in one answer (rows and total): about 150 bytes each, so the JSON stays
# well under Lambda's 6 MB response limit. A year by day is 366 per row.
MAX_SERIES_ENTRIES = 20_000
# Overdue offers the sweeper has not expired yet that a report reads (see `overdue`).
OVERDUE_READS = 500
SERIES_COLUMNS = (
    "partner_id",
    "period",
    "assigned",
    "accepted",
    "rejected",
    "expired",
    "decision_hours_median",
    "decision_hours_p90",
    "decision_hours_max",
)
# --- who may see what ----------------------------------------------------------------------


def scope(principal: Principal, partner_id: str | None) -> str | None:
    """The partner the report is about (None: all), or Forbidden.

    HQ sees every partner or the one it names; a partner sees only itself,
    with or without naming itself.
    """
    if principal.is_hq:
        return partner_id
    if partner_id is not None and partner_id != principal.partner_id:
        raise Forbidden("a partner may only see its own report")
    return principal.partner_id


# --- the period ----------------------------------------------------------------------------


def period(first: date, last: date) -> tuple[datetime, datetime]:
    """The whole UTC days `first` to `last` as the half-open range [start, end)."""
    try:
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
    except OverflowError:
        raise ValidationFailed.at(
            '"to" is out of range', "query", "to", msg="date out of range"
        ) from None
    return datetime.combine(first, time(0), tzinfo=UTC), end


# --- figures -------------------------------------------------------------------------------


def standing(offer: Offer, now: datetime) -> Outcome:
    """The offer's outcome as of `now`.

    A pending offer whose deadline has passed is expired, whether or not the
    expiry has run yet: the sweeper's lag is not the partner's credit.
    """
    if offer.outcome is Outcome.PENDING and offer.deadline <= now:
        return Outcome.EXPIRED
    return offer.outcome


def count(tally: Tally, offer: Offer, now: datetime) -> None:
    """Add one offer to a tally: its standing outcome, durations and the steps reached.

    Decision times cover accepted and rejected offers; working hours use the
    calendar snapshot the offer was made with, so a later calendar change does
    not rewrite history. Time to first progress is in plain hours.
    """
    outcome = standing(offer, now)
    decided_at = offer.decided_at
    if outcome not in (Outcome.ACCEPTED, Outcome.REJECTED) or decided_at is None:
        tally.add(outcome)
        return
    progress_at = offer.first_progress_at if outcome is Outcome.ACCEPTED else None
    tally.add(
        outcome,
        decision_hours=hours_between(offer.offered_at, decided_at),
        decision_working_hours=working_hours(offer.calendar, offer.offered_at, decided_at),
        first_progress_hours=hours_between(decided_at, progress_at) if progress_at else None,
        recorded_steps=offer.steps,
        reason=offer.reason,
    )


def summarise(offers: Iterable[Offer], now: datetime) -> dict[str, Any]:
    """The figures of a set of offers, as of `now` (the keys of a report row)."""
    tally = Tally()
    for offer in offers:
        count(tally, offer, now)
    return tally.row()


def _series(days: dict[date, Tally], names: list[str], interval: Interval) -> list[dict[str, Any]]:
    """One entry per period name, merging the day tallies that fall in it."""
    by_period: dict[str, Tally] = defaultdict(Tally)
    for day, tally in days.items():
        by_period[period_of(day, interval)].merge(tally)
    return [by_period.get(name, Tally()).series_entry(name) for name in names]


def report_of(
    offers: Iterable[Offer],
    *,
    first: date,
    last: date,
    now: datetime,
    interval: Interval | None = None,
) -> dict[str, Any]:
    """The report body: one row per partner with offers (sorted by id), and the total.

    With an interval, each row and the total get a `series` over every period
    of [first, last], empty periods included.
    """
    # One tally per partner and UTC day of the offer: what the rollups store.
    days: dict[str, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for offer in offers:
        count(days[offer.partner_id][day_of(offer.offered_at)], offer, now)
    return report_of_days(days, first=first, last=last, now=now, interval=interval)


def report_of_days(
    days: dict[str, dict[date, Tally]],
    *,
    first: date,
    last: date,
    now: datetime,
    interval: Interval | None = None,
) -> dict[str, Any]:
    """The report body from one tally per partner and UTC day (see `report_of`)."""
    names = periods(first, last, interval) if interval is not None else []
    if interval is not None and len(names) * (len(days) + 1) > MAX_SERIES_ENTRIES:
        raise ValidationFailed.at(
            f"the series would have more than {MAX_SERIES_ENTRIES} entries: "
            "ask for a coarser interval, a shorter period or one partner",
            "query",
            "interval",
            msg="too many periods",
        )
    rows: list[dict[str, Any]] = []
    every_day: dict[date, Tally] = defaultdict(Tally)
    for partner_id in sorted(days):
        row = {"partner_id": partner_id, **Tally.of(days[partner_id].values()).row()}
        if interval is not None:
            row["series"] = _series(days[partner_id], names, interval)
        rows.append(row)
        for day, tally in days[partner_id].items():
            every_day[day].merge(tally)
    total = Tally.of(every_day.values()).row()
    if interval is not None:
        total["series"] = _series(every_day, names, interval)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "as_of": iso(now),
        "partners": rows,
        "total": total,
    }


# --- tables: CSV and workbook ----------------------------------------------------------------


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested keys joined with `_`: decision_hours.median -> decision_hours_median."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}_"))
        elif not isinstance(value, list):  # a series is not a column
            flat[name] = value
    return flat


def table_of(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The report as a table: the column names and one row per partner, the `total` last.

    Columns are the JSON keys, nested ones joined with `_`; null stays None.
    Series are left out (they are rows of their own: `series_table_of`).
    """
    total = _flat({"partner_id": TOTAL, **report["total"]})
    # The total row has every column, so the header is right even without partner rows.
    header = list(total)
    rows = [_flat(row) for row in report["partners"]] + [total]
    return header, [[row.get(name) for name in header] for row in rows]


def series_table_of(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]] | None:
    """The series as one table: a row per partner and period, then the total's; None without."""
    if "series" not in report["total"]:
        return None
    owners = [(row["partner_id"], row["series"]) for row in report["partners"]]
    owners.append((TOTAL, report["total"]["series"]))
    lines = [
        [owner, *(_flat(entry).get(name) for name in SERIES_COLUMNS[1:])]
        for owner, series in owners
        for entry in series
    ]
    return list(SERIES_COLUMNS), lines


# What makes a spreadsheet program read a text cell as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What it reads as a number or a date instead of text: `007` (7), `1.5` (1 May in German),
# `12-3` (12 March), `1e5` (100000), `1/2`, `10:30`.
_NUMBER_OR_DATE = re.compile(r"[\d.,:/ -]+|\d+(?:[.,]\d+)?[eE][+-]?\d+")


def _cell(value: Any) -> str:
    """A CSV cell for a spreadsheet set to German (or Italian, French...): decimal comma;
    a text that would start a formula (a partner id such as `-1-2`) or be read as a number
    or a date (`007`, `1.5`, `12-3`) kept as text by `'`."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and (
        value.startswith(_FORMULA_START) or _NUMBER_OR_DATE.fullmatch(value)
    ):
        return "'" + value
    return str(value)


def csv_of(report: dict[str, Any]) -> str:
    """The report as CSV for spreadsheet programs (see docs/decisions.md).

    Starts with a UTF-8 byte order mark (so umlauts survive), separates
    columns with `;` and writes decimals with a comma, as Excel and LibreOffice
    expect them in German-speaking and most European locales. A header, one
    row per partner, a last row `total`; null is an empty cell.
    """
    header, rows = table_of(report)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


# --- the use case --------------------------------------------------------------------------


def response_times(
    deps: Dependencies,
    principal: Principal,
    *,
    first: date,
    last: date,
    partner_id: str | None = None,
    interval: Interval | None = None,
) -> dict[str, Any]:
    """The response-time report for the period the caller may see (Forbidden otherwise).

    With an interval, every row and the total carry a series (ValidationFailed
    when it would be too long for one answer).
    """
    partner = scope(principal, partner_id)
    period(first, last)  # "to" must be a day with a next one
    now = deps.clock.now()
    repository = deps.repository
    partner_ids = (
        [partner] if partner is not None else sorted(p.id for p in repository.list_partners())
    )
    days: dict[str, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for rollup in repository.rollups(partner_ids, first, last):
        if rollup.partner_id in partner_ids and first <= rollup.day <= last:
            # The query already narrows to the partners; this keeps a row from ever leaking.
            days[rollup.partner_id][rollup.day].merge(rollup.tally)
    for offer in overdue(deps, now):
        day = day_of(offer.offered_at)
        if offer.partner_id in days and day in days[offer.partner_id]:
            days[offer.partner_id][day].overdue()
    return report_of_days(days, first=first, last=last, now=now, interval=interval)


def overdue(deps: Dependencies, now: datetime) -> list[Offer]:
    """Pending offers whose deadline has passed but that the sweeper has not expired yet.

    The report counts them as expired, as it always did (`standing`). They are the
    sweeper's backlog (seconds of offers when it runs), read from the due-offers index
    and loaded one by one; past OVERDUE_READS of them the rest still count as pending.
    """
    found = []
    for due in deps.repository.due_offers(now, OVERDUE_READS):
        record = deps.repository.load(due.inquiry_id)
        offer = next((o for o in record.offers if o.seq == due.seq), None) if record else None
        if offer is not None and offer.outcome is Outcome.PENDING and offer.deadline <= now:
            found.append(offer)
    return found
