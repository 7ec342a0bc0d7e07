"""Running a probe script in a Python process of its own.

Starting the local emulator adjusts moto in the process that starts it (local/aws.py),
so tests of those adjustments run their script apart and read its last line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_probe(source: str, timeout: float = 60) -> None:
    """Run `source` with the repository as working folder; fail unless it prints `ok` last."""
    result = subprocess.run(
        [sys.executable, "-c", source],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.stdout.strip().endswith("ok"), result.stderr[-3000:]
