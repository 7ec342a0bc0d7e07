"""The e-mail field answers as pydantic's EmailStr (its errors without what they quote of the
address), but refuses a name with the address and a part before the @-sign over 64 octets
(the look-up's field takes that one), and skips the library's import when it can."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated, Any

import email_validator
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from inquiries.api.schemas.fields import (
    EMAIL_ALONE,
    EMAIL_LOCAL_PART_TOO_LONG,
    SPECIAL_USE_DOMAINS,
    Email,
    EmailToLookUp,
    _explanation,
)
from pydantic import EmailStr, StringConstraints, TypeAdapter, ValidationError

OURS = TypeAdapter(Email)
LOOK_UP = TypeAdapter(EmailToLookUp)
PYDANTIC = TypeAdapter(Annotated[EmailStr, StringConstraints(max_length=254)])
PREFIX = "value is not a valid email address: "

atext = st.sampled_from("abcXYZ0129._%+-'!#~ä")
labels = st.text(st.sampled_from("abzAZ09-ü_"), min_size=0, max_size=65)
tlds = st.one_of(
    st.sampled_from(["de", "IT", "com", "test", "local", "arpa", "onion", "x", "c0m", "xn--p1ai"]),
    labels,
)
addresses = st.builds(
    lambda local, hosts, tld, pad: f"{pad}{local}@{'.'.join([*hosts, tld])}{pad}",
    st.text(atext, min_size=0, max_size=70),
    st.lists(labels, min_size=0, max_size=3),
    tlds,
    st.sampled_from(["", " "]),
)


def _answer(adapter: TypeAdapter[Any], value: str) -> tuple[str, str]:
    try:
        return "ok", adapter.validate_python(value)
    except ValidationError as error:
        return "error", str(error.errors()[0]["msg"])


def _expected(value: str, *, long_local_part: bool) -> tuple[str, str]:
    """EmailStr's answer, but for what its error quotes of the address (a 422 never repeats
    the values sent), and for our refusals: angle brackets (a name with the address) and,
    unless `long_local_part`, a part before the @-sign over 64 octets."""
    if "<" in value or ">" in value:
        return "error", PREFIX + EMAIL_ALONE
    status, answer = _answer(PYDANTIC, value)
    if status == "error" and answer.startswith(PREFIX):
        return status, PREFIX + _explanation(answer.removeprefix(PREFIX))
    if status == "ok" and not long_local_part and len(answer.rpartition("@")[0].encode()) > 64:
        return "error", PREFIX + EMAIL_LOCAL_PART_TOO_LONG
    return status, answer


@given(st.one_of(addresses, st.text(max_size=80)))
@example("Anna.Rossi+fenster@Example.COM")
@example("a" * 64 + "@example.com")
@example("a" * 65 + "@example.com")
@example("ä" * 32 + "@example.com")
@example("ä" * 33 + "@example.com")
@example(f"a@{'b' * 63}.de")
@example(f"a@{'b' * 64}.de")
@example(f"a@{'b' * 63}.{'c' * 63}.{'d' * 63}.{'e' * 61}.de")
@example("a@ab--cd.de")
@example("a@home.arpa")
@example("Anna <anna@example.com>")
@example('"Rossi, Anna" <anna@example.com>')
@example("<anna@example.com>")
@example('"a<b"@example.com')
@example(".a@example.com")
@example("a.@example.com")
@example("a@-x.de")
@example("a@x-.de")
@example("a@1.23")
def test_the_same_answer_and_error_as_email_str_but_for_ours(value: str) -> None:
    assert _answer(OURS, value) == _expected(value, long_local_part=False)
    assert _answer(LOOK_UP, value) == _expected(value, long_local_part=True)


@pytest.mark.parametrize(
    "address",
    [
        "w" * 65 + "@example.com",
        "w" * 70 + "@example.com",
        "ä" * 33 + "@example.com",  # 66 octets in UTF-8
        "Wendelin <w@example.com>",
        '"Obermair, W." <w@example.com>',
        "<w@example.com>",
    ],
)
def test_an_address_a_field_stores_is_alone_and_at_most_64_octets_before_the_at(
    address: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        OURS.validate_python(address)
    [error] = refused.value.errors()
    assert error["type"] == "value_error"
    reason = error["ctx"]["reason"]
    assert reason in (EMAIL_ALONE, EMAIL_LOCAL_PART_TOO_LONG)
    assert "www" not in reason and "ää" not in reason and "Obermair" not in reason


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Anna.Rossi+fenster@Example.COM", "Anna.Rossi+fenster@example.com"),
        ("w" * 64 + "@example.com", "w" * 64 + "@example.com"),
        ("ä" * 32 + "@Bücher.de", "ä" * 32 + "@bücher.de"),
        ("anna@xn--bcher-kva.de", "anna@bücher.de"),
    ],
)
def test_what_was_taken_before_still_is(sent: str, stored: str) -> None:
    assert OURS.validate_python(sent) == stored
    assert LOOK_UP.validate_python(sent) == stored


def test_a_look_up_takes_a_long_part_before_the_at_as_intake_stored_it_before() -> None:
    long = "W" * 70 + "@Example.com"
    assert LOOK_UP.validate_python(long) == "W" * 70 + "@example.com"
    with pytest.raises(ValidationError, match="without a name"):
        LOOK_UP.validate_python(f"Wendelin <{long}>")


def test_the_shortcut_knows_every_domain_the_library_refuses() -> None:
    assert set(email_validator.SPECIAL_USE_DOMAIN_NAMES) <= SPECIAL_USE_DOMAINS


@pytest.mark.parametrize(
    ("address", "library_needed"),
    [("Anna.Rossi@Example.com", False), ("anna@bücher.de", True), ("a..b@example.com", True)],
)
def test_a_plain_address_is_checked_without_importing_the_library(
    address: str, library_needed: bool
) -> None:
    code = (
        "import sys\n"
        "from pydantic import TypeAdapter\n"
        "from inquiries.api.schemas.fields import Email\n"
        "try:\n"
        f"    TypeAdapter(Email).validate_python({address!r})\n"
        "except ValueError:\n"
        "    pass\n"
        "print('email_validator' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(library_needed)
