"""`GET /reports/response-times` through API Gateway v2 events, on moto's DynamoDB.

The offers are made and decided through the API while the clock moves, so the
report reads what the other functions really stored. Bolzano (IT-BZ) and Munich
(DE-BY) are UTC+1 in December; 8 December 2026 (a Tuesday) is a holiday in
Bolzano only.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
from botocore.client import BaseClient
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.adapters.keys import ROLLUP_SHARDS, rollup_pk
from inquiries.service.expiry import sweep
from inquiries.wiring import dependencies

from local.events import http_event, invoke, match
from tests.integration.conftest import Moto
from tests.support.api import call, hq, partner

BZ, BY = "P-BZ", "P-BY"
PERIOD = {"from": "2026-12-01", "to": "2026-12-09"}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def put_partner(partner_id: str, country: str, subdivision: str, timezone: str) -> None:
    answer = call(
        "PUT",
        f"/partners/{partner_id}",
        body={
            "name": f"Dealer {partner_id}",
            "country": country,
            "subdivision": subdivision,
            "timezone": timezone,
            "territories": [{"country": country, "postal_prefixes": ["9"]}],
        },
        claims=hq(),
    )
    assert answer.status == 200, answer.body


def submit(partner_id: str) -> str:
    """An inquiry from the partner's page on the website: offered to that partner at once."""
    answer = call(
        "POST",
        "/inquiries",
        body={
            "product": "windows",
            "contact": {
                "last_name": "Muster",
                "email": "prospect@example.org",
                "postal_code": "39100",
                "country": "IT",
            },
            "partner_id": partner_id,
            "consent": True,
        },
    )
    assert answer.status == 201, answer.body
    inquiry_id: str = answer.body["id"]
    return inquiry_id


def act(partner_id: str, inquiry_id: str, action: str, body: Any = None) -> None:
    answer = call(
        "POST", f"/inquiries/{inquiry_id}/{action}", body=body or {}, claims=partner(partner_id)
    )
    assert answer.status == 200, answer.body


