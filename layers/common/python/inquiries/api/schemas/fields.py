"""What the request models share: field types with their checks, and the strict base."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from inquiries.api.countries import ISO_COUNTRIES
from inquiries.api.ids import ID_PATTERN

_POSTAL_CODE = r"^(?:[A-Za-z]{1,3}-)?[A-Za-z0-9][A-Za-z0-9 -]{0,14}$"
PHONE = r"^[+0-9][0-9 ()./-]{3,39}$"
# Strings are stripped before their length is checked: a required one may not be blank.
NOT_BLANK = Field(json_schema_extra={"pattern": r"\S"})


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in ISO_COUNTRIES:
        raise ValueError("not an ISO 3166-1 alpha-2 country code")
    return code


def _postal_code(value: str) -> str:
    code = " ".join(value.split())
    if not re.fullmatch(_POSTAL_CODE, code):
        raise ValueError("not a postal code")
    return code


def check_phone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not re.fullmatch(PHONE, value.strip()):
        raise ValueError("not a phone number")
    return value.strip()


def check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # noqa: PLC0415

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone such as Europe/Rome") from None
    return value


def check_working_days(value: list[int]) -> list[int]:
    if len(set(value)) != len(value) or not all(1 <= day <= 7 for day in value):
        raise ValueError("distinct ISO weekdays 1 (Monday) to 7 (Sunday)")
    return sorted(value)


def distinct_emails(value: list[str]) -> list[str]:
    """The addresses in their given order, each once: `A@x.example` and `a@x.example` are one."""
    seen: set[str] = set()
    distinct = []
    for address in value:
        if address.casefold() not in seen:
            seen.add(address.casefold())
            distinct.append(address)
    return distinct


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NOT_BLANK
]
Country = Annotated[
    str,
    StringConstraints(min_length=2, max_length=2),
    AfterValidator(_country),
    WithJsonSchema(
        {"type": "string", "description": "ISO 3166-1 alpha-2", "enum": sorted(ISO_COUNTRIES)}
    ),
]
PostalCode = Annotated[
    str,
    StringConstraints(max_length=20),
    AfterValidator(_postal_code),
    WithJsonSchema({"type": "string", "maxLength": 20, "pattern": _POSTAL_CODE}),
]
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}
UserId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), NOT_BLANK
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
MAX_NOTIFY_EMAILS = 20


class Strict(BaseModel):
    # defer_build: each function builds only the validators of the models it uses.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)
