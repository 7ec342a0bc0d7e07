"""The corpus through the domain: every secret goes, everything else stays as written."""

from __future__ import annotations

from collections import Counter

import pytest
from inquiries.domain.anonymise import anonymise_message

from tests.support.anonymise_corpus import Case, load_cases, problems

CASES = load_cases()


def test_the_corpus_has_at_least_300_cases_in_german_italian_and_english() -> None:
    counts = Counter((case.kind, case.lang) for case in CASES)
    assert len(CASES) >= 300
    for kind in ("go", "stay"):
        for lang in ("de", "it", "en"):
            assert counts[kind, lang] >= 25, (kind, lang)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_partner_reads_the_message_without_the_secrets_and_with_the_rest(case: Case) -> None:
    answer = anonymise_message(case.text, case.contact_model())
    assert answer is not None
    assert problems(case, answer) == []
