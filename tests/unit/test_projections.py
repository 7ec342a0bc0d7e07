"""What the indexes that project only some attributes must carry (adapters/table.py).

The lists read their rows from the table, but the address book (gsi1) and the partners
(gsi2) are read from the index entries, and the list filters are checked on them: an
attribute missing from a projection would silently drop a field or a filter.
"""

from __future__ import annotations

from inquiries.adapters.contacts import contact_put_item
from inquiries.adapters.items import contact_item, partner_item
from inquiries.adapters.lists import hq_listing, inbox_listing
from inquiries.adapters.table import INDEXES, PARTITION_KEY, SORT_KEY
from inquiries.domain.contacts import PartnerContact, Source
from inquiries.domain.model import Calendar, Channel, Contact, Partner, ReturnReason, Status
from inquiries.service.ports import ListFilter

BY_NAME = {index.name: index for index in INDEXES}


def _projected(index_name: str) -> set[str]:
    index = BY_NAME[index_name]
    keys = {PARTITION_KEY, SORT_KEY, index.partition_key, index.sort_key}
    if index.include is None:
        raise AssertionError(f"{index_name} projects everything")
    return keys | set(index.include)


def test_a_contact_of_the_address_book_is_whole_in_its_gsi1_entry() -> None:
    person = Contact("Anna", "Rossi", "anna@example.com", "+39 0471 1", "Via Roma 1", "39100")
    imported = PartnerContact(
        "c2", "Rossi", "IT", first_name="Anna", email="anna@example.com", source=Source.IMPORT
    )
    for item in (
        contact_item("alpin-bz", "c1", person, "inq-1"),
        contact_put_item("alpin-bz", imported),
    ):
        assert set(item) - {"type"} <= _projected("gsi1")


def test_a_partner_is_whole_in_its_gsi2_entry() -> None:
    partner = Partner("alpin-bz", "Alpin", Calendar("IT", "BZ", "Europe/Rome"), ())
    assert {"partner"} <= set(partner_item(partner, 1)) & _projected("gsi2")


def test_every_list_filter_is_checked_on_an_attribute_its_index_holds() -> None:
    listings = [inbox_listing("alpin-bz", status) for status in (None, *Status)]
    for status in (None, *Status):
        for channel in (None, *Channel):
            for reason in (None, *ReturnReason):
                for partner_id in (None, "alpin-bz"):
                    listings.append(
                        hq_listing(
                            ListFilter(
                                status=status,
                                partner_id=partner_id,
                                channel=channel,
                                return_reason=reason,
                            )
                        )
                    )
    for listing in listings:
        assert listing.fetch  # the rows are read from the table
        assert set(listing.names.values()) <= _projected(listing.index), listing
