"""Fitting the ranking model from feedback: weights, and the co-enrolment signal.

Used by the live service (services.matching.model) and by the offline evaluation, so both
learn the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.matching.collaborative import CoEnrolmentModel
from services.matching.index import ActivityIndex
from services.matching.learning import (
    FeedbackRow,
    examples_from_feedback,
    interactions_from_feedback,
    learn_weights,
    training_set,
)
from services.matching.ranking import Ranker, SectionDirectory
from services.matching.signals import Weights
from socialerasmus.matching.v1 import matching_pb2


def at_ms(row: FeedbackRow) -> int:
    return int(row["at_ms"])


@dataclass(frozen=True, slots=True)
class FittedModel:
    """What the model learned from the training window."""

    weights: Weights
    collaborative: CoEnrolmentModel
    examples: int
    """Labelled examples the weights were fitted on."""


def fit_model(
    train: Sequence[FeedbackRow],
    index: ActivityIndex,
    profiles: Mapping[str, matching_pb2.VolunteerProfile],
    now: datetime,
    *,
    prior: Weights | None = None,
    prior_strength: float = 200.0,
    sections: SectionDirectory | None = None,
    seed: int = 0,
) -> FittedModel:
    """Weights and collaborative signal from ``train`` alone.

    The similar-students column of an example must not be computed from the example's own
    label, so the weights are learned on the examples decided in the later half of the
    window, with a collaborative model fitted on the earlier half. The collaborative model
    returned is then fitted on the whole window.
    """
    prior = prior or Weights()
    times = sorted(at_ms(row) for row in train)
    middle = times[len(times) // 2] if times else 0
    history = [row for row in train if at_ms(row) < middle]
    earlier = CoEnrolmentModel.fit(interactions_from_feedback(history), seed=seed)
    examples = [e for e in examples_from_feedback(train) if e.at_ms >= middle]
    signals, labels, _ = training_set(
        Ranker(index, prior, sections), profiles, examples, now, earlier.scores_for
    )
    weights = learn_weights(signals, labels, prior, prior_strength)
    collaborative = CoEnrolmentModel.fit(interactions_from_feedback(train), seed=seed)
    return FittedModel(weights, collaborative, int(labels.shape[0]))
