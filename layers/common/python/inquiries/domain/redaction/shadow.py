# ruff: noqa: RUF001, RUF002, RUF003  (a table of look-alike letters is the point)
"""The shadow copy of a message: the text the detectors read, folded so spellings meet.

Each character of the original becomes zero or more characters of the shadow:
Unicode NFKC (full-width and mathematical letters become plain ones), invisible
and format characters dropped (a zero-width space inside a phone number must not
hide it), letters from other alphabets that look like Latin ones mapped to those
(a Cyrillic `о` in a name), case folded, diacritics removed with the German
transliteration (`ü` -> `ue`, `ß` -> `ss`; Italian accents simply go), letters that
do not decompose spelled as a plain keyboard does (`ł` -> `l`, `ø` -> `oe`, `þ` -> `th`),
every dash a `-` and every space a ` `. A character reference (`&#64;`, `&commat;`) and
a percent-encoded `@` or `.` (`mailto:anna%40example.com`) become what they stand for.
For every shadow character the shadow keeps where its original character (or
reference) starts and ends, so a finding in the shadow is a span of the original.
One pass, constant work per character: linear.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters of other alphabets that look like Latin ones (after Unicode's confusables,
# for the alphabets a prospect's keyboard has: Cyrillic, Greek, Armenian), by their
# shape in the case they are written in; uppercase first, as case folding loses shapes
# (Greek `Η` looks like `H`, its lowercase `η` like `n`).
_LOOKALIKES = {
    # Cyrillic
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "Х": "x", "У": "y", "І": "i", "Ј": "j", "Ѕ": "s", "Ү": "y",
    "Ԁ": "d", "Ԛ": "q", "Ԝ": "w", "Һ": "h", "Ӏ": "l", "З": "3",
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s", "ү": "y",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ё": "e", "ї": "i",
    "п": "n", "г": "r", "ь": "b", "ш": "w",
    # Greek
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g",
}  # fmt: skip
# Transliterations: the German one (`ü` -> `ue`), and the letters Unicode does not decompose
# into a Latin letter and a mark (`ł`, `ø`, `đ`, `þ`, `æ`...), by what a keyboard without them
# types. `own_data` reads `ae`/`oe`/`ue` as `a`/`o`/`u` and `dj`/`dh` as `d`, so `Søren` meets
# `Soren` and `Soeren`, `Đorđe` meets `Djordje` and `Dorde`. Other diacritics are dropped
# (Italian `à` -> `a`). Cyrillic is not transliterated (only its look-alike letters map).
_TRANSLITERATION = {
    "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss",
    "ł": "l", "ø": "oe", "đ": "dj", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ƚ": "l", "ɨ": "i", "ĸ": "k",
}  # fmt: skip
_UMLAUT_MARK = "\u0308"  # a decomposed umlaut: `u` + this is `ü`
_DROPPED = frozenset({"Cf", "Cc", "Mn", "Me", "Cs", "Co", "Cn"})
_KEPT_CONTROLS = frozenset("\n\t\r")


@dataclass(frozen=True)
class Shadow:
    """The folded text and, per folded character, the span of its original character."""

    text: str
    starts: list[int]
    ends: list[int]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text behind `text[start:end]` (a non-empty span)."""
        return self.starts[start], self.ends[end - 1]


def _fold_char(char: str) -> str:
    """What one original character becomes in the shadow (possibly nothing)."""
    out: list[str] = []
    for part in unicodedata.normalize("NFKC", char):
        look = _LOOKALIKES.get(part)
        if look is not None:
            out.append(look)
            continue
        category = unicodedata.category(part)
        if category in _DROPPED and part not in _KEPT_CONTROLS:
            continue
        if category == "Zs" or part in _KEPT_CONTROLS:
            out.append(" ")
            continue
        if category == "Pd" or part == "\u2212":
            out.append("-")
            continue
        lower = part.casefold()
        spelled = _TRANSLITERATION.get(lower)
        if spelled is not None:
            out.append(spelled)
            continue
        for piece in lower:
            look = _LOOKALIKES.get(piece)
            if look is not None:
                out.append(look)
                continue
            base = unicodedata.normalize("NFKD", piece)
            out.append("".join(c for c in base if not unicodedata.combining(c)) or piece)
    return "".join(out)


_CACHE: dict[str, str] = {}
# ASCII stretches, broken only by a character reference (`&#64;`, `&commat;`) or the
# percent-encoded `@` and `.` of a `mailto:` link; those references; any other character.
_REFERENCE = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|%(?:40|2[eE])"
_SEGMENTS = re.compile(
    rf"(?P<plain>(?:[^&%\x80-\U0010ffff]++|(?!{_REFERENCE})[&%])++)"
    rf"|(?P<reference>{_REFERENCE})"
    r"|[^\x00-\x7f]"
)
_PERCENT = {"%40": "@", "%2e": ".", "%2E": "."}
_ASCII_CONTROLS = {code: " " for code in (*range(32), 127)}


def _decoded(reference: str) -> str | None:
    """What a character reference or a percent-encoding stands for; None if nothing."""
    if reference[0] == "%":
        return _PERCENT.get(reference)
    if reference[1] == "#":
        number = reference[2:-1]
        code = int(number[1:], 16) if number[:1] in "xX" else int(number)
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
        return None
    import html  # noqa: PLC0415  (its table of names: only a message with `&name;` needs it)

    named = html.unescape(reference)
    return named if named != reference else None


def _folded(segment: str, reference: bool) -> str | None:
    """What a character, or a reference, becomes in the shadow; None: a reference to nothing."""
    cached = _CACHE.get(segment)
    if cached is None:
        if reference:
            decoded = _decoded(segment)
            if decoded is None:
                return None
            cached = _fold_char(decoded)
        else:
            cached = _fold_char(segment)
        if len(_CACHE) < 4096:  # bounded: a hostile text cannot grow it without end
            _CACHE[segment] = cached
    return cached


def shadow_of(text: str) -> Shadow:
    """The shadow copy of `text`, with the way back to the original."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    previous = ""
    for segment in _SEGMENTS.finditer(text):
        position = segment.start()
        run = segment.group(0)
        kind = segment.lastgroup
        # `u` + combining diaeresis is `ü`: its transliteration adds the `e`.
        umlaut = run == _UMLAUT_MARK and previous in {"a", "o", "u"}
        folded = None if kind == "plain" else "e" if umlaut else _folded(run, kind is not None)
        if folded is None:
            # ASCII stretches (and references to nothing) keep their length, lower-cased,
            # controls made spaces: copied whole.
            pieces.append(run.lower().translate(_ASCII_CONTROLS))
            starts.extend(range(position, position + len(run)))
            ends.extend(range(position + 1, position + len(run) + 1))
            previous = run[-1].lower()
            continue
        if not folded:
            continue
        pieces.append(folded)
        starts.extend([position] * len(folded))
        ends.extend([position + len(run)] * len(folded))
        previous = folded[-1]
    return Shadow("".join(pieces), starts, ends)
