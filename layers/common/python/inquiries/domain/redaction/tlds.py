"""Every top-level domain there is, from the Public Suffix List shipped in `publicsuffixlist`.

The list is the maintained one browsers use; the package carries a snapshot, so nothing is
fetched at run time. Read once per process, on the first message that needs it.
"""

from __future__ import annotations

from functools import cache


@cache
def top_level_domains() -> frozenset[str]:
    """The top-level labels of the ICANN section of the list (`com`, `it`, `xyz`, `рф`...)."""
    from publicsuffixlist import PSLFILE  # noqa: PLC0415  (only a message with a dot needs it)

    found: set[str] = set()
    in_icann = False
    with open(PSLFILE, encoding="utf-8") as source:
        for raw in source:
            line = raw.strip()
            if "===BEGIN ICANN DOMAINS===" in line:
                in_icann = True
            elif "===END ICANN DOMAINS===" in line:
                break
            elif in_icann and line and not line.startswith("//"):
                found.add(line.rsplit(".", 1)[-1].lstrip("!*").casefold())
    return frozenset(found)


def is_top_level_domain(label: str) -> bool:
    """Whether `label` (already case-folded) is a top-level domain."""
    return label in top_level_domains()
