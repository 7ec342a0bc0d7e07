# ruff: noqa: RUF001  (look-alike letters from other alphabets are what these tests are about)
"""Property: whatever a contact is called and however the message spells it, none of it stays.

The strategy makes a contact (names, company, street, e-mail, phone) and a message that
embeds its values in the variants of the contract: any case, `ue`/`oe`/`ae`/`ss` for
`ü`/`ö`/`ä`/`ß` or the letters without marks, a look-alike letter from another alphabet,
letters spaced out or hyphenated, a word cut into pieces (`Mül-ler`), an invisible
character inside, `Str.`/`Strasse`/`Straße`, `V.`/`Via`, `P.zza`/`Piazza`, e-mail
addresses spelled out in three languages, phone numbers with any separator.
`survivors` finds any of it in anything a partner got.
The HTTP test (tests/integration/test_anonymise_http.py) uses the same strategy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from inquiries.domain.anonymise import anonymise_message
from inquiries.domain.model import Contact

LAST = ["ober", "hol", "len", "zer", "mül", "ler", "grü", "ber", "kranz", "wal", "ther", "bian",
        "chi", "roß", "sin", "fag", "gio", "lan", "dör", "fler", "häu", "sel", "bach", "moos",
        "brun", "zan", "ot", "tel", "pfeif", "stö", "cker", "märz"]  # fmt: skip
FIRST = ["an", "na", "lu", "ka", "jo", "sef", "mar", "co", "giu", "lia", "jür", "gen", "ul",
         "ri", "ke", "bär", "bel"]  # fmt: skip
TLDS = ["com", "it", "de", "at", "ch", "xyz", "shop", "online", "net", "bz.it", "co.uk"]
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"}
GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
FILLER = [
    "Guten Tag,",
    "Buongiorno,",
    "Hello,",
    "wir renovieren unser Haus.",
    "abbiamo una casa a Bolzano.",
    "we are renovating.",
    "Bitte um Rückmeldung.",
    "Grazie mille.",
    "Thanks a lot.",
]
TAIL = "Wir brauchen 3 Fenster 120x140 cm bis 12.01.2027, Budget 15.000 EUR."


@dataclass
class Prospect:
    contact: dict[str, Any]
    message: str
    message_tail: str
    variants: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # name-like values, checked as words
    local_part: str = ""
    domain: str = ""
    phone_digits: str = ""

    def model(self) -> Contact:
        return Contact(**self.contact)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", "".join(GERMAN.get(c, c) for c in text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word_variant(draw: st.DrawFn, word: str) -> str:
    """One of the contract's spellings of a name-like word."""
    kind = draw(
        st.sampled_from(
            ["as is", "upper", "lower", "german", "no marks", "homoglyph", "spaced", "hyphens",
             "dots", "pieces", "invisible", "fullwidth"]
        )
    )  # fmt: skip
    if kind == "upper":
        return word.upper()
    if kind == "lower":
        return word.lower()
    if kind == "german":
        return "".join(GERMAN.get(c, c) for c in word)
    if kind == "no marks":
        return "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
    if kind == "homoglyph":
        spots = [i for i, c in enumerate(word) if c in HOMOGLYPHS]
        if not spots:
            return word
        i = draw(st.sampled_from(spots))
        return word[:i] + HOMOGLYPHS[word[i]] + word[i + 1 :]
    if kind in {"spaced", "hyphens", "dots"}:
        return {"spaced": " ", "hyphens": "-", "dots": "."}[kind].join(word)
    if kind == "pieces":  # `Mül-ler`, `Jür gen`: cut once or twice, not letter by letter
        cuts = sorted(draw(st.sets(st.integers(1, len(word) - 1), min_size=1, max_size=2)))
        joint = draw(st.sampled_from([" ", "-", " - ", "."]))
        bounds = [0, *cuts, len(word)]
        return joint.join(word[a:b] for a, b in pairwise(bounds))
    if kind == "invisible":
        i = draw(st.integers(1, len(word) - 1))
        return word[:i] + draw(st.sampled_from(["\u200b", "\u200d", "\u00ad", "\u2060"])) + word[i:]
    if kind == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "a" <= c.lower() <= "z" else c for c in word)
    return word


def _name(draw: st.DrawFn, syllables: list[str], count: tuple[int, int]) -> str:
    parts = draw(st.lists(st.sampled_from(syllables), min_size=count[0], max_size=count[1]))
    name = "".join(parts)
    if len(name) < 5:
        name += "bach"
    return name[0].upper() + name[1:]


