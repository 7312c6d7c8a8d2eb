"""Learning weights from feedback: examples, interactions, the fit and its cold start."""

from __future__ import annotations

import numpy as np
import pytest

from services.matching.learning import (
    MIN_EXAMPLES,
    Example,
    examples_from_feedback,
    interactions_from_feedback,
    learn_weights,
    sampled_negatives,
    training_set,
)
from services.matching.ranking import Ranker
from services.matching.signals import SIGNALS, Weights
from socialerasmus.matching.v1.matching_pb2 import FeedbackKind
from tests.catalogue.builders import activity_id
from tests.matching.builders import NOW, activity, index_of, valid_profile

SHOWN = FeedbackKind.FEEDBACK_KIND_SHOWN
OPENED = FeedbackKind.FEEDBACK_KIND_OPENED
SAVED = FeedbackKind.FEEDBACK_KIND_SAVED
DISMISSED = FeedbackKind.FEEDBACK_KIND_DISMISSED
ENROLLED = FeedbackKind.FEEDBACK_KIND_ENROLLED
ATTENDED = FeedbackKind.FEEDBACK_KIND_ATTENDED
RATED = FeedbackKind.FEEDBACK_KIND_RATED


def row(
    student: str, activity: str, kind: FeedbackKind.ValueType, at_ms: int, rating: int = 0
) -> dict[str, str]:
    """A feedback row as MatchingStore.feedback_log returns it."""
    return {
        "student_id": student,
        "activity_id": activity,
        "kind": str(int(kind)),
        "rating": str(rating),
        "at_ms": str(at_ms),
    }


# --- Examples ---------------------------------------------------------------------------------


def test_examples_label_each_pair_once() -> None:
    rows = [
        row("ana", "shown-only", SHOWN, 10),
        row("ana", "shown-only", SHOWN, 30),
        row("ana", "joined-later", SHOWN, 11),
        row("ana", "joined-later", ENROLLED, 50),
        row("ana", "dismissed", DISMISSED, 12),
        row("ana", "dismissed-then-saved", DISMISSED, 13),
        row("ana", "dismissed-then-saved", SAVED, 60),
        row("ana", "loved", RATED, 70, rating=4),
        row("ana", "disliked", RATED, 71, rating=3),
        row("ana", "opened", OPENED, 14),
        row("ana", "attended", ATTENDED, 80),
        row("ben", "shown-only", ENROLLED, 20),
    ]

    examples = examples_from_feedback(rows)

    assert {(e.student_id, e.activity_id): e.label for e in examples} == {
        ("ana", "shown-only"): 0,
        ("ana", "joined-later"): 1,
        ("ana", "dismissed"): 0,
        ("ana", "dismissed-then-saved"): 1,
        ("ana", "loved"): 1,
        ("ana", "attended"): 1,
        ("ben", "shown-only"): 1,
    }
    times = {(e.student_id, e.activity_id): e.at_ms for e in examples}
    assert times[("ana", "shown-only")] == 30  # the last negative
    assert times[("ana", "joined-later")] == 50  # the first positive
    assert [e.at_ms for e in examples] == sorted(e.at_ms for e in examples)


def test_interactions_keep_the_strongest_positive_of_a_pair() -> None:
    rows = [
        row("ana", "a", SAVED, 1),
        row("ana", "a", ENROLLED, 2),
        row("ana", "b", SAVED, 3),
        row("ana", "c", SHOWN, 4),
        row("ana", "d", RATED, 5, rating=2),
        row("ben", "a", ATTENDED, 6),
    ]

    assert interactions_from_feedback(rows) == [
        ("ana", "a", 1.0, 1),  # at its first positive
        ("ana", "b", 0.5, 3),
        ("ben", "a", 1.0, 6),
    ]


def test_sampled_negatives_avoid_what_the_student_has_an_example_of() -> None:
    examples = [
        Example("ana", "a", 1, 10),
        Example("ana", "b", 0, 11),
        Example("ben", "a", 1, 12),
    ]
    catalogue = ["a", "b", "c", "d", "e"]

    negatives = sampled_negatives(examples, catalogue, per_positive=3, seed=1)

    of_ana = [n.activity_id for n in negatives if n.student_id == "ana"]
    of_ben = [n.activity_id for n in negatives if n.student_id == "ben"]
    assert sorted(of_ana) == ["c", "d", "e"]  # not a (joined) nor b (shown)
    assert len(of_ben) == 3 and "a" not in of_ben and len(set(of_ben)) == 3
    assert all(n.label == 0 for n in negatives)
    assert {n.at_ms for n in negatives if n.student_id == "ben"} == {12}


