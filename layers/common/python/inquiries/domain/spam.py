"""The website form's bot trap: what marks a submission as sent by a bot.

The form (web/src/form/) sends two extra fields with every submission: `form_trap`, the
value of a field hidden from people (a bot that fills in every field fills it in too),
and `form_fill_ms`, the milliseconds from the form's render to its submission (a person
takes seconds, a bot none). A submission without them (another client of the API) is
not judged: the fields are evidence the form collects, not a gate for the API.
"""

from __future__ import annotations

# A person reads the form and types at least a name, an address and a postal code; even
# with the browser's autofill that is more than three seconds from the form's render.
MIN_FILL_MS = 3000


def sent_by_a_bot(form_trap: str | None, form_fill_ms: int | None) -> bool:
    """True when the hidden field is filled in, or the form was sent faster than a person can."""
    if form_trap is not None and form_trap.strip():
        return True
    return form_fill_ms is not None and form_fill_ms < MIN_FILL_MS
