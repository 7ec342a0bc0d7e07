"""A partner changed in part (`PATCH`): read with its version, written back only if the
version is still the one read, with its territory copies in the same transaction.

A mixin of the DynamoDB repository: it shares the client, the table and the partner's
writes (`_partner_writes`) with `put_partner`, whose replace takes the same version
condition, so a racing PUT and PATCH are settled by DynamoDB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from inquiries.adapters.items import from_item, partner_data, partner_from
from inquiries.adapters.keys import partner_key
from inquiries.domain.errors import ChangeRejected, Unavailable
from inquiries.domain.model import Partner


class PartnerVersions:
    """`partner_for_change` and `replace_partner` of the repository."""

    _client: Any
    _call: Callable[..., Any]
    _partner_writes: Callable[[Partner, dict[str, Any] | None], list[dict[str, Any]]]

    def partner_for_change(self, partner_id: str) -> tuple[Partner, int] | None:
        """The partner as stored now (a consistent read) and its version, if it exists."""
        item = self._call("get_item", Key=partner_key(partner_id), ConsistentRead=True).get("Item")
        if not item:
            return None
        data = from_item(item)
        return partner_from(data["partner"]), int(data.get("version", 0))

    def replace_partner(self, partner: Partner, replacing: Partner, version: int) -> None:
        """Store `partner` over `replacing`, read at `version`; ChangeRejected when the
        stored partner changed meanwhile (nothing written)."""
        old = {"version": version, "partner": partner_data(replacing)}
        try:
            self._client.transact_write_items(TransactItems=self._partner_writes(partner, old))
        except BotoCoreError as error:
            raise Unavailable("the store did not answer in time; please retry") from error
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
                    raise ChangeRejected() from None
            raise Unavailable("the store refused the request; nothing was changed") from error
