"""What a partner may read of a message before it has accepted the inquiry.

E-mail addresses, phone numbers and URLs are replaced, and so is everything
of the contact's own data that the prospect typed into the message (names,
e-mail, phone, street, company), in any spelling of case.
"""

from __future__ import annotations

import re

from inquiries.domain.model import Contact

REDACTED = "[redacted]"

_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+\s*(?:@|\(at\)|\[at\]|\{at\})\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+",
    re.IGNORECASE,
)
_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)\S+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|eu|it|de|at|ch|fr|li|lu|nl|be|uk|io|co|shop)\b(?:/\S*)?",
    re.IGNORECASE,
)
# Seven or more digits with the separators people use in phone numbers.
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d(?:[\s./()-]{0,3}\d){6,}")
# A plausible date (2026-12-03, 03.12.2026, 3/12/26), not any 3 groups: "0471-12-3456" is a phone.
_DATE = re.compile(
    r"^(?:(?:19|20)\d\d[./-][01]?\d[./-][0-3]?\d|[0-3]?\d[./-][0-3]?\d[./-](?:(?:19|20)\d\d|\d\d))$"
)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if _DATE.match(text):
        return text
    # "2026-12-03 10:00": a date and the hour of a time, not a number to call.
    head, _, hour = text.rpartition(" ")
    if match.string.startswith(":", match.end()) and len(hour) <= 2 and _DATE.match(head.strip()):
        return text
    return REDACTED


def _own_values(contact: Contact) -> list[str]:
    values = [contact.first_name, contact.last_name, contact.company, contact.email]
    if contact.street:
        values.append(contact.street)
        # "Via Roma 1" is also recognised as "Via Roma".
        values.append(re.sub(r"[\s,]*\d+\w?$", "", contact.street))
        # "12, rue de la Gare" (Luxembourg, France) also as "rue de la Gare".
        values.append(re.sub(r"^\d+\w?[\s,]*", "", contact.street))
    if contact.phone:
        values.append(contact.phone)
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)


def anonymise_message(message: str | None, contact: Contact) -> str | None:
    """The message with contact details and the contact's own data replaced by `[redacted]`."""
    if not message:
        return message
    text = _EMAIL.sub(REDACTED, message)
    text = _URL.sub(REDACTED, text)
    text = _PHONE.sub(_phone, text)
    for value in _own_values(contact):
        pattern = r"(?<!\w)" + r"\s*".join(_spelling(part) for part in value.split()) + r"(?!\w)"
        text = re.sub(pattern, REDACTED, text, flags=re.IGNORECASE)
    return text


def _spelling(part: str) -> str:
    """A pattern for a word in any case, with ß and ss taken as the same letters."""
    return re.escape(part.casefold()).replace("ss", "(?:ss|ß)")
