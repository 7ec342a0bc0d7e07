"""How far the accepted offers got: the sales steps their inquiries reached, and the win rate.

A step counts as reached when the partner recorded it or a later step on the
way to a sale: `won` means an offer was sent and the contact was contacted,
`offer_sent` means the contact was contacted. `lost` implies nothing (a
prospect can be lost before anyone reached them). So `contacted` >=
`offer_sent` >= `won` in every row, as a sales funnel reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from inquiries.domain.model import ProgressStep

# Each step and the steps it implies were passed before it.
_IMPLIES: dict[ProgressStep, frozenset[ProgressStep]] = {
    ProgressStep.CONTACTED: frozenset({ProgressStep.CONTACTED}),
    ProgressStep.OFFER_SENT: frozenset({ProgressStep.CONTACTED, ProgressStep.OFFER_SENT}),
    ProgressStep.WON: frozenset(
        {ProgressStep.CONTACTED, ProgressStep.OFFER_SENT, ProgressStep.WON}
    ),
    ProgressStep.LOST: frozenset({ProgressStep.LOST}),
}

# The order of the report's keys.
STEPS: tuple[ProgressStep, ...] = (
    ProgressStep.CONTACTED,
    ProgressStep.OFFER_SENT,
    ProgressStep.WON,
    ProgressStep.LOST,
)


def reached(recorded: Iterable[ProgressStep]) -> frozenset[ProgressStep]:
    """The steps an inquiry reached, given the steps recorded for it."""
    out: frozenset[ProgressStep] = frozenset()
    for step in recorded:
        out |= _IMPLIES[step]
    return out


def outcomes(counts: Counter[ProgressStep]) -> dict[str, int]:
    """The report's `outcomes` object: accepted offers per step reached, every step present."""
    return {step.value: counts[step] for step in STEPS}
