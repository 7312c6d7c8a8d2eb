"""Metrics of top-k lists, as the offline evaluations report them. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence, Set

__all__ = [
    "DEFAULT_K",
    "catalogue_coverage",
    "cause_diversity",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
]

DEFAULT_K = 10
"""The length of the lists scored, unless told otherwise."""


def precision_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Relevant items among the first ``k``, over ``k`` (a shorter list is not rewarded)."""
    return sum(item in relevant for item in recommended[:k]) / k


def recall_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Relevant items among the first ``k``, over all relevant items; 0 when none is."""
    if not relevant:
        return 0.0
    return sum(item in relevant for item in recommended[:k]) / len(relevant)


def ndcg_at_k(recommended: Sequence[str], relevant: Set[str], k: int) -> float:
    """Binary-relevance NDCG: sum of 1/log2(rank + 1) over hits, over the best possible."""
    gains = sum(
        1 / math.log2(rank + 1)
        for rank, item in enumerate(recommended[:k], start=1)
        if item in relevant
    )
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return gains / ideal if ideal > 0 else 0.0


def catalogue_coverage(lists: Iterable[Sequence[str]], catalogue: Collection[str]) -> float:
    """Share of ``catalogue`` recommended at least once."""
    if not catalogue:
        return 0.0
    shown = {item for items in lists for item in items}
    return len(shown & set(catalogue)) / len(catalogue)


def cause_diversity(recommended: Sequence[str], causes_of: Mapping[str, Collection[int]]) -> int:
    """Distinct ESN causes among the recommended activities."""
    return len({cause for item in recommended for cause in causes_of.get(item, ())})