@pytest.fixture
def api_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every AWS API call made from here on; a DynamoDB Scan fails the test at once."""
    calls: list[tuple[str, dict[str, Any]]] = []
    # botocore-stubs do not declare the private method every client call goes through.
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def recording(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "Scan" and self.meta.service_model.service_name == "dynamodb":
            raise AssertionError("the report must never Scan the table")
        calls.append((operation, params))
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return calls


@dataclass(frozen=True)
class History:
    """The table as the history left it, and the time it ended."""

    table: Any
    now: datetime


@pytest.fixture(scope="module")
def made(moto: Moto) -> History:
    """The history, made once for the module through the API (its 19 requests and the
    sweep were most of each test's set-up); each test gets a copy of the table."""
    table, now, _ = moto.made_once(_make_history)
    return History(table, now)


@pytest.fixture
def history(clock: FixedClock, moto: Moto, made: History) -> FixedClock:
    """Two partners, a fortnight of offers decided through the API; the clock at 10 Dec 00:00Z.

    P-BZ (Bolzano): A1 accepted after 3 h (progress 3 h later); A2 expired (swept);
    A3 offered Fri 16:00 local, accepted Wed 09:00 local across a weekend and a holiday:
    113 h, 41 working h (progress 0.5 h later); A4 withdrawn by HQ.
    P-BY (Munich): B0 offered at 00:00Z on the first day, rejected after 8 h; B1 accepted
    after 4 h, lost 1 h later; B2 and A4's second offer pending. A1 was contacted and won,
    A3 contacted. Outside the period: X0 (30 Nov) and A5 (10 Dec 00:00Z, the first instant
    after it).
    """
    moto.put_table(made.table)
    clock.set(made.now)
    return clock


def _make_history(clock: FixedClock) -> None:
    put_partner(BZ, "IT", "BZ", "Europe/Rome")
    put_partner(BY, "DE", "BY", "Europe/Berlin")

    clock.set(at(30, 23, month=11))
    submit(BY)  # X0: the day before the period
    clock.set(at(1, 0))
    b0 = submit(BY)
    clock.set(at(1, 8))
    a1, b1 = submit(BZ), submit(BY)
    act(BY, b0, "reject", {"reason": "no_capacity"})
    clock.set(at(1, 11))
    act(BZ, a1, "accept")
    clock.set(at(1, 12))
    act(BY, b1, "accept")
    clock.set(at(1, 13))
    act(BY, b1, "progress", {"step": "lost"})
    clock.set(at(1, 14))
    act(BZ, a1, "progress", {"step": "contacted"})
    clock.set(at(1, 15))
    act(BZ, a1, "progress", {"step": "contacted"})  # again: counts once
    act(BZ, a1, "progress", {"step": "won"})  # without recording the offer: it was sent
    submit(BZ)  # A2: deadline Thu 3 Dec 15:00 local
    clock.set(at(3, 15))
    assert sweep(wiring.dependencies()) == 2  # A2 and X0
    clock.set(at(4, 15))
    a3 = submit(BZ)  # deadline Wed 9 Dec 16:00 local (Tue 8 Dec is a holiday)
    clock.set(at(9, 8))
    act(BZ, a3, "accept")
    clock.set(at(9, 8, 30))
    act(BZ, a3, "progress", {"step": "contacted"})
    clock.set(at(9, 9))
    submit(BY)  # B2: deadline Fri 11 Dec 09:00Z
    a4 = submit(BZ)
    clock.set(at(9, 10))
    answer = call("POST", f"/inquiries/{a4}/assign", body={"partner_id": BY}, claims=hq())
    assert answer.status == 200, answer.body  # deadline Fri 11 Dec 10:00Z
    clock.set(at(10, 0))
    submit(BZ)  # A5: just after the period


ROW_BY = {
    "partner_id": BY,
    "assigned": 4,
    "accepted": 1,
    "rejected": 1,
    "expired": 0,
    "pending": 2,
    "acceptance_rate": 0.5,
    # [4, 8]: nearest ranks 1 and 2.
    "decision_hours": {"median": 4.0, "p90": 8.0, "max": 8.0},
    "decision_working_hours": {"median": 4.0, "p90": 8.0, "max": 8.0},
    "decided_in_time_rate": 1.0,
    "first_progress_hours": {"median": 1.0, "p90": 1.0, "max": 1.0},
    "outcomes": {"contacted": 0, "offer_sent": 0, "won": 0, "lost": 1},
    "win_rate": 0.0,
}
ROW_BZ = {
    "partner_id": BZ,
    "assigned": 4,
    "accepted": 2,
    "rejected": 0,
    "expired": 1,
    "pending": 0,
    "acceptance_rate": 0.667,
    # [3, 113]
    "decision_hours": {"median": 3.0, "p90": 113.0, "max": 113.0},
    # [3, 41]
    "decision_working_hours": {"median": 3.0, "p90": 41.0, "max": 41.0},
    "decided_in_time_rate": 0.667,
    # [0.5, 3]
    "first_progress_hours": {"median": 0.5, "p90": 3.0, "max": 3.0},
    # A1 won (so contacted, offer sent), A3 contacted.
    "outcomes": {"contacted": 2, "offer_sent": 1, "won": 1, "lost": 0},
    "win_rate": 1.0,
}
TOTAL = {
    "assigned": 8,
    "accepted": 3,
    "rejected": 1,
    "expired": 1,
    "pending": 2,
    "acceptance_rate": 0.6,
    # [3, 4, 8, 113]: ranks 2 and 4.
    "decision_hours": {"median": 4.0, "p90": 113.0, "max": 113.0},
    # [3, 4, 8, 41]
    "decision_working_hours": {"median": 4.0, "p90": 41.0, "max": 41.0},
    "decided_in_time_rate": 0.8,
    # [0.5, 1, 3]
    "first_progress_hours": {"median": 1.0, "p90": 3.0, "max": 3.0},
    "outcomes": {"contacted": 2, "offer_sent": 1, "won": 1, "lost": 1},
    "win_rate": 0.5,
}


def own_total(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "partner_id"}


def table_keys(queries: list[dict[str, Any]]) -> list[str]:
    """The partition keys of the queries on the table itself (not an index)."""
    return [
        q["ExpressionAttributeValues"][":pk"]["S"] for q in queries if q.get("IndexName") is None
    ]


def test_hq_gets_every_partner_and_the_total_from_rollups_never_a_scan(
    history: FixedClock, api_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    answer = call("GET", "/reports/response-times", query=PERIOD, claims=hq())

    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.body["from"] == "2026-12-01"
    assert answer.body["to"] == "2026-12-09"
    assert answer.body["partners"] == [ROW_BY, ROW_BZ]
    assert answer.body["total"] == TOTAL
    queries = [params for operation, params in api_calls if operation == "Query"]
    # The rollups of every partner, each shard once; never the offers themselves.
    rollup_keys = sorted(key for key in table_keys(queries) if key.startswith("ROLLUP#"))
    partners = sorted(p.id for p in dependencies().repository.list_partners())
    assert rollup_keys == sorted(
        rollup_pk(p, shard) for p in partners for shard in range(ROLLUP_SHARDS)
    )
    assert {q.get("IndexName") for q in queries} <= {None, "gsi2", "gsi4"}


def test_a_partner_sees_only_its_own_row(
    history: FixedClock, api_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    own = call("GET", "/reports/response-times", query=PERIOD, claims=partner(BZ))
    named = call(
        "GET", "/reports/response-times", query={**PERIOD, "partner_id": BZ}, claims=partner(BZ)
    )

    assert own.status == 200, own.body
    assert own.body["partners"] == [ROW_BZ]
    assert own.body["total"] == own_total(ROW_BZ)
    assert named.body == own.body
    queries = [params for operation, params in api_calls if operation == "Query"]
    rollup_keys = {key for key in table_keys(queries) if key.startswith("ROLLUP#")}
    assert rollup_keys == {rollup_pk(BZ, shard) for shard in range(ROLLUP_SHARDS)}
    assert {q.get("IndexName") for q in queries} <= {None, "gsi4"}


def test_hq_may_ask_for_one_partner(history: FixedClock) -> None:
    answer = call("GET", "/reports/response-times", query={**PERIOD, "partner_id": BY}, claims=hq())

    assert answer.status == 200, answer.body
    assert answer.body["partners"] == [ROW_BY]
    assert answer.body["total"] == own_total(ROW_BY)


def test_pending_is_as_of_now_an_overdue_offer_is_expired_before_any_sweep(
    history: FixedClock,
) -> None:
    history.set(at(11, 9, 30))  # past B2's deadline (09:00Z), before A4's (10:00Z)

    answer = call("GET", "/reports/response-times", query=PERIOD, claims=partner(BY))

    row = answer.body["partners"][0]
    assert (row["pending"], row["expired"]) == (1, 1)
    assert row["acceptance_rate"] == 0.333
    assert row["decided_in_time_rate"] == 0.667


def test_the_period_is_whole_utc_days(history: FixedClock) -> None:
    first_day = call(
        "GET",
        "/reports/response-times",
        query={"from": "2026-12-01", "to": "2026-12-01"},
        claims=hq(),
    )
    across_months = call(
        "GET",
        "/reports/response-times",
        query={"from": "2026-11-30", "to": "2026-12-10"},
        claims=hq(),
    )
    partner_across = call(
        "GET",
        "/reports/response-times",
        query={"from": "2026-11-30", "to": "2026-12-10"},
        claims=partner(BY),
    )
    empty = call(
        "GET",
        "/reports/response-times",
        query={"from": "2026-12-11", "to": "2026-12-31"},
        claims=hq(),
    )

    # 1 Dec: B0 (00:00Z), A1, B1, A2.
    assert first_day.body["total"]["assigned"] == 4
    assert {r["partner_id"]: r["assigned"] for r in first_day.body["partners"]} == {BY: 2, BZ: 2}
    # X0 (30 Nov, in the November partition) and A5 (10 Dec) join in.
    assert across_months.body["total"]["assigned"] == 10
    assert across_months.body["total"]["expired"] == 2
    assert partner_across.body["partners"][0]["assigned"] == 5
    assert empty.status == 200
    assert empty.body["partners"] == []
    assert empty.body["total"]["assigned"] == 0
    assert empty.body["total"]["acceptance_rate"] is None


def read_csv(text: str) -> list[dict[str, str]]:
    """The rows as a spreadsheet program set to German reads them."""
    assert text.startswith("\ufeff"), "no byte order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_for_spreadsheets(history: FixedClock) -> None:
    answer = call("GET", "/reports/response-times", query={**PERIOD, "format": "csv"}, claims=hq())

    assert answer.status == 200, answer.text
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="response-times-2026-12-01-2026-12-09.csv"'
    )
    assert answer.text.encode("utf-8")[:3] == b"\xef\xbb\xbf"
    rows = read_csv(answer.text)
    assert [r["partner_id"] for r in rows] == [BY, BZ, "total"]
    by, bz, total = rows
    assert by["pending"] == "2"
    assert by["outcomes_lost"] == "1"
    assert by["win_rate"] == "0,0"
    assert bz["acceptance_rate"] == "0,667"
    assert bz["decision_working_hours_max"] == "41,0"
    assert bz["first_progress_hours_median"] == "0,5"
    assert bz["outcomes_offer_sent"] == "1"
    assert total["assigned"] == "8"
    assert total["decision_hours_p90"] == "113,0"
    assert total["win_rate"] == "0,5"


def test_the_csv_leaves_series_to_json_and_the_workbook(history: FixedClock) -> None:
    plain = call("GET", "/reports/response-times", query={**PERIOD, "format": "csv"}, claims=hq())
    weekly = call(
        "GET",
        "/reports/response-times",
        query={**PERIOD, "format": "csv", "interval": "week"},
        claims=hq(),
    )

    assert weekly.status == 200
    assert weekly.text == plain.text


def test_a_partner_csv_has_its_row_and_the_total(history: FixedClock) -> None:
    answer = call(
        "GET", "/reports/response-times", query={**PERIOD, "format": "csv"}, claims=partner(BZ)
    )

    rows = list(csv.reader(io.StringIO(answer.text.removeprefix("\ufeff")), delimiter=";"))
    assert [r[0] for r in rows] == ["partner_id", BZ, "total"]
    assert rows[1][1:] == rows[2][1:]


EMPTY_WEEK = {
    "assigned": 0,
    "accepted": 0,
    "rejected": 0,
    "expired": 0,
    "decision_hours": {"median": None, "p90": None, "max": None},
}


def test_weekly_series_in_json(history: FixedClock) -> None:
    answer = call(
        "GET", "/reports/response-times", query={**PERIOD, "interval": "week"}, claims=hq()
    )

    assert answer.status == 200, answer.body
    by, bz = answer.body["partners"]
    # 1-9 December: ISO weeks 49 (30 Nov - 6 Dec) and 50 (7-13 Dec).
    assert by["series"] == [
        {"period": "2026-W49", "assigned": 2, "accepted": 1, "rejected": 1, "expired": 0,
         "decision_hours": {"median": 4.0, "p90": 8.0, "max": 8.0}},
        {"period": "2026-W50", **EMPTY_WEEK, "assigned": 2},  # B2 and A4, pending
    ]  # fmt: skip
    assert bz["series"] == [
        {"period": "2026-W49", "assigned": 3, "accepted": 2, "rejected": 0, "expired": 1,
         "decision_hours": {"median": 3.0, "p90": 113.0, "max": 113.0}},
        {"period": "2026-W50", **EMPTY_WEEK, "assigned": 1},  # A4, withdrawn
    ]  # fmt: skip
    assert answer.body["total"]["series"] == [
        {"period": "2026-W49", "assigned": 5, "accepted": 3, "rejected": 1, "expired": 1,
         "decision_hours": {"median": 4.0, "p90": 113.0, "max": 113.0}},
        {"period": "2026-W50", **EMPTY_WEEK, "assigned": 3},
    ]  # fmt: skip
    # The rest of each row is the report without an interval.
    assert {k: v for k, v in by.items() if k != "series"} == ROW_BY
    assert {k: v for k, v in answer.body["total"].items() if k != "series"} == TOTAL


def test_daily_series_of_a_partner_has_every_day_empty_ones_included(history: FixedClock) -> None:
    answer = call(
        "GET", "/reports/response-times", query={**PERIOD, "interval": "day"}, claims=partner(BZ)
    )

    assert answer.status == 200, answer.body
    series = answer.body["partners"][0]["series"]
    assert [e["period"] for e in series] == [f"2026-12-0{d}" for d in range(1, 10)]
    assert [e["assigned"] for e in series] == [2, 0, 0, 1, 0, 0, 0, 0, 1]
    assert series[1] == {"period": "2026-12-02", **EMPTY_WEEK}
    assert answer.body["total"]["series"] == series


def test_monthly_series_over_a_year_boundary(history: FixedClock) -> None:
    answer = call(
        "GET",
        "/reports/response-times",
        query={"from": "2026-11-15", "to": "2027-01-15", "interval": "month"},
        claims=hq(),
    )

    assert answer.status == 200, answer.body
    series = answer.body["total"]["series"]
    assert [e["period"] for e in series] == ["2026-11", "2026-12", "2027-01"]
    # X0 on 30 Nov (expired); December: the eight of the period and A5.
    assert [(e["assigned"], e["expired"]) for e in series] == [(1, 1), (9, 1), (0, 0)]


def test_a_quick_decision_reads_in_hundredths_of_an_hour(clock: FixedClock) -> None:
    put_partner(BY, "DE", "BY", "Europe/Berlin")
    clock.set(at(1, 9))
    quick = submit(BY)
    clock.set(at(1, 9, 2))  # two minutes: 0.033 h
    act(BY, quick, "accept")
    clock.set(at(1, 9, 3))  # and one more to the first call
    act(BY, quick, "progress", {"step": "contacted"})

    answer = call("GET", "/reports/response-times", query=PERIOD, claims=hq())

    row = answer.body["partners"][0]
    assert row["decision_hours"] == {"median": 0.03, "p90": 0.03, "max": 0.03}
    assert row["first_progress_hours"] == {"median": 0.02, "p90": 0.02, "max": 0.02}


# --- the workbook --------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(query: dict[str, str], claims: dict[str, str]) -> tuple[dict[str, Any], bytes]:
    """The raw Lambda answer (as API Gateway gets it) and the decoded workbook bytes."""
    found = match("GET", "/reports/response-times")
    assert found is not None
    route, params = found
    event = http_event(
        route,
        path="/reports/response-times",
        path_parameters=params,
        query=urlencode({**query, "format": "xlsx"}),
        headers={},
        body=None,
        claims=claims,
    )
    raw = invoke(route.function, event)
    return raw, base64.b64decode(raw["body"]) if raw.get("isBase64Encoded") else b""


def flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out |= flat(value, f"{prefix}{key}_")
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def test_the_workbook_has_the_csv_columns_with_numbers_as_numbers(history: FixedClock) -> None:
    raw, data = workbook_of({**PERIOD, "interval": "week"}, hq())
    report = call(
        "GET", "/reports/response-times", query={**PERIOD, "interval": "week"}, claims=hq()
    ).body
    csv_header = next(
        iter(
            csv.reader(
                io.StringIO(
                    call(
                        "GET",
                        "/reports/response-times",
                        query={**PERIOD, "format": "csv"},
                        claims=hq(),
                    ).text.removeprefix("\ufeff")
                ),
                delimiter=";",
            )
        )
    )

    assert raw["statusCode"] == 200
    assert raw["headers"]["Content-Type"] == XLSX
    assert raw["headers"]["Content-Disposition"] == (
        'attachment; filename="response-times-2026-12-01-2026-12-09.xlsx"'
    )
    assert raw["isBase64Encoded"] is True
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Response times", "Series"]
    sheet = book["Response times"]
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert cells[0] == csv_header
    assert len(cells) == 4  # header, P-BY, P-BZ, total
    # Cell by cell, the JSON answer: numbers as numbers, null as an empty cell.
    expected = [flat(row) for row in report["partners"]] + [
        flat({"partner_id": "total", **report["total"]})
    ]
    for line, row in zip(cells[1:], expected, strict=True):
        assert line == [row[name] for name in csv_header]
    by = dict(zip(csv_header, cells[1], strict=True))
    assert by["partner_id"] == BY
    assert by["assigned"] == 4 and isinstance(by["assigned"], int)
    assert by["acceptance_rate"] == 0.5
    assert by["decision_hours_p90"] == 8.0
    assert by["win_rate"] == 0.0
    assert by["first_progress_hours_p90"] == 1.0
    total = dict(zip(csv_header, cells[3], strict=True))
    assert total["partner_id"] == "total"
    assert total["outcomes_contacted"] == 2
    assert total["decision_working_hours_max"] == 41.0
    # Shown as a spreadsheet user expects: rates as percentages, hours with two decimals.
    column = {name: index + 1 for index, name in enumerate(csv_header)}
    assert sheet.cell(2, column["acceptance_rate"]).number_format == "0.0%"
    assert sheet.cell(2, column["decision_hours_median"]).number_format == "0.00"
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(1, 1).font.b
    for letter in ("A", "G", "V"):
        assert sheet.column_dimensions[letter].width >= 8
    assert sheet.column_dimensions["H"].width >= len("decision_hours_median")
    # The series: a row per partner and week, then the total's.
    series = [[cell.value for cell in line] for line in book["Series"].iter_rows()]
    assert series[0] == [
        "partner_id", "period", "assigned", "accepted", "rejected", "expired",
        "decision_hours_median", "decision_hours_p90", "decision_hours_max",
    ]  # fmt: skip
    assert series[1:] == [
        [BY, "2026-W49", 2, 1, 1, 0, 4.0, 8.0, 8.0],
        [BY, "2026-W50", 2, 0, 0, 0, None, None, None],
        [BZ, "2026-W49", 3, 2, 0, 1, 3.0, 113.0, 113.0],
        [BZ, "2026-W50", 1, 0, 0, 0, None, None, None],
        ["total", "2026-W49", 5, 3, 1, 1, 4.0, 113.0, 113.0],
        ["total", "2026-W50", 3, 0, 0, 0, None, None, None],
    ]
    assert book["Series"].freeze_panes == "A2"


def test_a_workbook_without_interval_has_one_sheet_and_a_partner_only_its_row(
    history: FixedClock,
) -> None:
    raw, data = workbook_of(PERIOD, partner(BZ))

    assert raw["statusCode"] == 200
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Response times"]
    assert [line[0].value for line in book.active.iter_rows()] == ["partner_id", BZ, "total"]


def test_a_partner_asking_for_another_partners_workbook_is_forbidden(clock: FixedClock) -> None:
    raw, data = workbook_of({**PERIOD, "partner_id": BY}, partner(BZ))

    assert raw["statusCode"] == 403
    assert data == b""
    assert "message" in json.loads(raw["body"])


def test_the_report_function_loads_the_workbook_library_only_for_a_workbook() -> None:
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, functions.report.app; "
        "print('xlsxwriter' in sys.modules, 'inquiries.adapters.workbook' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{root / 'layers/common/python'}"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=root
    )

    assert done.stdout.split() == ["False", "False"]


def test_a_partner_asking_for_another_partner_is_forbidden(clock: FixedClock) -> None:
    answer = call(
        "GET", "/reports/response-times", query={**PERIOD, "partner_id": BY}, claims=partner(BZ)
    )
    # Who may see what comes before the query's validation.
    invalid_too = call(
        "GET", "/reports/response-times", query={"partner_id": BY}, claims=partner(BZ)
    )

    assert answer.status == 403
    assert "message" in answer.body
    assert invalid_too.status == 403


def test_a_partner_naming_itself_twice_is_told_of_the_repetition(clock: FixedClock) -> None:
    """Not 403: it named nobody else; a repeated parameter is 422, as for HQ."""
    period = list(PERIOD.items())
    twice = call(
        "GET",
        "/reports/response-times",
        query=[*period, ("partner_id", BZ), ("partner_id", BZ)],
        claims=partner(BZ),
    )
    with_another = call(
        "GET",
        "/reports/response-times",
        query=[*period, ("partner_id", BZ), ("partner_id", BY)],
        claims=partner(BZ),
    )

    assert twice.status == 422, twice.text
    assert twice.body["message"] == "query parameter given more than once: partner_id"
    assert with_another.status == 403, with_another.text


@pytest.mark.parametrize(
    ("first", "last", "status"),
    [
        ("2026-01-01", "2026-12-31", 200),  # 365 days
        ("2028-01-01", "2028-12-31", 200),  # a leap year: 366
        ("2026-03-01", "2027-03-01", 200),  # 366 days, both counted
        ("2026-03-01", "2027-03-02", 422),  # 367
        ("2026-01-01", "2027-01-03", 422),
    ],
)
def test_a_period_covers_at_most_366_days(
    clock: FixedClock, first: str, last: str, status: int
) -> None:
    answer = call("GET", "/reports/response-times", query={"from": first, "to": last}, claims=hq())

    assert answer.status == status, answer.text
    if status == 422:
        assert answer.body["fields"] == ["from", "to"]
        assert {e["msg"] for e in answer.body["errors"]} == {
            "Value error, the period covers more than 366 days"
        }


def test_no_token_is_401(clock: FixedClock) -> None:
    answer = call("GET", "/reports/response-times", query=PERIOD)

    assert answer.status == 401
    assert answer.headers.get("WWW-Authenticate") == "Bearer"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"to": "2026-12-09"}, "from"),
        ({"from": "2026-12-01"}, "to"),
        ({"from": "2026-12-09", "to": "2026-12-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-12-09"}, "from"),
        ({"from": "yesterday", "to": "2026-12-09"}, "from"),
        ({"from": "0", "to": "86400"}, "from"),
        ({"from": "2026-11-29T00:00:00+05:00", "to": "2026-12-09"}, "from"),
        ({"from": "2026-12-01", "to": "2026-12-09T00:00:00Z"}, "to"),
        ({**PERIOD, "format": "pdf"}, "format"),
        ({**PERIOD, "interval": "year"}, "interval"),
        ({**PERIOD, "interval": ""}, "interval"),
        ({**PERIOD, "partner_id": "no/such id"}, "partner_id"),
    ],
)
def test_bad_queries_are_422_with_the_fields_at_fault(
    clock: FixedClock, query: dict[str, str], field: str
) -> None:
    answer = call("GET", "/reports/response-times", query=query, claims=hq())

    assert answer.status == 422, answer.body
    assert field in answer.body["fields"]


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("0", "not a date as YYYY-MM-DD"),
        ("86400", "not a date as YYYY-MM-DD"),
        ("20261130", "not a date as YYYY-MM-DD"),
        ("2026-12-1", "not a date as YYYY-MM-DD"),
        ("2026-12-01T00:00:00Z", "not a date as YYYY-MM-DD"),
        ("2026-W49-1", "not a date as YYYY-MM-DD"),
        ("2026-02-29", "not a day of the calendar (YYYY-MM-DD)"),
        ("2026-12-32", "not a day of the calendar (YYYY-MM-DD)"),
    ],
)
def test_a_day_is_yyyy_mm_dd_and_a_refused_one_is_told_so(
    clock: FixedClock, day: str, says: str
) -> None:
    answer = call(
        "GET", "/reports/response-times", query={"from": day, "to": "2026-12-31"}, claims=hq()
    )

    assert answer.status == 422, answer.body
    assert answer.body["fields"] == ["from"]
    assert [e["msg"] for e in answer.body["errors"]] == [f"Value error, {says}"]
