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
from inquiries.domain.model import (
    Calendar,
    Offer,
    Outcome,
    Partner,
    Principal,
    ProgressStep,
    Role,
)
from inquiries.domain.report.periods import Interval
from inquiries.domain.report.rollup import DayRollup
from inquiries.service import reports
from inquiries.service.ports import Dependencies, DueOffer, Record
from inquiries.service.rollups import rollups_from

from tests.unit.fakes import a_partner

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
    steps: frozenset[ProgressStep] = frozenset(),
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
        steps=steps,
    )


def generated_offers() -> list[Offer]:
    """Three partners; every kind of outcome; weekends and holidays in between."""
    return [
        # P1, Bolzano. Tue 09:00 local -> 12:00 local: 3 h, 3 working h; progress 2 h later.
        # Contacted, then won (so an offer was sent, recorded or not).
        offer(
            "P1",
            BOLZANO,
            at(1, 8),
            Outcome.ACCEPTED,
            at(1, 11),
            first_progress_at=at(1, 13),
            steps=frozenset({ProgressStep.CONTACTED, ProgressStep.WON}),
        ),
        # Fri 16:00 local -> Mon 10:00 local: 66 h; 8 (Fri) + 10 (Mon) = 18 working h.
        # First progress Wed 09:00Z: 48 h after the acceptance.
        # An offer sent (so the contact was contacted); not decided yet.
        offer(
            "P1",
            BOLZANO,
            at(4, 15),
            Outcome.ACCEPTED,
            at(7, 9),
            first_progress_at=at(9, 9),
            steps=frozenset({ProgressStep.OFFER_SENT}),
        ),
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
        # P2, Munich. 20 minutes: 0.333 h; contacted 40 minutes later (0.667 h), then lost.
        offer(
            "P2",
            MUNICH,
            at(2, 12),
            Outcome.ACCEPTED,
            at(2, 12, 20),
            first_progress_at=at(2, 13),
            steps=frozenset({ProgressStep.CONTACTED, ProgressStep.LOST}),
        ),
        # Thu 24th 11:00 local -> Mon 28th 08:00 local: 93 h; 13 (Thu) + 0 (Fri, Christmas;
        # weekend) + 8 (Mon) = 21 working h.
        offer("P2", MUNICH, at(24, 10), Outcome.REJECTED, at(28, 7)),
        # P3: only a withdrawn offer.
        offer("P3", MUNICH, at(3, 8), Outcome.WITHDRAWN, at(3, 9)),
    ]


NO_DATA = {"median": None, "p90": None, "max": None}
NO_OUTCOMES = {"contacted": 0, "offer_sent": 0, "won": 0, "lost": 0}

# Percentiles are nearest-rank: the value at rank ceil(p * n) of the n sorted values.
EXPECTED_P1 = {
    "partner_id": "P1",
    "assigned": 8,
    "accepted": 3,
    "rejected": 1,
    "expired": 2,
    "pending": 1,
    "acceptance_rate": 0.5,  # 3 / 6
    # [1.5, 3, 46, 66]: ranks 2 and 4.
    "decision_hours": {"median": 3.0, "p90": 66.0, "max": 66.0},
    # [1.5, 3, 18, 22]
    "decision_working_hours": {"median": 3.0, "p90": 22.0, "max": 22.0},
    "decided_in_time_rate": 0.667,  # 4 / 6
    # [2, 48]: ranks 1 and 2.
    "first_progress_hours": {"median": 2.0, "p90": 48.0, "max": 48.0},
    # {contacted, won} reached all three sales steps; {offer_sent} the first two.
    "outcomes": {"contacted": 2, "offer_sent": 2, "won": 1, "lost": 0},
    "win_rate": 1.0,
}

EXPECTED_P2 = {
    "partner_id": "P2",
    "assigned": 2,
    "accepted": 1,
    "rejected": 1,
    "expired": 0,
    "pending": 0,
    "acceptance_rate": 0.5,
    # [1/3, 93]: ranks 1 and 2.
    "decision_hours": {"median": 0.33, "p90": 93.0, "max": 93.0},
    # [1/3, 21]
    "decision_working_hours": {"median": 0.33, "p90": 21.0, "max": 21.0},
    "decided_in_time_rate": 1.0,
    "first_progress_hours": {"median": 0.67, "p90": 0.67, "max": 0.67},
    "outcomes": {"contacted": 1, "offer_sent": 0, "won": 0, "lost": 1},
    "win_rate": 0.0,
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
    "outcomes": NO_OUTCOMES,
    "win_rate": None,
}

