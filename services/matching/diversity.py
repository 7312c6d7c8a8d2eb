"""Diversity across ESN causes: maximal marginal relevance over the scored candidates, and
where each pick would stand by score alone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["MMR_LAMBDA", "diversify", "relevance_ranks"]

Values = NDArray[np.float64]

MMR_LAMBDA = 0.7
"""Weight of relevance against novelty of causes when diversifying."""


def diversify(
    scores: Values,
    causes: NDArray[np.uint8],
    k: int,
    tie_breaks: NDArray[np.int64] | None = None,
    trade_off: float = MMR_LAMBDA,
) -> list[int]:
    """Positions of up to ``k`` items by maximal marginal relevance: each pick maximises
    ``trade_off * score - (1 - trade_off) * similarity``, where similarity is 1 when the item
    shares a cause with an item already picked. Ties go to the lowest ``tie_breaks`` (distinct
    numbers; by default the position), so the items need no sorting first."""
    relevance = trade_off * scores
    values = relevance.copy()
    covered = 0
    picked: list[int] = []
    for _ in range(min(k, scores.size)):
        best = int(np.argmax(values))
        if tie_breaks is not None:
            tied = np.flatnonzero(values == values[best])
            best = int(tied[np.argmin(tie_breaks[tied])]) if tied.size > 1 else best
        picked.append(best)
        relevance[best] = -np.inf
        if int(causes[best]) & ~covered:  # new causes: items sharing one are now less novel
            covered |= int(causes[best])
            values = relevance - (1 - trade_off) * ((causes & covered) != 0)
        else:
            values[best] = -np.inf
    return picked


def relevance_ranks(
    scores: Values, tie_breaks: NDArray[np.int64], picks: Sequence[int]
) -> list[int]:
    """Where each pick stands by score alone, from 1: higher scores first, ties by the lowest
    ``tie_breaks``, as :func:`diversify` breaks them."""
    picked = np.asarray(picks, np.int64)
    picked_scores = scores[picked][:, None]
    ahead = (scores > picked_scores) | (
        (scores == picked_scores) & (tie_breaks < tie_breaks[picked][:, None])
    )
    ranks: list[int] = (ahead.sum(axis=1) + 1).tolist()
    return ranks
