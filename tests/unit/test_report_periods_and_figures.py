"""The report's arithmetic: periods of a series, nearest-rank percentiles, rounding, outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from inquiries.domain.model import Outcome, ProgressStep
from inquiries.domain.report.figures import percentile, rate, rounded_hours, spread
from inquiries.domain.report.outcomes import reached
from inquiries.domain.report.periods import Interval, period_of, periods
from inquiries.domain.report.tally import Tally

# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2026, 12, 1), "2026-W49"),
        (date(2026, 12, 28), "2026-W53"),  # 2026 starts on a Thursday: 53 ISO weeks
        (date(2027, 1, 3), "2026-W53"),  # a Sunday of 2027 in the last week of 2026
        (date(2027, 1, 4), "2027-W01"),
        (date(2024, 12, 30), "2025-W01"),  # a Monday of 2024 in the first week of 2025
        (date(2025, 12, 29), "2026-W01"),
        (date(2021, 1, 3), "2020-W53"),
    ],
)
def test_weeks_are_iso_weeks_named_by_the_iso_week_year(day: date, week: str) -> None:
    assert period_of(day, Interval.WEEK) == week


def test_days_and_months_are_named_as_dates() -> None:
    assert period_of(date(2026, 3, 7), Interval.DAY) == "2026-03-07"
    assert period_of(date(2026, 3, 7), Interval.MONTH) == "2026-03"


def test_weeks_over_a_year_boundary_appear_once_each() -> None:
    assert periods(date(2026, 12, 24), date(2027, 1, 12), Interval.WEEK) == [
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]
    assert periods(date(2024, 12, 25), date(2025, 1, 6), Interval.WEEK) == [
        "2024-W52",
        "2025-W01",
        "2025-W02",
    ]


def test_periods_cover_first_to_last_cut_short_at_both_ends() -> None:
    # Wednesday to the following Monday: the weeks holding both ends.
    assert periods(date(2026, 12, 2), date(2026, 12, 7), Interval.WEEK) == ["2026-W49", "2026-W50"]
    assert periods(date(2026, 11, 30), date(2027, 2, 1), Interval.MONTH) == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert periods(date(2026, 12, 31), date(2027, 1, 2), Interval.DAY) == [
        "2026-12-31",
        "2027-01-01",
        "2027-01-02",
    ]
    assert periods(date(2026, 12, 9), date(2026, 12, 9), Interval.WEEK) == ["2026-W50"]


def test_a_leap_year_by_day_has_366_periods_each_named_once() -> None:
    days = periods(date(2028, 1, 1), date(2028, 12, 31), Interval.DAY)

    assert len(days) == len(set(days)) == 366
    assert "2028-02-29" in days


# --- rounding and percentiles ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [
        (0, 0.0),
        (17, 0.0),  # 0.0047 h
        (18, 0.01),  # 0.005 h, half up
        (36, 0.01),
        (90, 0.03),  # 0.025 h, half up (not to even)
        (20 * 60, 0.33),
        (40 * 60, 0.67),
        (3 * 3600 + 27, 3.01),
    ],
)
def test_hours_round_half_up_to_a_hundredth(seconds: int, hours: float) -> None:
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    stop = start + timedelta(seconds=seconds)

    assert spread([(stop - start).total_seconds() / 3600])["max"] == hours


def test_quick_decisions_do_not_all_read_zero() -> None:
    # One, two and five minutes.
    assert spread([1 / 60, 2 / 60, 5 / 60]) == {"median": 0.03, "p90": 0.08, "max": 0.08}


def test_rounding_keeps_what_the_float_means() -> None:
    assert rounded_hours(2.675) == 2.68  # round() gives 2.67: the float is 2.67499999...
    assert rounded_hours(113.0) == 113.0


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([7.0], 50, 7.0),
        ([7.0], 90, 7.0),
        ([4.0, 1.0], 50, 1.0),  # rank ceil(1.0) = 1
        ([4.0, 1.0], 90, 4.0),  # rank ceil(1.8) = 2
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90, 9.0),  # rank exactly 9
        ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 50, 5.0),
        ([10.0, 1.0, 3.0], 50, 3.0),  # rank ceil(1.5) = 2
        ([10.0, 1.0, 3.0], 90, 10.0),
        ([float(n) for n in range(1, 21)], 90, 18.0),  # rank 18, not 19 by float error
        ([float(n) for n in range(1, 31)], 90, 27.0),
    ],
)
def test_percentile_is_the_nearest_rank(values: list[float], percent: int, expected: float) -> None:
    assert percentile(values, percent) == expected


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_spread_is_null_without_data() -> None:
    assert spread([]) == {"median": None, "p90": None, "max": None}


def test_rates_round_half_up_to_a_thousandth_and_are_null_without_a_whole() -> None:
    assert rate(2, 3) == 0.667
    assert rate(1, 16) == 0.063  # 0.0625
    assert rate(0, 4) == 0.0
    assert rate(0, 0) is None


# --- outcomes ----------------------------------------------------------------------------------


def test_a_step_implies_the_steps_on_the_way_to_a_sale() -> None:
    assert reached([ProgressStep.WON]) == {
        ProgressStep.CONTACTED,
        ProgressStep.OFFER_SENT,
        ProgressStep.WON,
    }
    assert reached([ProgressStep.OFFER_SENT]) == {ProgressStep.CONTACTED, ProgressStep.OFFER_SENT}
    assert reached([ProgressStep.LOST]) == {ProgressStep.LOST}
    assert reached([ProgressStep.CONTACTED, ProgressStep.LOST]) == {
        ProgressStep.CONTACTED,
        ProgressStep.LOST,
    }
    assert reached([]) == frozenset()


def test_outcomes_count_accepted_offers_only_and_win_rate_is_won_over_won_and_lost() -> None:
    tally = Tally()
    tally.add(Outcome.ACCEPTED, recorded_steps=[ProgressStep.WON])
    tally.add(Outcome.ACCEPTED, recorded_steps=[ProgressStep.CONTACTED, ProgressStep.CONTACTED])
    tally.add(Outcome.ACCEPTED, recorded_steps=[ProgressStep.CONTACTED, ProgressStep.LOST])
    tally.add(Outcome.ACCEPTED, recorded_steps=[ProgressStep.LOST])
    tally.add(Outcome.ACCEPTED)
    tally.add(Outcome.REJECTED, recorded_steps=[ProgressStep.WON])  # not possible; not counted

    row = tally.row()

    assert row["outcomes"] == {"contacted": 3, "offer_sent": 1, "won": 1, "lost": 2}
    assert row["win_rate"] == 0.333


def test_win_rate_is_null_while_nothing_is_won_or_lost() -> None:
    tally = Tally()
    tally.add(Outcome.ACCEPTED, recorded_steps=[ProgressStep.OFFER_SENT])

    assert tally.row()["win_rate"] is None
    assert Tally().row()["win_rate"] is None


def test_merged_tallies_give_the_figures_of_all_their_offers() -> None:
    first, second = Tally(), Tally()
    first.add(Outcome.ACCEPTED, decision_hours=1.0, recorded_steps=[ProgressStep.WON])
    second.add(Outcome.REJECTED, decision_hours=5.0)
    second.add(Outcome.WITHDRAWN)
    together = Tally()
    for decided, hours in ((Outcome.ACCEPTED, 1.0), (Outcome.REJECTED, 5.0)):
        together.add(
            decided,
            decision_hours=hours,
            recorded_steps=[ProgressStep.WON] if decided is Outcome.ACCEPTED else [],
        )
    together.add(Outcome.WITHDRAWN)

    assert Tally.of([first, second]).row() == together.row()
    assert Tally.of([first, second]).row()["assigned"] == 3
