"""Detectors for numbers that identify or reach a person: phones, IBANs, tax and VAT numbers.

Phone numbers: a linear scanner finds runs of digits joined by any separator (space,
dot, slash, parentheses, `*`, `|`, any dash; the shadow copy has already dropped invisible
characters and made every dash a `-`), with or without a prefix such as `tel` glued
to them. Dates and times are masked first, so `12.01.2027 - 15.01.2027` stays. A run
of 7 or more digits is a phone number unless it is a price (a currency beside it), a
range of years, or a list of small numbers (`120 140 160`, `1.250.000`) that
`phonenumbers` does not read as a valid number of the contact's country or of its
neighbours. Shorter runs written like a phone number (`+`, `00`, a leading `0`) go
when `phonenumbers` reads them as valid. Groups joined by `x` (`347x123x4567`) go
when they are as long as a phone number, begin like one and are valid, so sizes such
as `120x140x160` stay. `phonenumbers`' own matcher is not used on
the text: it costs about 100 ms on 5,000 hostile characters (measured), 25 times the
budget; its parser and validator run on the few candidates the scanner finds.

IBANs and VAT numbers are found by shape and kept unless `python-stdnum` validates
them, so an order number of the same shape stays. An Italian tax code goes by its
strict shape alone (a month's letter, a day of a month), check letter right or not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

Span = tuple[int, int]

# Dates (day/month either way round, `2026-12-03`, `12.01.`) and times (`10:30`, `10.30 Uhr`).
_DATE_OR_TIME = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})(?P<s>[./-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?!\d)"
    r"|(?<!\d)(?P<iy>(?:19|20)\d\d)(?P<is>[./-])(?P<im>\d{1,2})(?P=is)(?P<id>\d{1,2})(?!\d)"
    r"|(?<![\d.])(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?!\d)"
    r"|(?<!\d)(?:[01]?\d|2[0-3])(?::[0-5]\d){1,2}(?!\d)"
    r"|(?<![\d.])(?:[01]?\d|2[0-3])\.[0-5]\d(?= ?(?:uhr|h|ore)\b)"
)
# Digits joined by separators; starts only where no digit is before it, then reads the
# run once (possessive, and digits and separators are disjoint sets).
# Runs of fewer than 6 digits fail inside the engine, never reaching Python.
_DIGIT_RUN = re.compile(r"(?<![\d+])\+?\(?\d(?:[ ./()\-_\\*|]{1,3}\d|\d){5,}+")
# Groups of digits joined by `x` (`347x123x4567`): read only where they are as long as a
# phone number and begin like one (`+`, `0`, or `3` of an Italian mobile), so sizes
# (`120x140x160`, `12 x 24`) stay. Bounded in length: constant work where it starts.
_X_RUN = re.compile(r"(?<![\d+.,])(?=[+03])(?:\+\d{1,3} ?)?\d{2,5}(?: ?x ?\d{2,5}){1,4}(?![\d.,])")
_X_DIGITS = range(9, 14)
_TABLED = str.maketrans("|*", "  ")
_NON_DIGITS = re.compile(r"\D+")
_ANY_DIGIT = re.compile(r"\d")
_CURRENCY_BEFORE = re.compile(r"(?:€|\$|£|eur|euro|chf|sfr|fr\.|usd|gbp)[ :]{0,2}$")
_CURRENCY_AFTER = re.compile(r"[ ,.-]{0,2}(?:€|\$|£|eur|euro|chf|sfr|fr\b|usd|gbp|k\b|mio)")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d ?[-/] ?(?:19|20)\d\d")
_LONG_ENOUGH = 7  # digits: the shortest full phone numbers of the region (and no date has 7)
_SURELY_A_NUMBER = 12  # digits: more than any price, quantity or size a prospect writes


class Checks:
    """How many slow validations (`phonenumbers`, `python-stdnum`) one message may cost.

    A validation takes 20 to 150 microseconds; a hostile message can hold hundreds of
    candidates. Past the budget a candidate is judged by its shape alone and redacted:
    the cost stays linear, and doubt goes to the contact's side.
    """

    def __init__(self, limit: int = 24) -> None:
        self.left = limit

    def allow(self) -> bool:
        """Whether one more validation may run (and count it)."""
        self.left -= 1
        return self.left >= 0


def _mask_dates(text: str) -> str:
    """`text` with every plausible date or time overwritten by `#`, same length."""

    def mask(match: re.Match[str]) -> str:
        groups = match.groupdict()
        if groups["d"] is not None:
            first, second = int(groups["d"]), int(groups["m"])
            plausible = (first <= 31 and 1 <= second <= 12) or (first <= 12 and second <= 31)
        elif groups["iy"] is not None:
            plausible = 1 <= int(groups["im"]) <= 12 and 1 <= int(groups["id"]) <= 31
        elif groups["dd"] is not None:
            plausible = 1 <= int(groups["dd"]) <= 31 and 1 <= int(groups["dm"]) <= 12
        else:
            plausible = True
        return "#" * len(match.group(0)) if plausible else match.group(0)

    return _DATE_OR_TIME.sub(mask, text)


def _valid_phone(candidate: str, regions: Iterable[str]) -> bool:
    """Whether `phonenumbers` reads the candidate as a valid number in one of the regions.

    A candidate without `+` or a leading `0` is read only where numbers are dialled
    without a trunk `0` (Italy, North America): in Austria or France `120 140 160` is
    a list of sizes, not a number written without its `0`.
    """
    import phonenumbers  # noqa: PLC0415  (heavy; only a message with digits needs it)

    unprefixed = not candidate.lstrip("(").startswith(("+", "0"))
    for region in regions:
        if unprefixed:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
            if metadata is None or metadata.national_prefix == "0":
                continue
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return True
    return False


def phone_numbers(
    text: str, regions: tuple[str, ...], checks: Checks | None = None
) -> Iterator[Span]:
    """Phone numbers in any notation; `regions` are the countries to read them in."""
    checks = checks or Checks()
    if _ANY_DIGIT.search(text) is None:
        return
    masked = _mask_dates(text)
    for match in _DIGIT_RUN.finditer(masked):
        start, end = match.span()
        run = match.group(0)
        digits = _NON_DIGITS.sub("", run)
        if len(digits) >= _SURELY_A_NUMBER:
            yield start, end
            continue
        written_as_phone = run.startswith(("+", "00", "(0", "0"))
        if len(digits) >= _LONG_ENOUGH:
            if _CURRENCY_BEFORE.search(text, max(0, start - 6), start) or _CURRENCY_AFTER.match(
                text, end
            ):
                continue  # a price: `€ 1.250.000`, `1 200 000 EUR`
            if _YEAR_RANGE.fullmatch(run):
                continue
            groups = [g for g in _NON_DIGITS.split(run) if g]
            small = all(len(g) <= 3 for g in groups) and len(groups) > 1
            # `|` and `*` also join the cells of a table and factors: `3 | 1200 | 1400`.
            tabled = "|" in run or "*" in run
            ambiguous = (small or tabled) and not written_as_phone
            if ambiguous and checks.allow() and not _valid_phone(run.translate(_TABLED), regions):
                continue  # `120 140 160`, `1.250.000`
            yield start, end
        elif (
            len(digits) >= 6
            and written_as_phone
            and (not checks.allow() or _valid_phone(run, regions))
        ):
            yield start, end
    for match in _X_RUN.finditer(masked):
        groups = [g for g in _NON_DIGITS.split(match.group(0)) if g]
        if len("".join(groups)) not in _X_DIGITS:
            continue
        plain = ("+" if match.group(0).startswith("+") else "") + " ".join(groups)
        if not checks.allow() or _valid_phone(plain, regions):
            yield match.span()


# --- IBAN, tax and VAT numbers ----------------------------------------------------------------

_IBAN_COMPACT = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}[a-z0-9]{11,30}(?![a-z0-9])")
_IBAN_GROUPED = re.compile(
    r"(?<![a-z0-9])[a-z]{2}\d{2}(?:[ -][a-z0-9]{4}){2,7}(?:[ -][a-z0-9]{1,3})?(?![a-z0-9])"
)
# Codice fiscale: surname and name (3 letters each), year, month (a letter), day (+40 for
# women), place (a letter and 3 digits), a check letter; omocodia may put a letter for any
# digit. Written whole or in its groups (`RSS MRA 85T10 A562S`), a space or dash between.
_OMOCODIA = "0-9lmnpqrstuv"
_CODICE_FISCALE = re.compile(
    r"(?<![a-z0-9])[a-z]{3}[ -]?[a-z]{3}[ -]?"
    rf"(?P<year>[{_OMOCODIA}]{{2}})[ -]?(?P<month>[abcdehlmprst])[ -]?(?P<day>[{_OMOCODIA}]{{2}})"
    rf"[ -]?[a-z][ -]?[{_OMOCODIA}]{{3}}[ -]?[a-z](?![a-z0-9])"
)
_OMOCODIA_DIGITS = str.maketrans("lmnpqrstuv", "0123456789")
# A VAT number: country prefix (`CHE` for Swiss UIDs), then 8 to 14 digits/letters with
# the separators people type.
_VAT = re.compile(r"(?<![a-z0-9])(?:[a-z]{2}|che)[ -]?(?:u ?)?\d[\d .-]{6,16}[0-9a-z](?![a-z0-9])")


def ibans(text: str, checks: Checks | None = None) -> Iterator[Span]:
    """IBANs, written compact or in groups, that `python-stdnum` validates."""
    checks = checks or Checks()
    for pattern in (_IBAN_COMPACT, _IBAN_GROUPED):
        for match in pattern.finditer(text):
            candidate = match.group(0)
            tries = 0
            # A grouped IBAN may be followed by a word of four characters: try shorter ones.
            while candidate:
                if _check_digits_fit(candidate) and (not checks.allow() or _valid_iban(candidate)):
                    yield match.start(), match.start() + len(candidate)
                    break
                head, sep, _ = candidate.rpartition(" ")
                if not sep:
                    head, sep, _ = candidate.rpartition("-")
                tries += 1
                candidate = head if sep and len(head) > 4 and tries <= 2 else ""


_IBAN_SEPARATORS = str.maketrans("", "", " -")


def _valid_iban(candidate: str) -> bool:
    # Imported here: `stdnum` (and the `pydoc` it imports) costs a cold request several
    # ms, and only a message with a candidate whose check digits fit needs it.
    from stdnum import iban  # noqa: PLC0415

    return bool(iban.is_valid(candidate))


def _check_digits_fit(candidate: str) -> bool:
    """The ISO 7064 mod 97 check alone: cheap, so `python-stdnum` sees few candidates."""
    compact = candidate.translate(_IBAN_SEPARATORS)
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _a_birth_day(day: str) -> bool:
    number = int(day.translate(_OMOCODIA_DIGITS))
    return 1 <= number <= 31 or 41 <= number <= 71


def tax_numbers(text: str, checks: Checks | None = None) -> Iterator[Span]:
    """Italian tax codes by their shape; EU VAT numbers and Swiss UIDs `python-stdnum` validates.

    A tax code's check letter is not required: its first fifteen characters are the
    person (name, birth date, birthplace), mistyped check letter or not. Its shape is
    strict enough that an order number does not have it: the month a month's letter and
    the day one of a month (1 to 31, or 41 to 71).
    """
    checks = checks or Checks()
    for match in _CODICE_FISCALE.finditer(text):  # omocodia may leave it without a digit
        if _a_birth_day(match.group("day")):
            yield match.span()
    if not any(c.isdigit() for c in text):
        return
    from stdnum.ch import uid  # noqa: PLC0415
    from stdnum.eu import vat  # noqa: PLC0415

    for match in _VAT.finditer(text):
        number = match.group(0)
        valid = uid.is_valid if number.startswith("che") else vat.is_valid
        if not checks.allow() or valid(number):
            yield match.span()
