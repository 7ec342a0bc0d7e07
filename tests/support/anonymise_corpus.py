"""The anonymisation corpus: cases that must go and cases that must stay, and how to judge them.

The cases live in `tests/unit/data/anonymise_corpus.json`: contacts, and for each case
a language, the contact whose inquiry it is, the message, and either `"kind": "go"` with
the secrets written in it, or `"kind": "stay"`: the message must come back unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inquiries.domain.model import Contact

CORPUS = Path(__file__).resolve().parents[1] / "unit" / "data" / "anonymise_corpus.json"
REDACTED = "[redacted]"
_WORDS = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Case:
    number: int
    lang: str
    contact_key: str
    contact: dict[str, Any]
    kind: str
    text: str
    secrets: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.number:03d}-{self.kind}-{self.lang}-{self.contact_key}"

    def contact_model(self) -> Contact:
        return Contact(**self.contact)


def load_cases() -> list[Case]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    return [
        Case(
            number,
            case["lang"],
            case["contact"],
            data["contacts"][case["contact"]],
            case["kind"],
            case["text"],
            tuple(case.get("secrets", ())),
        )
        for number, case in enumerate(data["cases"], start=1)
    ]


def problems(case: Case, answer: str) -> list[str]:
    """What is wrong with `answer`, the message a partner read, for this case; [] if nothing."""
    if case.kind == "stay":
        return [] if answer == case.text else [f"changed: {answer!r}"]
    found = []
    folded = answer.casefold()
    answer_digits = re.sub(r"\D", "", answer)
    for secret in case.secrets:
        if secret.casefold() in folded:
            found.append(f"{secret!r} survived")
        digits = re.sub(r"\D", "", secret)
        if len(digits) >= 6 and digits[-6:] in answer_digits:
            found.append(f"the digits of {secret!r} survived")
    if REDACTED not in answer:
        found.append("nothing redacted")
    # Nothing but the secrets goes: every other word of the message is still there.
    rest = case.text
    for secret in case.secrets:
        rest = rest.replace(secret, " ")
    kept = set(_WORDS.findall(answer))
    missing = [w for w in _WORDS.findall(rest) if w not in kept]
    if missing:
        found.append(f"also removed: {missing}")
    return found
