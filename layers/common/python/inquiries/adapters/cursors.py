"""Cursors: the opaque `next` of a list, and checking the one a client sends back."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from inquiries.domain.errors import ValidationFailed


def encode_cursor(key: dict[str, Any]) -> str:
    plain = {k: v["S"] for k, v in key.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, sort_keys=True).encode()).decode()


def invalid_cursor() -> ValidationFailed:
    """The 422 of a cursor that is not one this list gave out."""
    return ValidationFailed.at(
        "cursor is not valid", "query", "cursor", msg="not a cursor of this list"
    )


def unwrapped(cursor: str) -> Any:
    """The JSON value inside a cursor (its shape still to be checked); 422 if there is none."""
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise invalid_cursor() from None


def decode_cursor(
    cursor: str, index_pk: str, expected_pk: str, key_names: tuple[str, ...]
) -> dict[str, Any]:
    invalid = invalid_cursor()
    plain = unwrapped(cursor)
    if (
        not isinstance(plain, dict)
        # Exactly the keys a page ends with, none empty: DynamoDB refuses any other start
        # key with a ValidationException, which would be a 503 rather than this 422.
        or set(plain) != set(key_names)
        or not all(isinstance(v, str) and v for v in plain.values())
        or plain.get(index_pk) != expected_pk
    ):
        raise invalid
    return {k: {"S": v} for k, v in plain.items()}
