"""contacts: a partner's own address book, read, imported and erased from (issue 13).

Apart from decide because of its import: a file of up to 10,000 rows is CPU work
that decide's memory, sized for its own routes, would not finish inside API
Gateway's 30 s (docs/decisions.md, "The address book in its own function").
"""

from __future__ import annotations

from inquiries import startup  # noqa: F401  (first: the function starts without garbage collection)

# isort: split
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit
from inquiries import wiring
from inquiries.api.endpoints import Endpoints, Request
from inquiries.api.views import contact_view
from inquiries.logs import function_logger
from inquiries.service import contacts

logger = function_logger()
metrics = Metrics()

api = Endpoints("contacts")
app = api.app


def _own_book(request: Request) -> str:
    """The partner whose address book this is: always the caller's own."""
    partner_id = request.caller.partner_id
    assert partner_id is not None, "a partner's token names its partner"
    return partner_id


@api.serves("listContacts")
def list_contacts(request: Request) -> dict[str, Any]:
    query = request.query
    page = contacts.list_contacts(
        wiring.dependencies(),
        wiring.address_book(),
        _own_book(request),
        q=query.q,
        limit=query.limit,
        cursor=query.cursor,
    )
    return {"items": [contact_view(c) for c in page.items], "next": page.next}


@api.serves("getContact")
def get_contact(request: Request) -> dict[str, Any]:
    contact_id = request.params["contact_id"]
    contact = contacts.get_contact(wiring.address_book(), _own_book(request), contact_id)
    return contact_view(contact)


@api.serves("deleteContact")
def delete_contact(request: Request) -> Response:
    contact_id = request.params["contact_id"]
    contacts.delete_contact(wiring.address_book(), _own_book(request), contact_id)
    return Response(status_code=204, body="")


@api.serves("importContacts")
def import_contacts(request: Request) -> dict[str, Any]:
    from inquiries.api import contact_csv  # noqa: PLC0415

    rows, rejected = contact_csv.read(request.data)
    done = contacts.import_contacts(
        wiring.dependencies(), wiring.address_book(), _own_book(request), rows
    )
    # Counts only: nothing of the contacts themselves reaches the logs or the metrics.
    metrics.add_metric(name="ContactsImported", unit=MetricUnit.Count, value=done.imported)
    return {
        "imported": done.imported,
        "rejected": [r.view() for r in rejected],
        "created": done.created,
        "updated": done.updated,
        "unchanged": done.unchanged,
    }


handler = api.lambda_handler(logger, metrics)
