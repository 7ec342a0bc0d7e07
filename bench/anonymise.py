"""Benchmark: redacting a message for a partner, typical messages against hostile ones.

    python bench/anonymise.py [--repeat 7] [--number 10]

Every message is 5,000 characters (the most `POST /inquiries` accepts). Typical
messages are prospects' texts in German, Italian and English with the contact's own
data, e-mail, phone, street, dates, sizes and prices in them. Hostile messages are
the shapes that make backtracking patterns explode or that maximise the findings:
`a.` / `1.` / `@` repeated, long digit and letter runs, spelled-out `at`/`dot`
chains, IBAN-like groups, invisible characters, the contact's name 800 times, and
hundreds of candidates that need `phonenumbers` or `python-stdnum` to decide (lists
of sizes, valid IBANs, VAT- and tax-code-shaped strings).

Each message is redacted `number` times per round, `repeat` rounds; the best round
counts (the least disturbed by the other processes on the machine). The table gives
milliseconds per message and the ratio to the median typical message. The aim (issue
9): the worst hostile message costs at most 3 times a typical one of the same length,
and under 20 ms. A last table shows the worst hostile shape at 1,250, 2,500 and 5,000
characters: linear time doubles with the length.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

try:
    from inquiries.domain.anonymise import anonymise_message
    from inquiries.domain.model import Contact
except ImportError:  # the project is not installed: use the layer's source directly
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common" / "python"))
    from inquiries.domain.anonymise import anonymise_message
    from inquiries.domain.model import Contact

LENGTH = 5000
AIM_RATIO = 3.0
AIM_MS = 20.0

CONTACT = Contact(
    first_name="Anna",
    last_name="Rossi",
    email="anna.rossi@example.com",
    phone="+39 0471 123456",
    street="Via Roma 1",
    postal_code="39100",
    city="Bolzano",
    country="IT",
    company="Tischlerei Sonnwend",
)

PARAGRAPHS = {
    "typical de": (
        "Guten Tag, ich bin Anna Rossi von der Tischlerei Sonnwend. Wir renovieren unser Haus "
        "in der Via Roma 1 und brauchen 12 neue Holz-Alu-Fenster (120x140 cm) mit "
        "Dreifachverglasung, dazu eine Haustür 110 x 210 cm in RAL 7016. Bitte um ein Angebot "
        "bis 12.01.2027, Budget etwa 15.000 EUR. Erreichbar unter 0471 123456 oder per Mail an "
        "anna.rossi@example.com, Fotos auf www.sonnwend-holz.it. Termin vor Ort gern am "
        "03.12.2026 um 10:30 Uhr. Danke und viele Grüße! "
    ),
    "typical it": (
        "Buongiorno, sono Anna Rossi, abito in Via Roma 1 a Bolzano. Ci servono 8 finestre in "
        "legno-alluminio 100 x 140 e una porta scorrevole di 3 metri, triplo vetro, colore "
        "bianco. Il budget è di circa 20.000 euro, lavori entro il 15.03.2027. Potete "
        "chiamarmi al 333 1234567 o scrivere a anna.rossi chiocciola example punto com. "
        "Preferisco essere contattata dopo le 18:00. Grazie mille e cordiali saluti. "
    ),
    "typical en": (
        "Hello, this is Anna Rossi (Tischlerei Sonnwend). We are renovating our house at "
        "Via Roma 1 and need 6 windows of 120x140 cm and a sunroom of about 4 x 5 m, triple "
        "glazing, aluminium frames. Our budget is around 25,000 EUR and we hope to start in "
        "spring 2027. Call me on +39 0471 123456 or email anna.rossi@example.com; photos at "
        "sonnwend-holz.it/fotos. Thanks a lot, best regards. "
    ),
}

HOSTILE = {
    "a. repeated": "a.",
    "1. repeated": "1.",
    "@ repeated": "@",
    "a@ repeated": "a@",
    "@a repeated": "@a",
    "digit run": "1",
    "letter run": "a",
    "a and spaces": "a ",
    "digits and spaces": "1 ",
    "a.1 repeated": "a.1",
    "a at chain": "a at ",
    "a dot chain": "a dot ",
    "(at) (dot) chain": "x (at) y (dot) ",
    "IBAN-like groups": "de12 ",
    "www. repeated": "www.",
    "zero-width in digits": "0\u200b",
    "umlauts": "ü",
    "name 800 times": "Rossi ",
    "spaced name": "R o s s i ",
    "phones back to back": "0471 123456 ",
    "e-mails back to back": "a@b.it ",
    "dates back to back": "12.01.2027 ",
    "lists of sizes": "120 140 160 x ",
    "thousands": "1.250.000 ",
    "valid IBANs": "DE89370400440532013000 ",
    "VAT-like": "de 123456789 ",
    "tax-code-like": "rssmra85t10a562x ",
    "tax codes in groups": "mll jgn 80a01 a952x ",
    "character references": "a&#64;b&period;",
    "unknown references": "&ab;&x;",
    "percent-encoded @": "a%40",
    "spaced-dot domain": "a @ b . ",
    "x-joined digits": "0471x",
    "star and bar digits": "0471*| ",
    "letters without decomposition": "łøđþæ",
}


def _fill(unit: str, length: int = LENGTH) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def _best_ms(message: str, repeat: int, number: int) -> float:
    anonymise_message(message, CONTACT)  # warm: lazy imports, caches
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            anonymise_message(message, CONTACT)
        rounds.append((time.perf_counter() - start) / number * 1000)
    return min(rounds)


def _table(rows: list[tuple[str, float, str]], fmt: Callable[[float], str]) -> None:
    width = max(len(name) for name, _, _ in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {fmt(value):>9}  {note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=10)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {LENGTH} characters each")

    typical = {
        name: _best_ms(_fill(text), args.repeat, args.number) for name, text in PARAGRAPHS.items()
    }
    baseline = statistics.median(typical.values())
    hostile = {
        name: _best_ms(_fill(unit), args.repeat, args.number) for name, unit in HOSTILE.items()
    }

    print("\nms per message")
    _table([(n, ms, "") for n, ms in typical.items()], lambda v: f"{v:.2f} ms")
    _table(
        [(n, ms, f"{ms / baseline:4.2f}x typical") for n, ms in hostile.items()],
        lambda v: f"{v:.2f} ms",
    )
    worst_name = max(hostile, key=lambda n: hostile[n])
    worst = hostile[worst_name]
    ratio = worst / baseline
    within = ratio <= AIM_RATIO and worst < AIM_MS
    print(
        f"\nworst hostile: {worst_name!r} {worst:.2f} ms = {ratio:.2f}x the median typical "
        f"({baseline:.2f} ms); aim <= {AIM_RATIO:.0f}x and < {AIM_MS:.0f} ms: "
        f"{'met' if within else 'NOT met'}"
    )

    print(f"\nlinear time: {worst_name!r} by length")
    unit = HOSTILE[worst_name]
    sizes = [LENGTH // 4, LENGTH // 2, LENGTH]
    times = [_best_ms(_fill(unit, size), args.repeat, args.number) for size in sizes]
    _table(
        [
            (f"{size} chars", ms, f"{ms / times[0]:4.2f}x the shortest")
            for size, ms in zip(sizes, times, strict=True)
        ],
        lambda v: f"{v:.2f} ms",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
