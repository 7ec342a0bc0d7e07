"""The contact's own data in the message: names, company, street, e-mail, phone, however spelled.

Both the contact's values and the message's words are reduced to a canonical spelling:
the shadow copy has already folded case, diacritics (`ü` -> `ue`), other alphabets'
look-alike letters and invisible characters; here `ae`/`oe`/`ue` become `a`/`o`/`u` and
doubled letters one, so `Müller`, `Mueller`, `MULLER` and `Muller` meet, and so do
`Oberhöller` and `Oberhoeller`. Street types meet their abbreviations (`Str.`/`Strasse`/
`Straße`, also glued to the name as in `Hauptstr.`; `V.`/`Via`, `P.zza`/`Piazza`,
`V.le`/`Viale`, `C.so`/`Corso`, `ul.`/`Ulica`); a street goes with its own house number
however spaced (`12b` as `12 B`, `3/c`, `12 int. 3`) or any number after it. `đ`/`dj` and
`ð`/`dh` are read as `d`. A value matches a run of whole words (so `Berg` does not
match inside `Bergamo`), letters spelled out one by one (`R o s s i`, `R-o-s-s-i`)
are read as one word, and so are a value's pieces (`Mül-ler`, `Jür gen`) and a value of
several words written as one (`DeLuca` for `De Luca`). One pass over the words with a
dictionary look-up each: linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from inquiries.domain.model import Contact
from inquiries.domain.redaction.shadow import shadow_of

Span = tuple[int, int]

_LETTERS = r"[^\W\d_]"
# Words, with the Italian street abbreviations (`p.zza`, `v.le`, `c.so`) as one word each.
_WORD = re.compile(
    rf"(?:p\.? ?zz?a|v\.le|c\.so)(?!{_LETTERS})|{_LETTERS}++",
)
# Letters typed one by one: `r o s s i`, `r-o-s-s-i`, `r.o.s.s.i` (a transliterated `ü` is two).
_UNIT = rf"(?:ae|oe|ue|ss|{_LETTERS})(?!{_LETTERS})"
_SPACED = re.compile(rf"(?<!{_LETTERS}){_UNIT}(?:[ .\-_*/]{{1,2}}{_UNIT})++")
_NOT_LETTERS = re.compile(rf"(?:(?!{_LETTERS}).)+", re.DOTALL)
_UMLAUT = re.compile(r"(?<=[aou])e")
# `dj` of `đ` and `dh` of `ð` read as `d`: `Đorđe`, `Djordje` and `Dorde` meet.
_D_DIGRAPH = re.compile(r"(?<=d)[jh]+")
_DOUBLED = re.compile(r"(.)\1+")
# A house number after a street: `5`, `Nr. 5`, `12b`, `12 B`, `3/c`, `7/2`, `12 int. 3`.
_EXTRA = r"(?:int|interno|sc|scala|stiege|stg|top|tuer|whg|app|apt|bis|ter)"
_HOUSE_NUMBER = re.compile(
    r"[ ,.]{0,3}(?:(?:nr|no|n)\. ?)?\d{1,5}(?: ?/? ?[a-z](?![^\W\d_])|/\d{1,3})?(?![^\W_])"
    rf"(?:[ ,.]{{1,3}}{_EXTRA}\.? ?\d{{1,4}}(?!\d))?"
)
_DIGITS = re.compile(r"(?<!\d)\d(?:[ ./()\-]{0,2}\d){5,}+")
_NON_DIGITS = re.compile(r"\D+")


def canonical(word: str) -> str:
    """The canonical spelling of one shadow word: umlauts, `dj`/`dh` and doubled letters reduced."""
    return _DOUBLED.sub(r"\1", _D_DIGRAPH.sub("", _UMLAUT.sub("", word)))


def _canonical_set(words: set[str]) -> frozenset[str]:
    return frozenset(canonical(w) for w in words)


_STREET = "str"
_ALIASES = {
    "v": "via", "pza": "piaza", "vle": "viale", "cso": "corso", "strase": _STREET, "ul": "ulica",
}  # fmt: skip
_STREET_TYPES = _canonical_set(
    {"via", "viale", "corso", "piazza", "vicolo", "largo", _STREET, "rue", "avenue", "platz",
     "gasse", "weg", "road", "street", "lane", "place", "allee", "ulica"}
)  # fmt: skip
# Parts of a name that are words of their own: not matched alone.
_PARTICLES = _canonical_set(
    {"de", "di", "da", "del", "della", "dei", "van", "von", "der", "den", "la", "le", "lo",
     "du", "dos", "zu", "mc", "al", "el", "y", "e"}
)  # fmt: skip
# Words of a company name that say what, not who: matched only with the rest of the name.
_GENERIC = _canonical_set(
    {"gmbh", "ag", "kg", "og", "ohg", "ug", "ev", "srl", "sas", "snc", "spa", "sa", "sarl",
     "ltd", "limited", "inc", "llc", "plc", "co", "und", "and", "the", "e", "ed", "group",
     "grupo", "holding", "service", "services", "solutions", "consulting", "tischlerei",
     "schreinerei", "bau", "holz", "fenster", "tueren", "tuer", "immobilien", "hotel",
     "restaurant", "pizzeria", "studio", "architekten", "architetti", "impresa", "edilizia",
     "costruzioni", "falegnameria", "serramenti", "handel", "technik", "haus", "casa",
     "immobiliare", "building", "construction", "windows", "doors", "porte", "finestre",
     "albergo", "gasthof", "pension", "garten", "home", "house"}
)  # fmt: skip
_MIN_ALONE = 2  # letters: a one-letter initial alone is no one's name


# Bounded: a hostile text cannot grow a cache without end.
_CACHED = 65536


@lru_cache(maxsize=_CACHED)
def _items(word: str) -> tuple[str, ...]:
    """A word as canonical items; a street glued to its type (`hauptstr`) is two."""
    letters = _NOT_LETTERS.sub("", word)
    # The type comes off before letters are reduced: `moos|strasse`, not `mo|strase`.
    for suffix in ("strasse", "strase", "str"):
        if letters.endswith(suffix) and len(letters) > len(suffix):
            return (_canonical_word(letters[: -len(suffix)]), _STREET)
    return (_canonical_word(letters),)


def _canonical_word(letters: str) -> str:
    base = canonical(letters)
    return _ALIASES.get(base, base)


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    street: bool = False  # a house number after it (or the contact's own before it) goes too


def _words_of(value: str) -> list[str]:
    return [item for m in _WORD.finditer(shadow_of(value).text) for item in _items(m.group(0))]


def _is_glued_street(value: str) -> bool:
    """`Hauptstraße`: the street's type is part of its name's word."""
    return any(len(_items(m.group(0))) > 1 for m in _WORD.finditer(shadow_of(value).text))


_TOKEN = re.compile(r"\d+|[^\W\d_]+")
# Words a house number may hold besides digits and a letter or two (`int. 3`, `Stiege 2`).
_NUMBER_WORDS = frozenset(
    {"int", "interno", "sc", "scala", "stiege", "stg", "top", "tuer", "whg", "app", "apt",
     "bis", "ter", "piano", "stock", "wohnung", "apartment", "flat", "unit"}
)  # fmt: skip
_NUMBER_SIGNS = frozenset({"nr", "no", "n"})
_LEADING_NUMBER = re.compile(r"[ ,.]*(\d{1,6})(?:(?:/|-| ?)([^\W\d_])(?![^\W\d_]))?")
_APART = "[ ./,-]{1,3}"  # between two tokens of a number that must not run together
_MAYBE_APART = "[ ./,-]{0,3}"  # between digits and letters: `12b`, `12 B`, `12/b`


@dataclass(frozen=True)
class _StreetNumber:
    """A stored street cut into its name and its own house number, as patterns."""

    name: str  # the shadow of the street without its number
    after: re.Pattern[str] | None = None  # the number, read right after the name
    before: re.Pattern[str] | None = None  # the number of a street written number first


def _number_pattern(tokens: list[str]) -> str:
    """The tokens of a house number, however spaced, cased or punctuated between them."""
    out = [re.escape(tokens[0])]
    for previous, token in pairwise(tokens):
        mixed = previous.isdigit() != token.isdigit()
        out.append((_MAYBE_APART if mixed else _APART) + re.escape(token))
    return "".join(out) + r"(?!\w)"


@lru_cache(maxsize=256)
def _street_number(street: str) -> _StreetNumber:
    """The contact's street as its name and its house number (`Via Verdi` and `12 int. 3`).

    A number after the name is every token from the earliest run of digits on that is
    followed only by digits, letters one or two long and words like `int`, `Stiege`,
    `Top`: `12b`, `22 B`, `3/c`, `12 int. 3`, `5 Stiege 2 Top 7`. A street that begins
    with digits (`12, rue de la Gare`) has its number first: the digits and a letter.
    """
    shadow = shadow_of(street).text
    tokens = list(_TOKEN.finditer(shadow))
    cut = None
    for index in range(len(tokens) - 1, 0, -1):
        token = tokens[index].group(0)
        if token.isdigit():
            cut = index
        elif not (len(token) <= 2 or token in _NUMBER_WORDS):
            break
    if cut is not None:
        number = [t.group(0) for t in tokens[cut:] if t.group(0) not in _NUMBER_SIGNS]
        name_end = tokens[cut].start()
        if tokens[cut - 1].group(0) in _NUMBER_SIGNS and cut > 1:  # `Hauptstraße Nr. 5`
            name_end = tokens[cut - 1].start()
        after = rf"[ ,.]{{0,3}}(?:(?:nr|no|n)\.? ?)?{_number_pattern(number)}"
        return _StreetNumber(shadow[:name_end], after=re.compile(after))
    leading = _LEADING_NUMBER.match(shadow)
    if leading is not None and tokens and tokens[0].group(0).isdigit():
        number = [g for g in leading.groups() if g]
        before = rf"(?<!\w){_number_pattern(number)}[ ,.]{{0,3}}$"
        return _StreetNumber(shadow[leading.end() :], before=re.compile(before))
    return _StreetNumber(shadow)


def _patterns(contact: Contact) -> list[_Pattern]:
    found: set[_Pattern] = set()
    for value in (contact.first_name, contact.last_name):
        words = _words_of(value or "")
        if words:
            found.add(_Pattern(tuple(words)))
        found.update(_Pattern((w,)) for w in words if len(w) >= _MIN_ALONE and w not in _PARTICLES)
    company = _words_of(contact.company or "")
    if company:
        found.add(_Pattern(tuple(company)))
        found.update(_Pattern((w,)) for w in company if len(w) >= 4 and w not in _GENERIC)
    street = _words_of(_street_number(contact.street or "").name)
    if street:
        found.add(_Pattern(tuple(street), street=True))
        # `Via Cavour` also as `Cavour`, `Rue de la Gare` as `de la Gare`: the name without
        # its type, where the type is a word of its own (not `Haupt` of `Hauptstraße`).
        stripped = [w for w in street if w not in _STREET_TYPES]
        glued = _is_glued_street(_street_number(contact.street or "").name)
        if stripped and len("".join(stripped)) >= 4 and not glued:
            found.add(_Pattern(tuple(stripped), street=True))
    return [p for p in found if p.words and all(p.words)]


# Other spellings of a street type's abbreviations, for the search below.
_ALIAS_SURFACES = {
    "via": r"v(?![^\W\d_])",
    "piaza": r"p\.? ?zz?a",
    "viale": r"v\.le",
    "corso": r"c\.so",
    "ulica": r"ul(?![^\W\d_])",
}
_WORD_START = rf"(?<!{_LETTERS})"


def _surface(word: str) -> str:
    """A pattern for the start of every word whose canonical spelling starts with `word`.

    Each letter may be doubled, `e`s may follow `a`/`o`/`u` (`ue` of `ü`, `oeo` read as
    `o`), and `j`s or `h`s a `d` (`dj` of `đ`). Adjacent letters of a canonical word differ
    and none follows a `d` as `j` or `h`, so every repetition is possessive and never has
    to give back: linear.
    """
    return "".join(re.escape(c) + _AFTER.get(c, "++") for c in word)


_AFTER = {"a": "(?:a|e)*+", "o": "(?:o|e)*+", "u": "(?:u|e)*+", "d": "[djh]*+"}


def _search(patterns: list[_Pattern]) -> re.Pattern[str]:
    """Where a pattern may start: at the start of a word spelled like its first word."""
    firsts = sorted({p.words[0] for p in patterns}, key=len, reverse=True)
    alternatives = [_surface(w) for w in firsts]
    alternatives += [_ALIAS_SURFACES[w] for w in firsts if w in _ALIAS_SURFACES]
    return re.compile(rf"{_WORD_START}(?:{'|'.join(alternatives)})")


def own_data(text: str, contact: Contact) -> Iterator[Span]:
    """Spans of `text` (a shadow copy) that hold the contact's own data."""
    patterns = _patterns(contact)
    if not patterns:
        return
    by_first: dict[str, list[_Pattern]] = {}
    for pattern in patterns:
        by_first.setdefault(pattern.words[0], []).append(pattern)
    longest = max(len(p.words) for p in patterns)
    own_number = _street_number(contact.street or "")
    # A regular expression finds the few places worth a look; only there are words read.
    for candidate in _search(patterns).finditer(text):
        start = candidate.start()
        items = _items_from(text, start, longest)
        if not items:
            continue
        word = items[0][0]
        options = list(by_first.get(word, ()))
        if word.endswith("s"):  # the genitive: `Müllers Haus`, `Rossi's`
            options += [p for p in by_first.get(word[:-1], ()) if len(p.words) == 1]
        for pattern in options:
            end = _match(items, pattern.words)
            if end is None:
                continue
            if pattern.street:
                start, end = _with_house_number(text, start, end, own_number)
            yield start, end
    yield from _spaced_out(text, patterns)
    yield from _in_pieces(text, patterns)
    yield from _email_and_phone(text, contact)