def test_no_negatives_are_sampled_when_nothing_is_left() -> None:
    examples = [Example("ana", "a", 1, 10)]

    assert sampled_negatives(examples, ["a"], per_positive=3) == []
    assert sampled_negatives(examples, [], per_positive=3) == []


# --- Learning weights -------------------------------------------------------------------------


def separable_by(signal: str, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Uniform signals; the label depends on ``signal`` alone, with noise."""
    rng = np.random.default_rng(seed)
    signals = rng.random((n, len(SIGNALS)))
    column = signals[:, SIGNALS.index(signal)]
    labels = (column + rng.normal(0, 0.15, n) > 0.6).astype(np.int64)
    return signals, labels


def test_weights_move_toward_the_signal_that_separates() -> None:
    prior = Weights()
    signals, labels = separable_by("skills", 3000)

    learned = learn_weights(signals, labels, prior)

    assert learned.of("skills") > prior.of("skills") + 0.4
    assert max(SIGNALS, key=learned.of) == "skills"
    for other in ("cause", "motivation", "proximity"):
        assert learned.of(other) < prior.of(other)
    assert learned.learned_from == 3000


def test_weights_are_non_negative_and_sum_to_one() -> None:
    signals, labels = separable_by("proximity", 500, seed=1)
    signals[:, SIGNALS.index("urgency")] = 1 - signals[:, SIGNALS.index("proximity")]

    learned = learn_weights(signals, labels, Weights())

    assert (learned.values >= 0).all()
    assert learned.values.sum() == pytest.approx(1.0)
    assert learned.of("urgency") < Weights().of("urgency")  # a negative coefficient, clipped


def test_few_examples_shrink_toward_the_prior() -> None:
    prior = Weights()
    signals, labels = separable_by("skills", 100)

    unshrunk = learn_weights(signals, labels, prior, prior_strength=0.0)
    shrunk = learn_weights(signals, labels, prior, prior_strength=100.0)

    # Half the learned weights, half the prior.
    assert shrunk.values == pytest.approx((unshrunk.values + prior.values) / 2)


def test_cold_start_returns_the_prior() -> None:
    prior = Weights()
    signals, labels = separable_by("skills", MIN_EXAMPLES - 1)
    assert learn_weights(signals, labels, prior) is prior

    signals, _ = separable_by("skills", 500)
    assert learn_weights(signals, np.ones(500, np.int64), prior) is prior
    assert learn_weights(signals, np.zeros(500, np.int64), prior) is prior
    assert prior.learned_from == 0


def test_learn_weights_rejects_misshapen_input() -> None:
    with pytest.raises(ValueError, match="one label per row"):
        learn_weights(np.zeros((30, 2)), np.zeros(30, np.int64), Weights())


# --- Training set -----------------------------------------------------------------------------


def test_training_set_holds_the_examples_the_ranker_can_score() -> None:
    index = index_of(activity(1), activity(2))
    ranker = Ranker(index, Weights())
    examples = [
        Example("ana", activity_id(1), 1, 5),
        Example("ana", activity_id(2), 0, 6),
        Example("ana", activity_id(99), 1, 7),  # not in the index
        Example("nobody", activity_id(1), 1, 8),  # no profile
    ]

    signals, labels, pairs = training_set(
        ranker,
        {"ana": valid_profile()},
        examples,
        NOW,
        collaborative=lambda student: {activity_id(1): 0.8},
    )

    assert pairs == [("ana", activity_id(1)), ("ana", activity_id(2))]
    assert labels.tolist() == [1, 0]
    assert signals.shape == (2, len(SIGNALS))
    assert signals[:, SIGNALS.index("similar_students")].tolist() == [0.8, 0.0]
    _, expected = ranker.signals_for(valid_profile(), [activity_id(1), activity_id(2)], NOW)
    cause = SIGNALS.index("cause")
    assert signals[:, cause].tolist() == expected[:, cause].tolist()


def test_training_set_of_nothing() -> None:
    signals, labels, pairs = training_set(Ranker(index_of(), Weights()), {}, [], NOW)

    assert signals.shape == (0, len(SIGNALS))
    assert labels.shape == (0,)
    assert pairs == []
