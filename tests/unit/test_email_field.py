"""The e-mail field answers as pydantic's EmailStr (its errors without what they quote of the
address), and skips its import when it can."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated, Any

import email_validator
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from inquiries.api.schemas.fields import SPECIAL_USE_DOMAINS, Email, _explanation
from pydantic import EmailStr, StringConstraints, TypeAdapter, ValidationError

OURS = TypeAdapter(Email)
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


@given(st.one_of(addresses, st.text(max_size=80)))
@example("Anna.Rossi+fenster@Example.COM")
@example("a" * 64 + "@example.com")
@example("a" * 65 + "@example.com")
@example(f"a@{'b' * 63}.de")
@example(f"a@{'b' * 64}.de")
@example(f"a@{'b' * 63}.{'c' * 63}.{'d' * 63}.{'e' * 61}.de")
@example("a@ab--cd.de")
@example("a@home.arpa")
@example("Anna <anna@example.com>")
@example(".a@example.com")
@example("a.@example.com")
@example("a@-x.de")
@example("a@x-.de")
@example("a@1.23")
def test_the_same_answer_and_error_as_email_str(value: str) -> None:
    """EmailStr's answer, but for what its error quotes of the address (a 422 never repeats
    the values sent)."""
    status, message = _answer(PYDANTIC, value)
    if status == "error" and message.startswith(PREFIX):
        message = PREFIX + _explanation(message.removeprefix(PREFIX))
    assert _answer(OURS, value) == (status, message)


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