def _with_house_number(text: str, start: int, end: int, own: _StreetNumber) -> Span:
    """A street found at `start:end` with its house number: its own, or any after it."""
    ends = [end]
    for found in (_HOUSE_NUMBER.match(text, end), own.after and own.after.match(text, end)):
        if found:
            ends.append(found.end())
    if own.before is not None:
        # The number of a street written number first: in the few characters before it.
        before = own.before.search(text, max(0, start - 24), start)
        if before is not None:
            start = before.start()
    return start, max(ends)


_GAP = re.compile(r"[^\w]{0,3}")


def _items_from(text: str, start: int, count: int) -> list[tuple[str, int]]:
    """Up to `count` canonical items from `start`, each with its end; stops at a wide gap."""
    items: list[tuple[str, int]] = []
    position = start
    while len(items) < count:
        word = _WORD.match(text, position)
        if word is None:
            break
        items.extend((item, word.end()) for item in _items(word.group(0)))
        gap = _GAP.match(text, word.end())
        assert gap is not None  # `{0,3}` always matches
        position = gap.end()
    return items


def _match(items: list[tuple[str, int]], words: tuple[str, ...]) -> int | None:
    """The end of `words` matched at the start of `items`, or None."""
    if len(items) < len(words):
        return None
    for index, expected in enumerate(words):
        word = items[index][0]
        last = index == len(words) - 1
        if word != expected and not (last and word == expected + "s"):
            return None
    return items[len(words) - 1][1]