EXPECTED_TOTAL = {
    "assigned": 11,
    "accepted": 4,
    "rejected": 2,
    "expired": 2,
    "pending": 1,
    "acceptance_rate": 0.5,  # 4 / 8
    # [1/3, 1.5, 3, 46, 66, 93]: ranks 3 and 6.
    "decision_hours": {"median": 3.0, "p90": 93.0, "max": 93.0},
    # [1/3, 1.5, 3, 18, 21, 22]
    "decision_working_hours": {"median": 3.0, "p90": 22.0, "max": 22.0},
    "decided_in_time_rate": 0.75,  # 6 / 8
    # [2/3, 2, 48]: ranks 2 and 3.
    "first_progress_hours": {"median": 2.0, "p90": 48.0, "max": 48.0},
    "outcomes": {"contacted": 3, "offer_sent": 2, "won": 1, "lost": 1},
    "win_rate": 0.5,
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
    "outcomes_contacted",
    "outcomes_offer_sent",
    "outcomes_won",
    "outcomes_lost",
    "win_rate",
]


def read_csv(text: str) -> list[list[str]]:
    """The cells as a spreadsheet set to German reads them: BOM, `;`, decimal comma."""
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_has_a_header_a_row_per_partner_and_a_total_row_last() -> None:
    report = reports.report_of(
        generated_offers(), first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW
    )

    rows = read_csv(reports.csv_of(report))

    assert rows[0] == CSV_HEADER
    assert [r[0] for r in rows[1:]] == ["P1", "P2", "P3", "total"]
    p1 = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert p1["assigned"] == "8"
    assert p1["acceptance_rate"] == "0,5"
    assert p1["decision_hours_median"] == "3,0"
    assert p1["decision_working_hours_p90"] == "22,0"
    assert p1["first_progress_hours_max"] == "48,0"
    assert p1["outcomes_offer_sent"] == "2"
    assert p1["win_rate"] == "1,0"
    p2 = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert p2["decision_hours_median"] == "0,33"
    assert p2["win_rate"] == "0,0"
    # Null is an empty cell.
    p3 = dict(zip(CSV_HEADER, rows[3], strict=True))
    assert p3["acceptance_rate"] == ""
    assert p3["decision_hours_median"] == ""
    assert p3["win_rate"] == ""
    total = dict(zip(CSV_HEADER, rows[4], strict=True))
    assert total["assigned"] == "11"
    assert total["decision_hours_p90"] == "93,0"
    assert total["decided_in_time_rate"] == "0,75"
    assert total["outcomes_contacted"] == "3"


def test_csv_of_an_empty_report_is_the_header_and_the_total() -> None:
    report = reports.report_of([], first=date(2026, 12, 1), last=date(2026, 12, 1), now=NOW)

    rows = read_csv(reports.csv_of(report))

    assert rows == [
        CSV_HEADER,
        ["total", "0", "0", "0", "0", "0", *[""] * 11, "0", "0", "0", "0", ""],
    ]


def test_csv_leaves_the_series_out_and_keeps_its_columns() -> None:
    report = reports.report_of(
        generated_offers(),
        first=date(2026, 12, 1),
        last=date(2026, 12, 31),
        now=NOW,
        interval=Interval.WEEK,
    )

    rows = read_csv(reports.csv_of(report))

    assert rows[0] == CSV_HEADER
    assert len(rows) == 5


def test_csv_keeps_umlauts_and_quotes_a_cell_holding_the_separator() -> None:
    # Partner ids are plain, but the writer must not depend on it.
    report = reports.report_of(
        [offer("Müller;Söhne", MUNICH, at(1, 8), Outcome.ACCEPTED, at(1, 9))],
        first=date(2026, 12, 1),
        last=date(2026, 12, 1),
        now=NOW,
    )

    text = reports.csv_of(report)

    assert text.encode("utf-8").startswith(b"\xef\xbb\xbfpartner_id;assigned;")
    assert '"Müller;Söhne";1;1;' in text
    assert read_csv(text)[1][0] == "Müller;Söhne"


