"""Automatic assignment: which partner gets a new inquiry.

1. Sent from a dealer's page: that partner; if it is inactive, nobody (the HQ
   queue; see service/intake.py).
2. Else the active partners whose territory covers the location and who handle the
   product; the longest matching postal prefix wins; among equals, the one with
   the fewest pending inquiries; then the smallest partner id. Partners that
   already declined or let this inquiry expire are never candidates.
3. No candidate: nobody (the HQ queue).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from inquiries.domain.model import Partner

_COUNTRY_PREFIX = re.compile(r"^[A-Z]{1,3}-")


def normalise_postal_code(postal_code: str) -> str:
    """Postal codes are compared without spaces and without a prefix such as `L-` or `CH-`."""
    code = "".join(postal_code.split()).upper()
    match = _COUNTRY_PREFIX.match(code)
    if match and len(code) > len(match.group(0)):
        code = code[len(match.group(0)) :]
    return code


def best_candidates(
    partners: Iterable[Partner],
    *,
    product: str,
    country: str,
    postal_code: str,
    excluded: frozenset[str] = frozenset(),
) -> list[Partner]:
    """The partners tied on the longest matching prefix, by partner id."""
    code = normalise_postal_code(postal_code)
    best_len = -1
    best: list[Partner] = []
    for partner in partners:
        if not partner.active or partner.id in excluded or not partner.handles(product):
            continue
        length = partner.longest_prefix(country, code)
        if length is None or length < best_len:
            continue
        if length > best_len:
            best_len, best = length, []
        best.append(partner)
    return sorted(best, key=lambda p: p.id)


def choose_partner(
    partners: Iterable[Partner],
    *,
    product: str,
    country: str,
    postal_code: str,
    pending_count: Callable[[str], int],
    excluded: frozenset[str] = frozenset(),
) -> Partner | None:
    """The partner a new inquiry goes to, or None for the HQ queue.

    `pending_count` is asked only when several partners tie on the prefix.
    """
    tied = best_candidates(
        partners, product=product, country=country, postal_code=postal_code, excluded=excluded
    )
    if len(tied) <= 1:
        return tied[0] if tied else None
    # min() keeps the first of equals, and `tied` is sorted by id: the smallest id wins ties.
    return min(tied, key=lambda p: pending_count(p.id))


# The reasons a suggestion gives (`why`), in the order the rule weighs them.
WHY_TERRITORY = "territory"  # a territory of the partner covers the location
WHY_PRODUCT = "product"  # the partner handles the product
WHY_CLOSEST = "closest_territory"  # its postal prefix is longer than the others' that cover it
WHY_FEWEST_PENDING = "fewest_pending"  # tied on the prefix, it has the fewest pending offers


@dataclass(frozen=True)
class Suggestion:
    """A partner the routing rule could pick, with why, in the rule's order."""

    partner: Partner
    why: tuple[str, ...]
    postal_prefix: str | None = None  # the longest prefix of its that covers the location
    pending: int | None = None  # its pending offers, counted only where they break a tie


def ranked_candidates(
    partners: Iterable[Partner],
    *,
    product: str,
    country: str,
    postal_code: str,
    pending_count: Callable[[str], int],
    excluded: frozenset[str] = frozenset(),
) -> list[Suggestion]:
    """Every partner the rule could pick, best first: the order `choose_partner` follows
    (longest prefix, then fewest pending, then smallest id).

    `pending_count` is asked only for partners that tie on the prefix with another.
    """
    code = normalise_postal_code(postal_code)
    ranked: list[Suggestion] = []
    groups: dict[int, list[Partner]] = {}
    for partner in partners:
        if not partner.active or partner.id in excluded or not partner.handles(product):
            continue
        length = partner.longest_prefix(country, code)
        if length is not None:
            groups.setdefault(length, []).append(partner)
    lengths = sorted(groups, reverse=True)
    for rank, length in enumerate(lengths):
        closest = (WHY_CLOSEST,) if rank == 0 and len(lengths) > 1 else ()
        tied = sorted(groups[length], key=lambda p: p.id)
        counts = {p.id: pending_count(p.id) for p in tied} if len(tied) > 1 else {}
        tied.sort(key=lambda p: counts.get(p.id, 0))  # stable: the smaller id among equals
        for place, partner in enumerate(tied):
            fewest = (
                (WHY_FEWEST_PENDING,)
                if counts and place == 0 and counts[partner.id] < counts[tied[1].id]
                else ()
            )
            ranked.append(
                Suggestion(
                    partner,
                    (WHY_TERRITORY, WHY_PRODUCT, *closest, *fewest),
                    postal_prefix=code[:length],
                    pending=counts.get(partner.id),
                )
            )
    return ranked
