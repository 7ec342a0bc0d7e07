"""bench/hot_keys.py counts the real keys and fails when a key is over its limit.

Small loads only (a few hundred inquiries): what is checked is where the writes land
and what the script answers, not how fast anything is.
"""

from __future__ import annotations

import sys

import pytest
from inquiries.adapters.keys import BOOK_SHARDS, SHARDS

from bench import hot_keys


def test_the_address_book_and_atrest_are_written_to_every_shard_and_nowhere_else() -> None:
    tally = hot_keys.simulate(rate=200, seconds=2, partners=3, exponent=1.0, seed=1)
    table = {pk for where, pk in tally.writes if where == "table"}
    busiest = "partner-0000"
    assert {pk for pk in table if pk.startswith(f"BOOK#{busiest}#")} == {
        f"BOOK#{busiest}#{n}" for n in range(BOOK_SHARDS)
    }
    # A partner's own partition holds the partner only: nothing of its address book.
    assert not {pk for pk in table if pk.startswith("PARTNER#")}
    at_rest = {pk for where, pk in tally.writes if where == "gsi4" and pk.startswith("ATREST")}
    assert at_rest == {f"ATREST#{n}" for n in range(SHARDS)}


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    monkeypatch.setattr(sys, "argv", ["hot_keys.py", "--seconds", "2", *args])
    hot_keys.main()


def test_it_passes_under_the_limit_and_fails_over_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(monkeypatch, "--rate", "100", "--partners", "20")
    assert "0 keys over" in capsys.readouterr().out

    monkeypatch.setattr(hot_keys, "LIMIT_WRITES", 20)
    with pytest.raises(SystemExit) as failed:
        _run(monkeypatch, "--rate", "100", "--partners", "20")
    assert failed.value.code != 0 and "over the limit" in str(failed.value.code)
    assert "over the limit: gsi" in capsys.readouterr().out
