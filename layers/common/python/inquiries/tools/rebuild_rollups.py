"""Rebuild the report's rollups from the stored inquiries and offers (one-off, idempotent).

    TABLE_NAME=inquiries python -m inquiries.tools.rebuild_rollups
    make rebuild-rollups                 # the same; AWS_ENDPOINT_URL for the local stack

Needed once for data written before the rollups existed, and whenever they are in
doubt: it reads every inquiry (the inquiry list, then each inquiry's offers) and
replaces each rollup item whole, so running it twice leaves the same items. Run it
while no decisions are made: a decision between the read and the write of its rollup
would be overwritten (running it again repairs that). Prints what it did as JSON.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict


def main() -> int:
    """Rebuild with the configured table (TABLE_NAME, the usual AWS settings)."""
    from inquiries.service.rollups import rebuild  # noqa: PLC0415
    from inquiries.wiring import dependencies  # noqa: PLC0415

    done = rebuild(dependencies().repository)
    print(json.dumps(asdict(done)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