def csv_partner_cell(partner_id: str) -> str:
    """The partner's cell in the CSV of a report with one offer of that partner."""
    report = reports.report_of(
        [offer(partner_id, MUNICH, at(1, 8), Outcome.ACCEPTED, at(1, 9))],
        first=date(2026, 12, 1),
        last=date(2026, 12, 1),
        now=NOW,
    )
    return read_csv(reports.csv_of(report))[1][0]


@pytest.mark.parametrize("partner_id", ["-1-2", "-A1-B1", "=cmd", "+1", "@SUM"])
def test_csv_keeps_a_partner_id_that_would_start_a_formula_as_text(partner_id: str) -> None:
    assert csv_partner_cell(partner_id) == "'" + partner_id


@pytest.mark.parametrize("partner_id", ["007", "1.5", "12-3", "10-3", "1e5", "2026-12-01"])
def test_csv_keeps_a_partner_id_that_would_read_as_a_number_or_date_as_text(
    partner_id: str,
) -> None:
    """German Excel would show `007` as 7, `1.5` as 1 May, `1e5` as 100000."""
    assert csv_partner_cell(partner_id) == "'" + partner_id


@pytest.mark.parametrize("partner_id", ["alpin-bz", "bz-1", "3m", "a1.5"])
def test_csv_writes_a_partner_id_that_reads_as_text_as_it_is(partner_id: str) -> None:
    assert csv_partner_cell(partner_id) == partner_id


# --- series ----------------------------------------------------------------------------------

EMPTY_ENTRY = {"assigned": 0, "accepted": 0, "rejected": 0, "expired": 0, "decision_hours": NO_DATA}


def test_weekly_series_has_every_iso_week_of_the_period_with_empty_weeks_as_zeros() -> None:
    report = reports.report_of(
        generated_offers(),
        first=date(2026, 12, 1),
        last=date(2026, 12, 31),
        now=NOW,
        interval=Interval.WEEK,
    )

    p2, p3 = report["partners"][1], report["partners"][2]
    weeks = ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert [e["period"] for e in p2["series"]] == weeks
    assert [e["period"] for e in report["total"]["series"]] == weeks
    # P2: accepted on 2 Dec (W49) after 1/3 h; rejected 24 Dec (W52) after 93 h.
    assert p2["series"] == [
        {"period": "2026-W49", "assigned": 1, "accepted": 1, "rejected": 0, "expired": 0,
         "decision_hours": {"median": 0.33, "p90": 0.33, "max": 0.33}},
        {"period": "2026-W50", **EMPTY_ENTRY},
        {"period": "2026-W51", **EMPTY_ENTRY},
        {"period": "2026-W52", "assigned": 1, "accepted": 0, "rejected": 1, "expired": 0,
         "decision_hours": {"median": 93.0, "p90": 93.0, "max": 93.0}},
        {"period": "2026-W53", **EMPTY_ENTRY},
    ]  # fmt: skip
    # P3's withdrawn offer (3 Dec) is assigned and nothing else.
    assert p3["series"][0] == {"period": "2026-W49", **EMPTY_ENTRY, "assigned": 1}
    # P1 in W49: accepted 1 Dec (3 h), accepted 4 Dec (66 h); W50: rejected 7 Dec (46 h),
    # expired 10 Dec, expired as of now 11 Dec, withdrawn and accepted 14 Dec (1.5 h)...
    w49, w50, w51 = report["total"]["series"][:3]
    assert w49 == {
        "period": "2026-W49", "assigned": 4, "accepted": 3, "rejected": 0, "expired": 0,
        "decision_hours": {"median": 3.0, "p90": 66.0, "max": 66.0},
    }  # fmt: skip
    assert w50 == {
        "period": "2026-W50", "assigned": 3, "accepted": 0, "rejected": 1, "expired": 2,
        "decision_hours": {"median": 46.0, "p90": 46.0, "max": 46.0},
    }  # fmt: skip
    # ...and in W51 (14-20 Dec): the withdrawn, the accepted and the pending one of 15 Dec.
    assert w51 == {
        "period": "2026-W51", "assigned": 3, "accepted": 1, "rejected": 0, "expired": 0,
        "decision_hours": {"median": 1.5, "p90": 1.5, "max": 1.5},
    }  # fmt: skip


