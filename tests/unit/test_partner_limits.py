"""The partner limits: what one change can store, counted before the store is asked."""

from __future__ import annotations

import pytest
from inquiries.domain.errors import ValidationFailed
from inquiries.domain.model import Calendar, Partner, Territory
from inquiries.domain.partner_limits import check_storable, partner_bytes

CALENDAR = Calendar(country="IT", timezone="Europe/Rome", subdivision="BZ")


def partner(countries: list[str], prefixes: int = 1, width: int = 5) -> Partner:
    return Partner(
        id="p",
        name="Fenster",
        calendar=CALENDAR,
        territories=tuple(
            Territory(c, tuple(f"{n:0{width}d}" for n in range(prefixes))) for c in countries
        ),
    )


def codes(count: int, start: int = 0) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [letters[n // 26] + letters[n % 26] for n in range(start, start + count)]


def test_99_countries_fit_and_100_do_not() -> None:
    check_storable(partner(codes(99)), replacing=None)
    with pytest.raises(ValidationFailed) as raised:
        check_storable(partner(codes(100)), replacing=None)
    assert raised.value.errors[0]["loc"] == ["body", "territories"]
    assert "at most 99 countries, not 100" in raised.value.message


def test_countries_dropped_count_as_writes_and_shared_ones_do_not() -> None:
    old = partner(codes(50))
    check_storable(partner(codes(49, start=50)), replacing=old)  # 1 + 49 + 50 = 100
    check_storable(partner(codes(50, start=25)), replacing=old)  # 1 + 50 + 25 = 76
    with pytest.raises(ValidationFailed) as raised:
        check_storable(partner(codes(50, start=50)), replacing=old)  # 101
    assert "takes 101 writes" in raised.value.message


def test_the_same_country_twice_is_one_copy() -> None:
    twice = Partner(
        id="p",
        name="Fenster",
        calendar=CALENDAR,
        territories=tuple(Territory("IT", ("39",)) for _ in range(150)),
    )
    check_storable(twice, replacing=None)


def test_size_counts_every_copy_of_the_partner() -> None:
    one = partner(codes(1), prefixes=10_000, width=8)  # ~110 KB, stored twice: fits
    check_storable(one, replacing=None)
    many = partner(codes(40), prefixes=250, width=8)  # ~110 KB, stored 41 times: 4.5 MB
    with pytest.raises(ValidationFailed) as raised:
        check_storable(many, replacing=None)
    assert "use fewer, shorter prefixes" in raised.value.message
    assert f"{partner_bytes(many):,} bytes" in raised.value.message


def test_one_copy_over_the_item_limit_is_refused_even_alone() -> None:
    with pytest.raises(ValidationFailed):
        check_storable(partner(codes(1), prefixes=30_000, width=10), replacing=None)


def test_the_size_over_counts_the_stored_prefixes() -> None:
    # Each 8-digit prefix is 8 bytes in DynamoDB (plus a byte of list overhead); JSON: 11.
    assert partner_bytes(partner(codes(1), prefixes=1000, width=8)) >= 1000 * 9
