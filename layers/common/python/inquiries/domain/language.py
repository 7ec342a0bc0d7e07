"""Language tags as an inquiry carries them: a language, maybe a script, maybe a region.

The shape is BCP 47's (RFC 5646) for those three subtags and no more: the language as
its two- or three-letter ISO 639 code, a script of four letters (ISO 15924), a region
of two letters (ISO 3166-1) or three digits (UN M.49). What browsers send (`de-DE`,
`it-IT`, `en-US`, `zh-Hans-CN`, `es-419`) fits; variants, extensions and private-use
subtags, which could carry any text, do not. Case is BCP 47's convention: `de-AT`,
`zh-Hans-CN`.
"""

from __future__ import annotations

import re

# The same shape for the OpenAPI document (any case; the service stores the canonical one).
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?$"
_SUBTAGS = re.compile(
    r"(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?(?=-|$)",
    re.ASCII,
)


def _canonical(found: re.Match[str]) -> str:
    language, script, region = found.group("language", "script", "region")
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def language_tag(value: str) -> str | None:
    """`value` in its canonical case if it is a language tag of that shape, else None."""
    found = _SUBTAGS.match(value)
    if found is None or found.end() != len(value):
        return None
    return _canonical(found)


def language_before_accept(value: str | None) -> str | None:
    """What a partner sees of an inquiry's language before accepting, and what an erasure
    keeps: the tag's language, script and region, never the subtags after them (items
    stored before the shape was checked may hold `de-Anything-typed-here`)."""
    if not value:
        return None
    found = _SUBTAGS.match(value)
    return _canonical(found) if found is not None else None