def test_series_entries_add_up_to_their_row() -> None:
    report = reports.report_of(
        generated_offers(),
        first=date(2026, 11, 1),
        last=date(2027, 1, 31),
        now=NOW,
        interval=Interval.DAY,
    )

    for row in [*report["partners"], report["total"]]:
        assert len(row["series"]) == 92
        for key in ("assigned", "accepted", "rejected", "expired"):
            assert sum(entry[key] for entry in row["series"]) == row[key]


def test_monthly_series_names_months_and_cuts_the_period_at_its_ends() -> None:
    report = reports.report_of(
        generated_offers(),
        first=date(2026, 11, 20),
        last=date(2027, 1, 3),
        now=NOW,
        interval=Interval.MONTH,
    )

    series = report["total"]["series"]
    assert [e["period"] for e in series] == ["2026-11", "2026-12", "2027-01"]
    assert [e["assigned"] for e in series] == [0, 11, 0]
    assert series[0]["decision_hours"] == NO_DATA


def test_no_interval_no_series() -> None:
    report = reports.report_of(
        generated_offers(), first=date(2026, 12, 1), last=date(2026, 12, 31), now=NOW
    )

    assert "series" not in report["total"]
    assert all("series" not in row for row in report["partners"])


def test_a_series_too_long_for_one_answer_is_refused_with_the_interval_at_fault() -> None:
    # A year by day over 60 partners and the total: 366 * 61 entries.
    offers = [offer(f"P{n:02d}", MUNICH, at(1, 8)) for n in range(60)]

    with pytest.raises(ValidationFailed) as refused:
        reports.report_of(
            offers, first=date(2026, 1, 1), last=date(2026, 12, 31), now=NOW, interval=Interval.DAY
        )
    by_week = reports.report_of(
        offers, first=date(2026, 1, 1), last=date(2026, 12, 31), now=NOW, interval=Interval.WEEK
    )

    assert refused.value.errors[0]["loc"] == ["query", "interval"]
    assert len(by_week["total"]["series"]) == 53


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
    """The rollups of a set of offers (as the live updates build them), the partners and
    the due-offers index the report reads."""

    offers: list[Offer]
    asked: list[tuple[list[str], date, date]] = field(default_factory=list)

    def rollups(self, partner_ids: list[str], first: date, last: date) -> list[DayRollup]:
        self.asked.append((list(partner_ids), first, last))
        return [
            r
            for r in rollups_from(self.offers)
            if r.partner_id in partner_ids and first <= r.day <= last
        ]

    def list_partners(self) -> list[Partner]:
        return [a_partner(p) for p in sorted({o.partner_id for o in self.offers})]

    def due_offers(self, now: datetime, limit: int) -> list[DueOffer]:
        due = [o for o in self.offers if o.outcome is Outcome.PENDING and o.deadline <= now]
        return [DueOffer(o.inquiry_id, o.seq, o.deadline) for o in due[:limit]]

    def load(self, inquiry_id: str) -> Record | None:
        offers = tuple(o for o in self.offers if o.inquiry_id == inquiry_id)
        return Record(None, offers) if offers else None  # type: ignore[arg-type]


@dataclass
class StillClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


def deps_with(repository: FakeRepository) -> Dependencies:
    return Dependencies(repository=repository, scheduler=None, clock=StillClock(NOW))  # type: ignore[arg-type]


def test_a_partner_gets_its_own_row_only_and_only_its_rollups_are_read() -> None:
    repository = FakeRepository(generated_offers())

    report = reports.response_times(
        deps_with(repository), P1_USER, first=date(2026, 12, 1), last=date(2026, 12, 31)
    )

    assert repository.asked == [(["P1"], date(2026, 12, 1), date(2026, 12, 31))]
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
