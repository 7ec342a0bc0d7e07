"""The partner's stored item: the optional fields round-trip, and old items read as defaults."""

from __future__ import annotations

from dataclasses import replace

from inquiries.adapters.items import (
    from_item,
    partner_data,
    partner_from,
    partner_item,
    territory_item,
)

from tests.unit.fakes import a_partner


def test_the_optional_fields_round_trip_in_the_partner_and_territory_items() -> None:
    partner = replace(
        a_partner("P1", "39"),
        active=False,
        notify_emails=("sales@dealer.example", "office@dealer.example"),
        language="it",
    )
    for item in (partner_item(partner, 1), territory_item("IT", partner)):
        assert partner_from(from_item(item)["partner"]) == partner


def test_an_item_written_before_the_optional_fields_reads_as_the_defaults() -> None:
    partner = a_partner("P1", "39")
    old = {
        k: v
        for k, v in partner_data(partner).items()
        if k not in ("active", "notify_emails", "language")
    }
    read = partner_from(old)
    assert (read.active, read.notify_emails, read.language) == (True, (), "en")
    assert read == partner