def _spaced_out(text: str, patterns: list[_Pattern]) -> Iterator[Span]:
    joined = {"".join(p.words) for p in patterns if len("".join(p.words)) >= 3}
    if not joined:
        return
    for match in _SPACED.finditer(text):
        letters = canonical(_NOT_LETTERS.sub("", match.group(0)))
        if any(value in letters for value in joined):
            yield match.span()


# Between a value's pieces: up to three of whatever is neither letter, digit nor line
# break (`Mül-ler`, `Jür gen`, `Mül - ler`).
_JOINT = re.compile(r"[^\w\n]{1,3}")
_PIECES = 4  # a value cut into at most this many pieces
_MIN_PIECED = 4  # letters: a shorter value in pieces is too likely an innocent pair of words


_canonical_cached = lru_cache(maxsize=_CACHED)(canonical)


def _letters(word: str) -> str:
    """A word's letters: a word is letters only but for `p.zza`, `v.le`, `c.so`."""
    return word if word.isalpha() else _NOT_LETTERS.sub("", word)


def _in_pieces(text: str, patterns: list[_Pattern]) -> Iterator[Span]:
    """A value written in pieces (`Mül-ler`), or its words glued into one (`DeLuca`).

    The pieces are words of the text next to each other; joined, their canonical spelling
    is the value's (all its words joined), or that and an `s`. Only words that begin with
    a value's first letter are read, and a run grows only while what it has joined so far
    begins some value: each word is read at most `_PIECES` times.
    """
    values = {canonical("".join(p.words)) for p in patterns}
    values = {value for value in values if len(value) >= _MIN_PIECED}
    if not values:
        return
    glued = {canonical("".join(p.words)) for p in patterns if len(p.words) > 1} & values
    beginnings = {value[:n] for value in values for n in range(1, len(value))}
    initials = "".join(sorted({re.escape(value[0]) for value in values}))
    for candidate in re.finditer(rf"{_WORD_START}[{initials}]", text):
        first = _WORD.match(text, candidate.start())
        if first is None:
            continue
        letters = _letters(first.group(0))
        joined = _canonical_cached(letters)
        if joined in glued:
            yield first.span()
            continue
        end = first.end()
        for _ in range(_PIECES - 1):
            joint = _JOINT.match(text, end) if joined in beginnings else None
            piece = _WORD.match(text, joint.end()) if joint is not None else None
            if piece is None:
                break
            letters += _letters(piece.group(0))
            end = piece.end()
            joined = _canonical_cached(letters)
            if joined in values or (joined.endswith("s") and joined[:-1] in values):
                yield first.start(), end
                break


def _email_and_phone(text: str, contact: Contact) -> Iterator[Span]:
    local = contact.email.partition("@")[0].casefold()
    if len(local) >= 4:
        position = text.find(local)
        while position != -1:
            yield position, position + len(local)
            position = text.find(local, position + len(local))
    phone = _NON_DIGITS.sub("", contact.phone or "")
    if len(phone) >= 6:
        tail = phone[-6:]  # the subscriber's part, whatever prefix is written before it
        for match in _DIGITS.finditer(text):
            if tail in _NON_DIGITS.sub("", match.group(0)):
                yield match.span()
