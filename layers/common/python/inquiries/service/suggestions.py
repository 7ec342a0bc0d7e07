"""Who next: the partners the routing rule would offer an inquiry to, best first.

HQ reads them before assigning by hand (`POST /inquiries/{id}/assign`). Left out: the
partners that rejected the inquiry or let it expire, inactive partners, and the partner
it is pending with now (offering it there again would change nothing). An inquiry that
can no longer be offered (accepted, closed, discarded) is 409, as its assign would be.
"""

from __future__ import annotations

from inquiries.domain import routing
from inquiries.domain.errors import Conflict
from inquiries.domain.lifecycle import ALLOWED_FROM, Transition
from inquiries.domain.model import Status
from inquiries.domain.routing import Suggestion
from inquiries.service.decisions import Loaded
from inquiries.service.ports import Dependencies


def suggestions(deps: Dependencies, loaded: Loaded) -> list[Suggestion]:
    """The routing rule's candidates for the inquiry now, best first, with why."""
    inquiry = loaded.record.inquiry
    if inquiry.status not in ALLOWED_FROM[Transition.OFFER]:
        raise Conflict(f"the inquiry is {inquiry.status}; it can no longer be offered")
    excluded = inquiry.declined_by
    if inquiry.status is Status.PENDING and inquiry.partner_id is not None:
        excluded = excluded | {inquiry.partner_id}
    repo = deps.repository
    return routing.ranked_candidates(
        repo.partners_covering(inquiry.contact.country),
        product=inquiry.product,
        country=inquiry.contact.country,
        postal_code=inquiry.contact.postal_code,
        pending_count=repo.pending_count,
        excluded=excluded,
    )
