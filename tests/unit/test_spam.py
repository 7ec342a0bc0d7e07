"""What marks a website-form submission as a bot's (domain/spam.py)."""

from __future__ import annotations

import pytest
from inquiries.domain.spam import MIN_FILL_MS, sent_by_a_bot


@pytest.mark.parametrize(
    ("trap", "fill_ms", "bot"),
    [
        (None, None, False),  # not sent by the form: not judged
        ("", MIN_FILL_MS, False),
        ("   ", 60_000, False),  # blank is empty
        ("", MIN_FILL_MS - 1, True),
        (None, 0, True),
        ("http://spam.example", None, True),
        ("x", 60_000, True),
    ],
)
def test_a_filled_trap_or_a_fill_faster_than_a_person_is_a_bot(
    trap: str | None, fill_ms: int | None, bot: bool
) -> None:
    assert sent_by_a_bot(trap, fill_ms) is bot
