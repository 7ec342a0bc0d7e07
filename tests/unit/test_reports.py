"""The response-time report on a generated set of offers whose figures are worked out by hand.

Times are UTC. Bolzano (IT-BZ) is UTC+1 in December, 8 December 2026 (a Tuesday)
is a holiday there; Munich (DE-BY) is UTC+1, 25 and 26 December are holidays.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from inquiries.domain.errors import Forbidden, ValidationFailed
from inquiries.domain.model import Calendar, Offer, Outcome, Principal, Role
from inquiries.service import reports
from inquiries.service.ports import Dependencies

BOLZANO = Calendar(country="IT", subdivision="BZ", timezone="Europe/Rome")
MUNICH = Calendar(country="DE", subdivision="BY", timezone="Europe/Berlin")
NOW = datetime(2026, 12, 16, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


_seq = iter(range(1, 10_000))


def offer(
    partner_id: str,
    calendar: Calendar,
    offered_at: datetime,
    outcome: Outcome = Outcome.PENDING,
    decided_at: datetime | None = None,
    first_progress_at: datetime | None = None,
    deadline: datetime | None = None,
) -> Offer:
    return Offer(
        inquiry_id=f"inq-{next(_seq)}",
        seq=1,
        partner_id=partner_id,
        calendar=calendar,
        offered_at=offered_at,
        # The deadline matters only for pending offers; the others get a plausible one.
        deadline=deadline or offered_at + timedelta(days=2),
        outcome=outcome,
        decided_at=decided_at,
        first_progress_at=first_progress_at,
    )


def generated_offers() -> list[Offer]:
    """Three partners; every kind of outcome; weekends and holidays in between."""
    return [
        # P1, Bolzano. Tue 09:00 local -> 12:00 local: 3 h, 3 working h; progress 2 h later.
        offer("P1", BOLZANO, at(1, 8), Outcome.ACCEPTED, at(1, 11), first_progress_at=at(1, 13)),
        # Fri 16:00 local -> Mon 10:00 local: 66 h; 8 (Fri) + 10 (Mon) = 18 working h.
        # First progress Wed 09:00Z: 48 h after the acceptance.
        offer("P1", BOLZANO, at(4, 15), Outcome.ACCEPTED, at(7, 9), first_progress_at=at(9, 9)),
        # Mon 11:00 local -> Wed 09:00 local: 46 h; 13 (Mon) + 0 (Tue, holiday) + 9 = 22 working h.
        offer("P1", BOLZANO, at(7, 10), Outcome.REJECTED, at(9, 8)),
        # Expired by the expiry.
        offer("P1", BOLZANO, at(10, 8), Outcome.EXPIRED, at(14, 8)),
        # Still pending, but its deadline has passed: expired as of now.
        offer("P1", BOLZANO, at(11, 8), deadline=at(15, 8)),
        # Pending, deadline ahead.
        offer("P1", BOLZANO, at(15, 8), deadline=at(17, 8)),
        # HQ reassigned it: counts in `assigned` only.
        offer("P1", BOLZANO, at(14, 8), Outcome.WITHDRAWN, at(14, 9)),
        # 08:00Z -> 09:30Z on a Monday: 1.5 h, 1.5 working h; no progress yet.
        offer("P1", BOLZANO, at(14, 8), Outcome.ACCEPTED, at(14, 9, 30)),
        # P2, Munich. 20 minutes: 0.333 h.
        offer("P2", MUNICH, at(2, 12), Outcome.ACCEPTED, at(2, 12, 20)),
        # Thu 24th 11:00 local -> Mon 28th 08:00 local: 93 h; 13 (Thu) + 0 (Fri, Christmas;
        # weekend) + 8 (Mon) = 21 working h.
        offer("P2", MUNICH, at(24, 10), Outcome.REJECTED, at(28, 7)),
        # P3: only a withdrawn offer.
        offer("P3", MUNICH, at(3, 8), Outcome.WITHDRAWN, at(3, 9)),
    ]


NO_DATA = {"median": None, "p90": None, "max": None}

EXPECTED_P1 = {
    "partner_id": "P1",
    "assigned": 8,
    "accepted": 3,
    "rejected": 1,
    "expired": 2,
    "pending": 1,
    "acceptance_rate": 0.5,  # 3 / 6
    # [1.5, 3, 46, 66]: median halfway between 3 and 46; p90 at rank 2.7: 46 + 0.7 * 20.
    "decision_hours": {"median": 24.5, "p90": 60.0, "max": 66.0},
    # [1.5, 3, 18, 22]: 3 + 0.5 * 15; 18 + 0.7 * 4.
    "decision_working_hours": {"median": 10.5, "p90": 20.8, "max": 22.0},
    "decided_in_time_rate": 0.667,  # 4 / 6
    # [2, 48]: 25; 2 + 0.9 * 46.
    "first_progress_hours": {"median": 25.0, "p90": 43.4, "max": 48.0},
}

EXPECTED_P2 = {
    "partner_id": "P2",
    "assigned": 2,
    "accepted": 1,
    "rejected": 1,
    "expired": 0,
    "pending": 0,
    "acceptance_rate": 0.5,
    # [1/3, 93]: (1/3 + 93) / 2 = 46.667; 1/3 + 0.9 * (93 - 1/3) = 83.733.
    "decision_hours": {"median": 46.67, "p90": 83.73, "max": 93.0},
    # [1/3, 21]: 10.667; 1/3 + 0.9 * (21 - 1/3) = 18.933.
    "decision_working_hours": {"median": 10.67, "p90": 18.93, "max": 21.0},
    "decided_in_time_rate": 1.0,
    "first_progress_hours": NO_DATA,
}

EXPECTED_P3 = {
    "partner_id": "P3",
    "assigned": 1,
    "accepted": 0,
    "rejected": 0,
    "expired": 0,
    "pending": 0,
    "acceptance_rate": None,
    "decision_hours": NO_DATA,
    "decision_working_hours": NO_DATA,
    "decided_in_time_rate": None,
    "first_progress_hours": NO_DATA,
}

EXPECTED_TOTAL = {
    "assigned": 11,
    "accepted": 4,
    "rejected": 2,
    "expired": 2,
    "pending": 1,
    "acceptance_rate": 0.5,  # 4 / 8
    # [1/3, 1.5, 3, 46, 66, 93]: ranks 2.5 and 4.5.
    "decision_hours": {"median": 24.5, "p90": 79.5, "max": 93.0},
    # [1/3, 1.5, 3, 18, 21, 22]
    "decision_working_hours": {"median": 10.5, "p90": 21.5, "max": 22.0},
    "decided_in_time_rate": 0.75,  # 6 / 8
    "first_progress_hours": {"median": 25.0, "p90": 43.4, "max": 48.0},
}


def test_every_figure_of_the_generated_set() -> None:
    report = reports.report_of(
        generated_offers(), first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW
    )

    assert report["from"] == "2026-12-01"
    assert report["to"] == "2026-12-31"
    assert report["partners"] == [EXPECTED_P1, EXPECTED_P2, EXPECTED_P3]
    assert report["total"] == EXPECTED_TOTAL


def test_rows_are_sorted_by_partner_and_do_not_depend_on_input_order() -> None:
    offers = generated_offers()
    forward = reports.report_of(offers, first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW)
    backward = reports.report_of(
        offers[::-1], first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW
    )

    assert [row["partner_id"] for row in backward["partners"]] == ["P1", "P2", "P3"]
    assert backward["partners"] == forward["partners"]
    assert backward["total"] == forward["total"]


def test_pending_is_as_of_now_and_an_overdue_offer_is_expired_before_the_sweeper_runs() -> None:
    deadline = at(3, 8)
    waiting = offer("P1", BOLZANO, at(1, 8), deadline=deadline)

    before = reports.summarise([waiting], deadline - timedelta(microseconds=1))
    at_deadline = reports.summarise([waiting], deadline)

    assert (before["pending"], before["expired"]) == (1, 0)
    assert before["acceptance_rate"] is None
    # An accept at the deadline is refused, so the offer is lost from that instant on.
    assert (at_deadline["pending"], at_deadline["expired"]) == (0, 1)
    assert at_deadline["acceptance_rate"] == 0.0
    assert at_deadline["decided_in_time_rate"] == 0.0


def test_withdrawn_offers_count_in_assigned_and_nowhere_else() -> None:
    withdrawn = offer("P1", BOLZANO, at(1, 8), Outcome.WITHDRAWN, at(1, 9))

    row = reports.summarise([withdrawn], NOW)

    assert row == {k: v for k, v in EXPECTED_P3.items() if k != "partner_id"}
    assert row["assigned"] == 1


def test_working_hours_use_the_calendar_stored_on_the_offer() -> None:
    # Same instants; Bolzano has 8 December off, Munich does not.
    offered, decided = at(7, 10), at(9, 8)  # Mon 11:00 -> Wed 09:00 local
    in_bolzano = offer("P1", BOLZANO, offered, Outcome.REJECTED, decided)
    in_munich = offer("P1", MUNICH, offered, Outcome.REJECTED, decided)

    assert reports.summarise([in_bolzano], NOW)["decision_working_hours"]["max"] == 22.0
    assert reports.summarise([in_munich], NOW)["decision_working_hours"]["max"] == 46.0


def test_a_decision_made_over_the_weekend_counts_no_working_hours() -> None:
    # Offered Saturday 10:00 local, accepted Sunday 18:00 local.
    saturday = offer("P1", BOLZANO, at(5, 9), Outcome.ACCEPTED, at(6, 17))

    row = reports.summarise([saturday], NOW)

    assert row["decision_hours"] == {"median": 32.0, "p90": 32.0, "max": 32.0}
    assert row["decision_working_hours"] == {"median": 0.0, "p90": 0.0, "max": 0.0}


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([7.0], 0.5, 7.0),
        ([7.0], 0.9, 7.0),
        ([4.0, 1.0], 0.5, 2.5),
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9, 9.1),
        ([10.0, 1.0, 3.0], 0.5, 3.0),
        ([10.0, 1.0, 3.0], 0.9, 8.6),  # 3 + 0.8 * 7
        ([0.0, 100.0], 0.9, 90.0),
    ],
)
def test_percentile_interpolates_linearly_between_closest_ranks(
    values: list[float], fraction: float, expected: float
) -> None:
    assert reports.percentile(values, fraction) == pytest.approx(expected)


def test_spread_rounds_to_two_decimals_and_is_null_without_data() -> None:
    assert reports.spread([]) == {"median": None, "p90": None, "max": None}
    assert reports.spread([1 / 3, 2 / 3]) == {"median": 0.5, "p90": 0.63, "max": 0.67}


def test_rates_round_to_three_decimals() -> None:
    offers = [
        offer("P1", BOLZANO, at(1, 8), Outcome.ACCEPTED, at(1, 9)),
        offer("P1", BOLZANO, at(1, 8), Outcome.REJECTED, at(1, 9)),
        offer("P1", BOLZANO, at(1, 8), Outcome.EXPIRED, at(3, 8)),
    ]

    row = reports.summarise(offers, NOW)

    assert row["acceptance_rate"] == 0.333
    assert row["decided_in_time_rate"] == 0.667


def test_an_empty_period_has_no_rows_and_a_zero_total() -> None:
    report = reports.report_of([], first=date(2026, 12, 1), last=date(2026, 12, 1), now=NOW)

    assert report["partners"] == []
    assert report["total"] == {k: v for k, v in EXPECTED_P3.items() if k != "partner_id"} | {
        "assigned": 0
    }


# --- CSV -----------------------------------------------------------------------------------

CSV_HEADER = [
    "partner_id",
    "assigned",
    "accepted",
    "rejected",
    "expired",
    "pending",
    "acceptance_rate",
    "decision_hours_median",
    "decision_hours_p90",
    "decision_hours_max",
    "decision_working_hours_median",
    "decision_working_hours_p90",
    "decision_working_hours_max",
    "decided_in_time_rate",
    "first_progress_hours_median",
    "first_progress_hours_p90",
    "first_progress_hours_max",
]


def test_csv_has_a_header_a_row_per_partner_and_a_total_row_last() -> None:
    report = reports.report_of(
        generated_offers(), first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW
    )

    text = reports.csv_of(report)
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0] == CSV_HEADER
    assert [r[0] for r in rows[1:]] == ["P1", "P2", "P3", "total"]
    p1 = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert p1["assigned"] == "8"
    assert p1["acceptance_rate"] == "0.5"
    assert p1["decision_hours_median"] == "24.5"
    assert p1["decision_working_hours_p90"] == "20.8"
    assert p1["first_progress_hours_max"] == "48.0"
    # Null is an empty cell.
    p3 = dict(zip(CSV_HEADER, rows[3], strict=True))
    assert p3["acceptance_rate"] == ""
    assert p3["decision_hours_median"] == ""
    total = dict(zip(CSV_HEADER, rows[4], strict=True))
    assert total["assigned"] == "11"
    assert total["decision_hours_p90"] == "79.5"
    assert total["decided_in_time_rate"] == "0.75"


def test_csv_of_an_empty_report_is_the_header_and_the_total() -> None:
    report = reports.report_of([], first=date(2026, 12, 1), last=date(2026, 12, 1), now=NOW)

    rows = list(csv.reader(io.StringIO(reports.csv_of(report))))

    assert rows == [CSV_HEADER, ["total", "0", "0", "0", "0", "0", *[""] * 11]]


# --- who sees what, and the use case ---------------------------------------------------------

HQ = Principal("hq-1", Role.HQ)
P1_USER = Principal("u-1", Role.PARTNER, "P1")


def test_hq_sees_all_or_the_partner_it_names() -> None:
    assert reports.scope(HQ, None) is None
    assert reports.scope(HQ, "P2") == "P2"


def test_a_partner_sees_only_itself() -> None:
    assert reports.scope(P1_USER, None) == "P1"
    assert reports.scope(P1_USER, "P1") == "P1"
    with pytest.raises(Forbidden):
        reports.scope(P1_USER, "P2")


def test_the_period_is_whole_utc_days_half_open() -> None:
    assert reports.period(date(2026, 12, 1), date(2026, 12, 31)) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    with pytest.raises(ValidationFailed):
        reports.period(date(2026, 12, 1), date.max)


@dataclass
class FakeRepository:
    """Just the offers index: offers made in [start, end), for one partner or all."""

    offers: list[Offer]
    asked: list[tuple[datetime, datetime, str | None]] = field(default_factory=list)

    def offers_between(self, start: datetime, end: datetime, partner_id: str | None) -> list[Offer]:
        self.asked.append((start, end, partner_id))
        return [
            o
            for o in self.offers
            if start <= o.offered_at < end and partner_id in (None, o.partner_id)
        ]


@dataclass
class StillClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


def deps_with(repository: FakeRepository) -> Dependencies:
    return Dependencies(repository=repository, scheduler=None, clock=StillClock(NOW))  # type: ignore[arg-type]


def test_a_partner_gets_its_own_row_only_and_the_index_is_asked_for_that_partner() -> None:
    repository = FakeRepository(generated_offers())

    report = reports.response_times(
        deps_with(repository), P1_USER, first=date(2026, 12, 1), last=date(2026, 12, 31)
    )

    assert repository.asked == [
        (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), "P1")
    ]
    assert report["partners"] == [EXPECTED_P1]
    assert report["total"] == {k: v for k, v in EXPECTED_P1.items() if k != "partner_id"}


def test_a_partner_naming_another_is_forbidden_and_nothing_is_read() -> None:
    repository = FakeRepository(generated_offers())

    with pytest.raises(Forbidden):
        reports.response_times(
            deps_with(repository),
            P1_USER,
            first=date(2026, 12, 1),
            last=date(2026, 12, 31),
            partner_id="P2",
        )
    assert repository.asked == []


def test_hq_report_over_part_of_the_month_counts_only_offers_made_in_it() -> None:
    repository = FakeRepository(generated_offers())

    report = reports.response_times(
        deps_with(repository), HQ, first=date(2026, 12, 1), last=date(2026, 12, 3)
    )

    # 1 Dec (P1 accepted), 2 Dec (P2 accepted), 3 Dec (P3 withdrawn).
    assert [(r["partner_id"], r["assigned"], r["accepted"]) for r in report["partners"]] == [
        ("P1", 1, 1),
        ("P2", 1, 1),
        ("P3", 1, 0),
    ]
    assert report["total"]["assigned"] == 3