@st.composite
def prospects(draw: st.DrawFn) -> Prospect:
    """A contact and a message that embeds its values, each in a variant of the contract."""
    first = _name(draw, FIRST, (2, 2))
    last = _name(draw, LAST, (2, 3))
    company_name = _name(draw, LAST, (2, 2))
    company = f"{company_name} {draw(st.sampled_from(['GmbH', 'Srl', 'AG', 'Bau']))}"
    street_name = _name(draw, LAST, (2, 2))
    number = draw(st.integers(1, 199))
    street_kind = draw(st.sampled_from(["straße", "via", "piazza"]))
    street = {
        "straße": f"{street_name}straße {number}",
        "via": f"Via {street_name} {number}",
        "piazza": f"Piazza {street_name} {number}",
    }[street_kind]
    written_street = {
        "straße": draw(
            st.sampled_from(["straße", "strasse", "str.", "Str.", "STRASSE", "-Straße"])
        ),
        "via": draw(st.sampled_from(["Via", "via", "V.", "VIA"])),
        "piazza": draw(st.sampled_from(["Piazza", "P.zza", "P.za", "piazza", "P.ZZA"])),
    }[street_kind]
    street_name_variant = draw(
        st.sampled_from([street_name, street_name.upper(), _ascii(street_name)])
    )
    if street_kind == "straße":
        street_variant = f"{street_name_variant}{written_street} {number}"
    else:
        street_variant = f"{written_street} {street_name_variant} {number}"

    local = _ascii(first).lower() + draw(st.sampled_from(["", ".", "_"])) + _ascii(last).lower()
    local += draw(st.sampled_from(["", "77", "2027"]))
    label = _ascii(company_name).lower()
    tld = draw(st.sampled_from(TLDS))
    email = f"{local}@{label}.{tld}"
    at = draw(st.sampled_from(["@", " at ", " (at) ", " [at] ", " chiocciola ", " AT ", " {at} "]))
    dot = draw(st.sampled_from([".", " dot ", " (dot) ", " punto ", " Punkt ", " [dot] "]))
    email_variant = f"{local}{at}{label}{dot}{tld.replace('.', dot)}"

    subscriber = draw(st.text(alphabet="0123456789", min_size=6, max_size=7))
    phone = f"+39 0471 {subscriber}"
    sep = draw(st.sampled_from([" ", "-", "–", "—", "/", ".", "\u200b", "", " / "]))
    prefix = draw(st.sampled_from(["", "tel", "Tel. ", "+39 ", "0039 "]))
    phone_variant = f"{prefix}0471{sep}{subscriber[:3]}{sep}{subscriber[3:]}"

    mentions = [
        _word_variant(draw, first),
        _word_variant(draw, last),
        _word_variant(draw, company_name),
        street_variant,
        email_variant,
        phone_variant,
    ]
    order = draw(st.permutations(mentions))
    pieces = []
    for mention in order:
        pieces += [draw(st.sampled_from(FILLER)), mention, draw(st.sampled_from([",", ";", " -"]))]
    message = " ".join([*pieces, TAIL])
    contact = {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "street": street,
        "postal_code": "39100",
        "city": "Bolzano",
        "country": "IT",
        "company": company,
    }
    return Prospect(
        contact=contact,
        message=message,
        message_tail=TAIL,
        variants=mentions,
        words=[first, last, company_name, street_name],
        local_part=local,
        domain=label,
        phone_digits=subscriber,
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def survivors(prospect: Prospect, answer: Any) -> list[str]:
    """Every value of the prospect, in any variant, found in `answer` (text or JSON)."""
    found = []
    for text in _strings(answer):
        folded = text.casefold()
        plain = _ascii(unicodedata.normalize("NFKC", text)).casefold()
        for variant in prospect.variants:
            if variant.casefold() in folded:
                found.append(f"{variant!r} in {text!r}")
        for word in prospect.words:
            for spelling in {_ascii(word).casefold(), word.casefold()}:
                if re.search(rf"(?<![^\W\d_]){re.escape(spelling)}(?![^\W\d_])", plain):
                    found.append(f"{word!r} in {text!r}")
        for value in (prospect.local_part, prospect.domain):
            if value.casefold() in plain:
                found.append(f"{value!r} in {text!r}")
        if prospect.phone_digits in re.sub(r"\D", "", text):
            found.append(f"phone digits in {text!r}")
    return found


@settings(max_examples=400, deadline=None)
@given(prospect=prospects())
def test_no_value_of_the_contact_survives_in_any_variant(prospect: Prospect) -> None:
    answer = anonymise_message(prospect.message, prospect.model())
    assert answer is not None
    assert survivors(prospect, answer) == []
    assert answer.endswith(prospect.message_tail)  # what is not contact data stays


@settings(max_examples=100, deadline=None)
@given(prospect=prospects())
def test_the_strategy_embeds_every_value_it_checks(prospect: Prospect) -> None:
    # Without redaction, each kind of value is found: the property above can fail.
    assert survivors(prospect, prospect.message)
    assert survivors(prospect, prospect.contact)
