"""The response-time report: how fast partners decide on the inquiries offered to them.

Per partner and in total, over the offers made in a period (whole UTC days):
how many were assigned, accepted, rejected, expired or are still pending, the
acceptance rate, the share decided before the deadline, the time to decision
in hours and in working hours of the partner's calendar, and the time from
acceptance to the first progress step. The offers come from the offers index
(`Repository.offers_between`), never from a Scan.

The computation is pure (`summarise`, `report_of`, `csv_of`); `response_times`
is the use case: who may see what, then the figures.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from inquiries.domain.errors import Forbidden, ValidationFailed
from inquiries.domain.model import Offer, Outcome, Principal
from inquiries.domain.view import iso
from inquiries.service.deadlines import working_hours
from inquiries.service.ports import Dependencies

TOTAL = "total"
_SECONDS_PER_HOUR = 3600.0


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


def percentile(values: Sequence[float], fraction: float) -> float:
    """The percentile by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def spread(values: Sequence[float]) -> dict[str, float | None]:
    """Median, 90th percentile and maximum, rounded to 2 decimals; all null without data."""
    if not values:
        return {"median": None, "p90": None, "max": None}
    return {
        "median": round(percentile(values, 0.5), 2),
        "p90": round(percentile(values, 0.9), 2),
        "max": round(max(values), 2),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / _SECONDS_PER_HOUR


def summarise(offers: Iterable[Offer], now: datetime) -> dict[str, Any]:
    """The figures of a set of offers, as of `now` (the keys of a report row).

    Withdrawn offers count in `assigned` and nowhere else. Decision times cover
    accepted and rejected offers; working hours use the calendar snapshot the
    offer was made with, so a later calendar change does not rewrite history.
    """
    assigned = 0
    counts: Counter[Outcome] = Counter()
    decision: list[float] = []
    decision_working: list[float] = []
    first_progress: list[float] = []
    for offer in offers:
        assigned += 1
        outcome = standing(offer, now)
        counts[outcome] += 1
        if outcome in (Outcome.ACCEPTED, Outcome.REJECTED) and offer.decided_at is not None:
            decision.append(_hours(offer.offered_at, offer.decided_at))
            decision_working.append(
                working_hours(offer.calendar, offer.offered_at, offer.decided_at)
            )
            if outcome is Outcome.ACCEPTED and offer.first_progress_at is not None:
                first_progress.append(_hours(offer.decided_at, offer.first_progress_at))
    accepted, rejected = counts[Outcome.ACCEPTED], counts[Outcome.REJECTED]
    expired = counts[Outcome.EXPIRED]
    decided = accepted + rejected + expired
    return {
        "assigned": assigned,
        "accepted": accepted,
        "rejected": rejected,
        "expired": expired,
        "pending": counts[Outcome.PENDING],
        "acceptance_rate": _rate(accepted, decided),
        "decision_hours": spread(decision),
        "decision_working_hours": spread(decision_working),
        "decided_in_time_rate": _rate(accepted + rejected, decided),
        "first_progress_hours": spread(first_progress),
    }


def report_of(offers: Iterable[Offer], *, first: date, last: date, now: datetime) -> dict[str, Any]:
    """The report body: one row per partner with offers (sorted by id), and the total."""
    every = list(offers)
    by_partner: dict[str, list[Offer]] = {}
    for offer in every:
        by_partner.setdefault(offer.partner_id, []).append(offer)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "as_of": iso(now),
        "partners": [
            {"partner_id": partner_id, **summarise(by_partner[partner_id], now)}
            for partner_id in sorted(by_partner)
        ],
        "total": summarise(every, now),
    }


# --- CSV -----------------------------------------------------------------------------------


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested keys joined with `_`: decision_hours.median -> decision_hours_median."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}_"))
        else:
            flat[name] = value
    return flat


def csv_of(report: dict[str, Any]) -> str:
    """The report as CSV: a header, one row per partner, a last row `total`; null is empty."""
    total = _flat({"partner_id": TOTAL, **report["total"]})
    rows = [_flat(row) for row in report["partners"]]
    out = io.StringIO()
    # The total row has every column, so the header is right even without partner rows.
    writer = csv.DictWriter(out, fieldnames=list(total), restval="", extrasaction="ignore")
    writer.writeheader()
    for row in [*rows, total]:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


# --- the use case --------------------------------------------------------------------------


def response_times(
    deps: Dependencies,
    principal: Principal,
    *,
    first: date,
    last: date,
    partner_id: str | None = None,
) -> dict[str, Any]:
    """The response-time report for the period the caller may see (Forbidden otherwise)."""
    partner = scope(principal, partner_id)
    start, end = period(first, last)
    offers = deps.repository.offers_between(start, end, partner)
    if partner is not None:
        # The index query already narrows to the partner; this keeps a row from ever leaking.
        offers = [o for o in offers if o.partner_id == partner]
    return report_of(offers, first=first, last=last, now=deps.clock.now())
