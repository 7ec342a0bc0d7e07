"""`GET /reports/response-times` through API Gateway v2 events, on moto's DynamoDB.

The offers are made and decided through the API while the clock moves, so the
report reads what the other functions really stored. Bolzano (IT-BZ) and Munich
(DE-BY) are UTC+1 in December; 8 December 2026 (a Tuesday) is a holiday in
Bolzano only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.client import BaseClient
from inquiries import wiring
from inquiries.adapters.clock import FixedClock
from inquiries.service.expiry import sweep

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


@pytest.fixture
def history(clock: FixedClock) -> Iterator[FixedClock]:
    """Two partners, a fortnight of offers decided through the API; the clock at 10 Dec 00:00Z.

    P-BZ (Bolzano): A1 accepted after 3 h (progress 3 h later); A2 expired (swept);
    A3 offered Fri 16:00 local, accepted Wed 09:00 local across a weekend and a holiday:
    113 h, 41 working h (progress 0.5 h later); A4 withdrawn by HQ.
    P-BY (Munich): B0 offered at 00:00Z on the first day, rejected after 8 h; B1 accepted
    after 4 h; B2 and A4's second offer pending. Outside the period: X0 (30 Nov) and
    A5 (10 Dec 00:00Z, the first instant after it).
    """
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
    clock.set(at(1, 14))
    act(BZ, a1, "progress", {"step": "contacted"})
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
    yield clock


ROW_BY = {
    "partner_id": BY,
    "assigned": 4,
    "accepted": 1,
    "rejected": 1,
    "expired": 0,
    "pending": 2,
    "acceptance_rate": 0.5,
    # [4, 8]
    "decision_hours": {"median": 6.0, "p90": 7.6, "max": 8.0},
    "decision_working_hours": {"median": 6.0, "p90": 7.6, "max": 8.0},
    "decided_in_time_rate": 1.0,
    "first_progress_hours": {"median": None, "p90": None, "max": None},
}
ROW_BZ = {
    "partner_id": BZ,
    "assigned": 4,
    "accepted": 2,
    "rejected": 0,
    "expired": 1,
    "pending": 0,
    "acceptance_rate": 0.667,
    # [3, 113]: 58; 3 + 0.9 * 110.
    "decision_hours": {"median": 58.0, "p90": 102.0, "max": 113.0},
    # [3, 41]: 22; 3 + 0.9 * 38.
    "decision_working_hours": {"median": 22.0, "p90": 37.2, "max": 41.0},
    "decided_in_time_rate": 0.667,
    # [0.5, 3]
    "first_progress_hours": {"median": 1.75, "p90": 2.75, "max": 3.0},
}
TOTAL = {
    "assigned": 8,
    "accepted": 3,
    "rejected": 1,
    "expired": 1,
    "pending": 2,
    "acceptance_rate": 0.6,
    # [3, 4, 8, 113]: ranks 1.5 and 2.7.
    "decision_hours": {"median": 6.0, "p90": 81.5, "max": 113.0},
    # [3, 4, 8, 41]
    "decision_working_hours": {"median": 6.0, "p90": 31.1, "max": 41.0},
    "decided_in_time_rate": 0.8,
    "first_progress_hours": {"median": 1.75, "p90": 2.75, "max": 3.0},
}


def own_total(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "partner_id"}


def test_hq_gets_every_partner_and_the_total_from_the_index_never_a_scan(
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
    assert queries
    assert {q.get("IndexName") for q in queries} == {"gsi3"}


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
    assert {q.get("IndexName") for q in queries} == {"gsi1"}


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


def test_csv_for_spreadsheets(history: FixedClock) -> None:
    answer = call("GET", "/reports/response-times", query={**PERIOD, "format": "csv"}, claims=hq())

    assert answer.status == 200, answer.text
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="response-times-2026-12-01-2026-12-09.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["partner_id"] for r in rows] == [BY, BZ, "total"]
    by, bz, total = rows
    assert by["pending"] == "2"
    assert by["first_progress_hours_median"] == ""
    assert bz["acceptance_rate"] == "0.667"
    assert bz["decision_working_hours_max"] == "41.0"
    assert total["assigned"] == "8"
    assert total["decision_hours_p90"] == "81.5"


def test_a_partner_csv_has_its_row_and_the_total(history: FixedClock) -> None:
    answer = call(
        "GET", "/reports/response-times", query={**PERIOD, "format": "csv"}, claims=partner(BZ)
    )

    rows = list(csv.reader(io.StringIO(answer.text)))
    assert [r[0] for r in rows] == ["partner_id", BZ, "total"]
    assert rows[1][1:] == rows[2][1:]


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
        ({**PERIOD, "format": "xlsx"}, "format"),
        ({**PERIOD, "partner_id": "no/such id"}, "partner_id"),
    ],
)
def test_bad_queries_are_422_with_the_fields_at_fault(
    clock: FixedClock, query: dict[str, str], field: str
) -> None:
    answer = call("GET", "/reports/response-times", query=query, claims=hq())

    assert answer.status == 422, answer.body
    assert field in answer.body["fields"]
