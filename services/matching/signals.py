"""The signals a match is scored on, and how much each weighs.

Every signal is a number in [0, 1] for one (student, activity) pair. The score is their
weighted sum; weights start from the cold-start defaults below and are later learned from
feedback (shown versus enrolled).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

SIGNALS: tuple[str, ...] = (
    "cause",  # the student's interest in the activity's ESN causes
    "motivation",  # text similarity of their motivation and the activity's description
    "skills",  # skills they offer that the activity wants
    "proximity",  # how near it is, relative to how far they travel
    "urgency",  # few seats left, or their departure is near
    "similar_students",  # students with similar enrolments joined it (collaborative)
)

COLD_START_WEIGHTS: dict[str, float] = {
    "cause": 0.35,
    "motivation": 0.2,
    "skills": 0.1,
    "proximity": 0.15,
    "urgency": 0.1,
    "similar_students": 0.1,
}


@dataclass(frozen=True)
class Weights:
    """Non-negative weights per signal, summing to 1."""

    values: NDArray[np.float64] = field(
        default_factory=lambda: np.array([COLD_START_WEIGHTS[s] for s in SIGNALS])
    )
    learned_from: int = 0
    """Feedback examples the weights were fitted on; 0 for the cold-start defaults."""
    listed: tuple[float, ...] = field(init=False, repr=False, compare=False)
    """``values`` as Python floats, for the arithmetic of a handful of signals at a time."""

    def __post_init__(self) -> None:
        if self.values.shape != (len(SIGNALS),) or (self.values < 0).any():
            raise ValueError("one non-negative weight per signal")
        total = float(self.values.sum())
        if total <= 0:
            raise ValueError("weights must not all be zero")
        object.__setattr__(self, "values", self.values / total)
        object.__setattr__(self, "listed", tuple(self.values.tolist()))

    def without(self, signal: str) -> Weights:
        """The same weights with ``signal``'s at 0 (the others scaled up to sum to 1); these
        weights as they are if ``signal`` is all they weigh."""
        values = self.values.copy()
        values[SIGNALS.index(signal)] = 0.0
        if values.sum() <= 0:
            return self
        return Weights(values, learned_from=self.learned_from)

    def of(self, signal: str) -> float:
        return float(self.values[SIGNALS.index(signal)])
