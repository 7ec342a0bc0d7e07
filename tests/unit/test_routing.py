"""Automatic assignment: which partner a new inquiry goes to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from inquiries.domain.model import Channel, Partner, Status
from inquiries.domain.routing import choose_partner, normalise_postal_code
from inquiries.service.intake import Submission, submit

from tests.unit.fakes import a_contact, a_partner, fake_dependencies


def no_pending(_: str) -> int:
    return 0


def route(
    partners: list[Partner],
    *,
    postal_code: str = "39100",
    country: str = "IT",
    product: str = "windows",
    pending_count: Callable[[str], int] = no_pending,
    excluded: frozenset[str] = frozenset(),
) -> str | None:
    chosen = choose_partner(
        partners,
        product=product,
        country=country,
        postal_code=postal_code,
        pending_count=pending_count,
        excluded=excluded,
    )
    return chosen.id if chosen else None


# --- the dealer's page comes first (in the service) -----------------------------------------


def test_a_dealer_page_inquiry_goes_to_that_dealer_whatever_the_territory() -> None:
    dealer = a_partner("DEALER", "80", country="DE", products=["shading"])
    local = a_partner("LOCAL", "391")
    fakes = fake_dependencies(partners=[dealer, local])
    submitted = submit(
        fakes.deps, Submission("windows", a_contact(postal_code="39100"), partner_id="DEALER")
    )
    record = fakes.repository.load(submitted.inquiry_id)
    assert record is not None
    assert (record.inquiry.status, record.inquiry.partner_id) == (Status.PENDING, "DEALER")
    assert record.inquiry.channel is Channel.DEALER_PAGE
    assert fakes.repository.pending_count_calls == []


def test_without_a_dealer_the_territory_decides() -> None:
    fakes = fake_dependencies(partners=[a_partner("LOCAL", "391"), a_partner("OTHER", "80")])
    submitted = submit(fakes.deps, Submission("windows", a_contact(postal_code="39100")))
    record = fakes.repository.load(submitted.inquiry_id)
    assert record is not None
    assert record.inquiry.partner_id == "LOCAL"
    assert record.inquiry.channel is Channel.WEBSITE


# --- territory and product ------------------------------------------------------------------


def test_only_partners_covering_the_location_are_candidates() -> None:
    partners = [a_partner("BZ", "39"), a_partner("TN", "38")]
    assert route(partners, postal_code="38100") == "TN"
    assert route(partners, postal_code="39100") == "BZ"
    assert route(partners, postal_code="20100") is None


def test_a_territory_is_per_country() -> None:
    partners = [a_partner("AT", "6", country="AT")]
    assert route(partners, postal_code="6020", country="AT") == "AT"
    assert route(partners, postal_code="6020", country="DE") is None


def test_only_partners_handling_the_product_are_candidates() -> None:
    partners = [a_partner("DOORS", "39", products=["entrance_doors"])]
    assert route(partners, product="entrance_doors") == "DOORS"
    assert route(partners, product="windows") is None


def test_a_partner_with_no_product_list_handles_all() -> None:
    partners = [a_partner("ALL", "39")]
    assert route(partners, product="sunrooms") == "ALL"
    assert route(partners, product="other") == "ALL"


def test_a_better_prefix_for_another_product_does_not_win() -> None:
    partners = [a_partner("NEAR", "3910", products=["shading"]), a_partner("FAR", "39")]
    assert route(partners, postal_code="39100", product="windows") == "FAR"


# --- prefixes and ties ----------------------------------------------------------------------


def test_the_longest_matching_prefix_wins() -> None:
    partners = [a_partner("A", "3"), a_partner("B", "391"), a_partner("C", "39")]
    assert route(partners, postal_code="39100") == "B"
    assert route(partners, postal_code="39200") == "C"
    assert route(partners, postal_code="30100") == "A"


def test_the_longest_of_a_partners_own_prefixes_counts() -> None:
    partners = [a_partner("A", "3", "3910"), a_partner("B", "391")]
    assert route(partners, postal_code="39100") == "A"


def test_the_empty_prefix_covers_the_whole_country_but_loses_to_any_other() -> None:
    partners = [a_partner("COUNTRY", ""), a_partner("REGION", "39")]
    assert route(partners, postal_code="00100") == "COUNTRY"
    assert route(partners, postal_code="39100") == "REGION"
    assert route(partners, postal_code="00100", country="AT") is None


def test_a_tie_goes_to_the_partner_with_fewest_pending() -> None:
    partners = [a_partner("A", "39"), a_partner("B", "39"), a_partner("C", "39")]
    pending = {"A": 4, "B": 1, "C": 2}
    assert route(partners, pending_count=pending.__getitem__) == "B"


def test_an_even_tie_goes_to_the_smallest_partner_id() -> None:
    partners = [a_partner("P3", "39"), a_partner("P10", "39"), a_partner("P2", "39")]
    pending = {"P3": 1, "P10": 2, "P2": 1}
    # "P2" < "P3" as strings; ids are opaque and compared as such.
    assert route(partners, pending_count=pending.__getitem__) == "P2"
    assert route(partners) == "P10"


def test_pending_count_is_asked_only_on_ties_and_only_of_the_tied() -> None:
    asked: list[str] = []

    def counting(partner_id: str) -> int:
        asked.append(partner_id)
        return 0

    assert route([a_partner("A", "391"), a_partner("B", "39")], pending_count=counting) == "A"
    assert asked == []
    assert (
        route(
            [a_partner("A", "39"), a_partner("B", "39"), a_partner("C", "3")],
            pending_count=counting,
        )
        == "A"
    )
    assert sorted(asked) == ["A", "B"]


def test_the_service_counts_pending_inquiries_for_ties() -> None:
    fakes = fake_dependencies(partners=[a_partner("A", "39"), a_partner("B", "39")])
    first = submit(fakes.deps, Submission("windows", a_contact()))
    second = submit(fakes.deps, Submission("windows", a_contact()))
    third = submit(fakes.deps, Submission("windows", a_contact()))
    partner_of = {
        i.id: i.partner_id for i in fakes.repository.all_inquiries() if i.partner_id is not None
    }
    # A (smallest id) first; then B has fewer pending; then both have one: A again.
    assert [partner_of[s.inquiry_id] for s in (first, second, third)] == ["A", "B", "A"]


def test_excluded_partners_are_never_candidates() -> None:
    partners = [a_partner("BEST", "3910"), a_partner("GOOD", "39"), a_partner("ANY", "")]
    assert route(partners, excluded=frozenset({"BEST"})) == "GOOD"
    assert route(partners, excluded=frozenset({"BEST", "GOOD"})) == "ANY"
    assert route(partners, excluded=frozenset({"BEST", "GOOD", "ANY"})) is None


def test_no_partners_at_all_is_no_candidate() -> None:
    assert route([]) is None


# --- postal codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("39100", "39100"),
        (" 39 100 ", "39100"),
        ("L-1234", "1234"),
        ("l-1234", "1234"),
        ("CH-8001", "8001"),
        ("D-80331", "80331"),
        ("SW1A 1AA", "SW1A1AA"),
        ("1000-001", "1000-001"),
    ],
)
def test_postal_codes_are_compared_without_spaces_or_country_prefix(
    raw: str, normalised: str
) -> None:
    assert normalise_postal_code(raw) == normalised


@pytest.mark.parametrize("postal_code", ["L-1234", "l-1234", "1 234", "L-12 34"])
def test_routing_normalises_the_prospects_postal_code(postal_code: str) -> None:
    partners = [a_partner("LUX", "12", country="LU"), a_partner("LUX-ALL", "", country="LU")]
    assert route(partners, postal_code=postal_code, country="LU") == "LUX"


def test_routing_with_a_swiss_prefix() -> None:
    partners = [a_partner("ZH", "80", country="CH"), a_partner("BE", "30", country="CH")]
    assert route(partners, postal_code="CH-8001", country="CH") == "ZH"


# --- inactive partners ----------------------------------------------------------------------


def test_an_inactive_partner_is_never_a_candidate_even_with_the_longest_prefix() -> None:
    partners = [replace(a_partner("NEAR", "391"), active=False), a_partner("FAR", "39")]
    assert route(partners, postal_code="39100") == "FAR"
    assert route([partners[0]], postal_code="39100") is None


def test_a_dealer_page_of_an_inactive_dealer_waits_unassigned_at_hq() -> None:
    dealer = replace(a_partner("DEALER", "39"), active=False)
    fakes = fake_dependencies(partners=[dealer, a_partner("LOCAL", "391")])
    submitted = submit(
        fakes.deps, Submission("windows", a_contact(postal_code="39100"), partner_id="DEALER")
    )
    record = fakes.repository.load(submitted.inquiry_id)
    assert record is not None
    # Kept, not routed elsewhere behind the dealer's back, not refused: HQ decides.
    assert (record.inquiry.status, record.inquiry.partner_id) == (Status.UNASSIGNED, None)
    assert record.inquiry.channel is Channel.DEALER_PAGE
    assert record.offers == ()


# --- the ranked candidates HQ's suggestions show --------------------------------------------


def test_the_ranked_candidates_start_with_the_partner_routing_picks() -> None:
    from inquiries.domain.routing import ranked_candidates  # noqa: PLC0415

    partners = [
        a_partner("wide", ""),
        a_partner("b-39", "39"),
        a_partner("a-39", "39"),
        a_partner("c-391", "391"),
        a_partner("d-391", "391"),
        replace(a_partner("off", "3910"), active=False),
    ]
    pending = {"c-391": 4, "d-391": 1}.get

    def count(partner_id: str) -> int:
        return pending(partner_id) or 0

    for excluded in (frozenset(), frozenset({"d-391"}), frozenset({"c-391", "d-391"})):
        ranked = ranked_candidates(
            partners,
            product="windows",
            country="IT",
            postal_code="39100",
            pending_count=count,
            excluded=excluded,
        )
        chosen = route(partners, postal_code="39100", pending_count=count, excluded=excluded)
        assert ranked[0].partner.id == chosen
    ranked = ranked_candidates(
        partners, product="windows", country="IT", postal_code="39100", pending_count=count
    )
    assert [(s.partner.id, s.why, s.postal_prefix) for s in ranked] == [
        ("d-391", ("territory", "product", "closest_territory", "fewest_pending"), "391"),
        ("c-391", ("territory", "product", "closest_territory"), "391"),
        ("a-39", ("territory", "product"), "39"),
        ("b-39", ("territory", "product"), "39"),
        ("wide", ("territory", "product"), ""),
    ]
