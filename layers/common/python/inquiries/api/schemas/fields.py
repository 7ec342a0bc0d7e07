"""What the request models share: field types with their checks, and the strict base."""

# No `from __future__ import annotations` in the request models: pydantic would compile
# and evaluate every annotation string again when it creates the classes (a cold
# request's first validation pays it); a class's reference to itself is `Self`.
import re
import unicodedata
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from inquiries.api.countries import ISO_COUNTRIES
from inquiries.api.ids import ID_MAX_LENGTH, ID_PATTERN

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


# Text as people type it. Control characters (Unicode category Cc: NUL and the other C0
# codes, DEL, C1) have no place in it: a single-line field (a name, a city, a company)
# takes none, a multi-line one (a message, a note, a street, which an address book may
# hold on two lines) keeps line breaks and tabs. A name
# must show something: whitespace and format characters (Cf: zero-width spaces, bidi
# marks) alone are as blank as spaces. The patterns say the same to the OpenAPI
# document, as far as its regular expressions can (they have no Unicode categories).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SINGLE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"
_VISIBLE = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
_MULTI_LINE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


def single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL, a tab or a line break) are not allowed")
    return value


def multi_line(value: str) -> str:
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError(
            "control characters other than line breaks and tabs (such as NUL) are not allowed"
        )
    return value


def visible(value: str) -> str:
    """Blank if nothing but whitespace and format characters: answered as a blank string."""
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        raise PydanticCustomError(
            "string_too_short", "String should have at least 1 visible character", {"min_length": 1}
        )
    return value


SINGLE_LINE = Field(json_schema_extra={"pattern": _SINGLE_LINE})
VISIBLE = Field(json_schema_extra={"pattern": _VISIBLE})
VISIBLE_SCHEMA = {"type": "string", "pattern": _VISIBLE}
MULTI_LINE = Field(json_schema_extra={"pattern": _MULTI_LINE})

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(single_line),
    SINGLE_LINE,
]


# A city's name as people write it (`Frankfurt am Main`, `L'Aquila`, `Bozen-Bolzano`,
# `Sankt Ulrich in Gröden / Ortisei`, `Paris 16e`), on one line; never an e-mail address
# or a phone number: no `@`, no run of six digits or more (spaces, dots, slashes, dashes
# and parentheses between them; a postal code of five digits is no phone number). Read
# as the redaction reads text: compatibility forms as their plain character (a
# full-width at sign or digit), invisible characters left out. A partner sees the city
# before it accepts: what slips through (a name, `gmail.com`) the view withholds.
_NOT_A_CITY = re.compile(r"@|\d(?:[ ./()\-]{0,2}\d){5}")
_CITY = rf"^(?!.*@)(?!.*[0-9](?:[ ./()-]{{0,2}}[0-9]){{5}}){_SINGLE_LINE[1:]}"
NOT_A_CITY = "not_a_city"


def city_name(value: str) -> str:
    folded = "".join(
        char for char in unicodedata.normalize("NFKC", value) if unicodedata.category(char) != "Cf"
    )
    if _NOT_A_CITY.search(folded):
        raise PydanticCustomError(
            NOT_A_CITY, "a city's name only: no e-mail address and no phone number"
        )
    return value


City = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(single_line),
    AfterValidator(city_name),
    Field(json_schema_extra={"pattern": _CITY}),
]
Street = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(multi_line),
    MULTI_LINE,
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(single_line),
    AfterValidator(visible),
    VISIBLE,
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
Id = Annotated[str, StringConstraints(max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
ID_SCHEMA = {"type": "string", "maxLength": ID_MAX_LENGTH, "pattern": ID_PATTERN}
UserId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(single_line),
    AfterValidator(visible),
    VISIBLE,
]
Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2000),
    AfterValidator(multi_line),
    MULTI_LINE,
]
Message = Annotated[str, StringConstraints(max_length=5000), AfterValidator(multi_line), MULTI_LINE]

