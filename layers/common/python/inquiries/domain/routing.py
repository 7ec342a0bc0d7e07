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
