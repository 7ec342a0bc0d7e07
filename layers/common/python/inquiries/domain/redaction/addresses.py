"""Detectors for addresses that reach anyone: e-mail (also spelled out), web, social handles.

They read the shadow copy (case-folded, so `AT` is `at`). Every pattern is written so
Python's backtracking engine still runs in linear time:

- a run (of address characters, or of labels joined by dots) is only ever entered at its
  start: the lookbehinds `(?<![run char])(?<![run char]\\.)` refuse every position inside
  a run, so the engine reads each run once, whatever follows it;
- inside a run, every repetition is possessive (`++`, `*+`): nothing is given back, so a
  failing match costs the length it read, never more;
- the alternatives that follow a run begin with different characters.

`bench/anonymise.py` measures the hostile shapes (`a.` repeated, `@` repeated, long runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from inquiries.domain.redaction.tlds import is_top_level_domain

Span = tuple[int, int]

_ATOM = r"[\w%+\-]"
# Not inside a run of address characters, nor right after `char.` of one.
_RUN_START = r"(?<![\w%+\-])(?<![\w%+\-]\.)"
_LOCAL = rf"{_ATOM}++(?:\.{_ATOM}++)*+"
_LABEL = r"[\w\-]++"

# Spelled out: `anna at example dot com`, `anna (at) example (dot) com`, `[at]`, `{at}`,
# `chiocciola`/`punto` (it), `ät`/`Klammeraffe`/`Punkt` (de).
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT_WORD = r"(?:at|aet|chiocciola|klammeraffe)"
_DOT_WORD = r"(?:dot|punkt|punto|point)"
_SOFT_AT = rf"(?:{_OPEN} *+{_AT_WORD} *+{_CLOSE}|(?<= ){_AT_WORD}(?= ))"
# A dot with spaces around it (`web . de`) needs a space before it: `.` then a space alone
# ends a sentence.
_SOFT_DOT = rf"(?:\.| *+{_OPEN} *+{_DOT_WORD} *+{_CLOSE} *+| ++(?:{_DOT_WORD} |\.) *+)"
# `anna@example.com`, `anna @ example . com`; the domain stops at a dot that ends a sentence.
_EMAIL = re.compile(
    rf"{_RUN_START}{_LOCAL}(?P<gap> {{0,2}})@ {{0,2}}"
    rf"(?P<domain>{_LABEL}(?:{_SOFT_DOT}{_LABEL})*+|\[(?:ipv6:)?[0-9a-f.:]{{2,45}}\])"
)

_SPELLED_EMAIL = re.compile(
    rf"{_RUN_START}{_LOCAL} *+{_SOFT_AT} *+(?P<domain>{_LABEL}(?:{_SOFT_DOT}{_LABEL})++)"
)
_DOMAIN_LABEL = re.compile(r"[\w\-]+")

# `https://...`, `www.example`: up to the next space. Bare domains: labels joined by dots,
# the last one a top-level domain, with an optional port and path.
_URL = re.compile(r"(?<![\w\-])(?:(?:https?|ftp)://|www\d{0,3}\.)\S*+")
_DOMAIN = re.compile(
    r"(?<![\w\-@])(?<![\w\-]\.)(?P<name>[\w\-]++(?:\.[\w\-]++)++)(?P<rest>[:/]\S*+)?"
)
# `@name`, `@name.surname`; an `@` after a word belongs to an e-mail address.
# The `@` comes first so the engine jumps from one `@` to the next.
_HANDLE = re.compile(r"@(?<![\w@]@)\w++(?:\.\w++)*+")
# What ends a sentence rather than an address.
_TRAILING = ".,;:!?)]}'\"\u00bb\u201c\u201d\u2019"


def emails(text: str) -> Iterator[Span]:
    """E-mail addresses, as written or spelled out."""
    for match in _EMAIL.finditer(text):
        domain = match.group("domain")
        literal = domain.startswith("[")  # `anna@[192.168.0.1]`
        if literal or (not match.group("gap") and " " not in domain):
            yield match.span()
        else:
            # `see you @ home`: spaces around `@` or a dot count only up to a real domain.
            end = _end_of_domain(match, "domain")
            if end is not None:
                yield match.start(), end
    for match in _SPELLED_EMAIL.finditer(text):
        end = _end_of_domain(match, "domain")
        if end is not None:
            yield match.start(), end


def _end_of_domain(match: re.Match[str], group: str) -> int | None:
    """Where the domain of a loosely written address ends: at its last top-level domain.

    A domain read across spaces may have taken the next words along (`anna @ web.de . It
    works`): it ends at the last label, not the first, that is a top-level domain; None
    where no label after the first is one.
    """
    offset = match.start(group)
    end = None
    for index, label in enumerate(_DOMAIN_LABEL.finditer(match.group(group))):
        if index > 0 and is_top_level_domain(label.group(0)):
            end = offset + label.end()
    return end


def web_addresses(text: str) -> Iterator[Span]:
    """URLs with a scheme or `www.`, and bare domains with any top-level domain."""
    for match in _URL.finditer(text):
        yield _without_trailing(text, match.start(), match.end())
    for match in _DOMAIN.finditer(text):
        labels = match.group("name").split(".")
        if not is_top_level_domain(labels[-1]) or not labels[0]:
            continue  # `12.01.2027`, `z.b`, `a.a.a`: no domain
        end = match.end("rest") if match.group("rest") else match.end("name")
        yield _without_trailing(text, match.start(), end)


def _without_trailing(text: str, start: int, end: int) -> Span:
    while end > start + 1 and text[end - 1] in _TRAILING:
        end -= 1
    return start, end


def handles(text: str) -> Iterator[Span]:
    """Social handles: `@name`."""
    for match in _HANDLE.finditer(text):
        yield match.span()