_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day(value: object) -> object:
    """`YYYY-MM-DD` and nothing else: pydantic's own date also takes epoch seconds (`0`,
    `86400`), datetimes at midnight with any offset and `20261130` (as seconds)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(_DAY, value):
        raise ValueError("not a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a day of the calendar (YYYY-MM-DD)") from None


# A day of a query (`from`, `to`): the contract's `YYYY-MM-DD`, a real calendar day.
Day = Annotated[
    date,
    BeforeValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DAY}),
]


# An e-mail address is checked as pydantic's `EmailStr` checks it, by `email_validator`
# (pydantic's `validate_email`), with one shortcut and two refusals of our own. The
# shortcut: an address of plain ASCII letters, digits and `._%+-` at a host name of plain
# labels under an alphabetic top-level domain is one the library accepts unchanged but
# for the domain's case, so it is taken as that without importing the library, whose
# import (it compiles the RFC grammars) costs about 15 ms of a submission's cold start.
# Anything else (international addresses, quoted parts, errors) goes to the library, so
# the answer and its error are the library's, but for the refusals: a field holds an
# address alone, so `Name <address>` (which pydantic reads as a name and an address) is
# refused, and so is a part before the @-sign over RFC 5321's 64 octets (the library
# checks that only in its strict mode). `tests/unit/test_email_field.py` checks the
# field against `EmailStr`.
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
# The top-level domains `email_validator` refuses (its SPECIAL_USE_DOMAIN_NAMES; a test
# fails if the library's list grows); the library answers for them.
SPECIAL_USE_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
_MAX_LOCAL_PART = 64  # octets (RFC 5321 4.5.3.1.1), of the address as stored (UTF-8)
_MAX_EMAIL = 254
# Pydantic's display-name form (`Anna <a@x.com>`, `"Rossi, Anna" <a@x.com>`, `<a@x.com>`)
# always has angle brackets, and no address the library accepts has one (they are allowed
# only in a quoted local part, which it refuses).
_ANGLE_BRACKETS = frozenset("<>")
EMAIL_ALONE = "The address must be given alone, without a name or angle brackets (<>)."
EMAIL_LOCAL_PART_TOO_LONG = (
    "The part before the @-sign is too long: at most 64 octets "
    "(64 characters such as a-z, 0-9 and dots; fewer with accented letters)."
)


def _not_an_address(reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "value_error", "value is not a valid email address: {reason}", {"reason": reason}
    )


def _address(value: str, *, long_local_part: bool) -> str:
    """The address as stored, or the library's error (without what it quotes of the
    address) or one of ours. `long_local_part`: take a part before the @-sign over 64
    octets (a look-up of an address stored before that limit)."""
    plain = _PLAIN_EMAIL.fullmatch(value)
    if (
        plain is not None
        and len(value) <= _MAX_EMAIL
        and len(plain["local"]) <= _MAX_LOCAL_PART
        and "--" not in plain["domain"]  # IDNA's rules for such labels: the library's
        and plain["domain"].rsplit(".", 1)[-1].lower() not in SPECIAL_USE_DOMAINS
    ):
        return f"{plain['local']}@{plain['domain'].lower()}"
    if not _ANGLE_BRACKETS.isdisjoint(value):
        raise _not_an_address(EMAIL_ALONE)
    from pydantic.networks import validate_email  # noqa: PLC0415  (imports the library)

    try:
        address = validate_email(value)[1]
    except PydanticCustomError as error:
        reason = _explanation(str((error.context or {}).get("reason", "")))
        raise PydanticCustomError(error.type, error.message_template, {"reason": reason}) from None
    local = address.rpartition("@")[0]
    if not long_local_part and len(local.encode()) > _MAX_LOCAL_PART:
        raise _not_an_address(EMAIL_LOCAL_PART_TOO_LONG)
    return address


def _email(value: str) -> str:
    return _address(value, long_local_part=False)


def _email_to_look_up(value: str) -> str:
    return _address(value, long_local_part=True)


# Where the library's explanation starts quoting the address: a parenthesis holding a
# quote ("not valid IDNA (Codepoint ... of 'label' not allowed)", an IP literal) or an
# opening quote (the characters at fault: "invalid characters: '_'"); "can't" is no quote.
_QUOTING = re.compile(r"""\s*(?:\([^'"]*)?(?<![A-Za-z])['"].*""", re.DOTALL)


def _explanation(reason: str) -> str:
    """The library's explanation of an invalid address without what it quotes of it: a 422
    never repeats the values sent (docs/api.md, Errors)."""
    kept = _QUOTING.sub("", reason)
    if kept == reason:
        return reason
    kept = kept.rstrip(" :.")
    return f"{kept}." if kept else "not an e-mail address"


_EMAIL_SCHEMA = WithJsonSchema({"format": "email", "maxLength": _MAX_EMAIL, "type": "string"})
# An address a field stores (a prospect's, a partner's, an imported contact's).
Email = Annotated[
    str, AfterValidator(_email), StringConstraints(max_length=_MAX_EMAIL), _EMAIL_SCHEMA
]
# An address to look up or erase (`GET /subjects`, `POST /subjects/erase`): also one whose
# part before the @-sign is over 64 octets, as intake took them before that limit.
EmailToLookUp = Annotated[
    str, AfterValidator(_email_to_look_up), StringConstraints(max_length=_MAX_EMAIL), _EMAIL_SCHEMA
]


def search_term(value: str) -> str:
    """A `q=` search: one line, as a name or an address is; with an `@` it is looked up as
    an e-mail address, which is one alone."""
    if "@" in value and not _ANGLE_BRACKETS.isdisjoint(value):
        raise _not_an_address(EMAIL_ALONE)
    return single_line(value)


MAX_NOTIFY_EMAILS = 20


class Strict(BaseModel):
    # defer_build: each function builds only the validators of the models it uses.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)
