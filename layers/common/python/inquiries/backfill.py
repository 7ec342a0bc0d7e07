"""`python -m inquiries.backfill`: file the inquiries stored before the data subject's
look-up keys existed under them (service/backfill.py). Run once after deploying them,
with the functions' settings: TABLE_NAME and SUBJECT_KEY_SECRET_ARN (or SUBJECT_KEY),
and credentials that may Query and write the table and read the secret."""

from __future__ import annotations

import json


def main() -> None:
    """Backfill the table the settings name; print what was done."""
    from inquiries import wiring  # noqa: PLC0415
    from inquiries.config import SettingsError  # noqa: PLC0415
    from inquiries.service.backfill import backfill  # noqa: PLC0415

    deps = wiring.dependencies()
    if deps.subject_secret is None:
        raise SettingsError("missing settings: SUBJECT_KEY or SUBJECT_KEY_SECRET_ARN")
    done = backfill(deps.repository, deps.subject_secret)
    print(json.dumps({"seen": done.seen, "keyed": done.keyed, "at_rest": done.at_rest}))


if __name__ == "__main__":
    main()
