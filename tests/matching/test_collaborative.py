"""The collaborative signal: co-enrolment factored by a truncated SVD."""

from __future__ import annotations

from services.matching.collaborative import MAX_COMPONENTS, CoEnrolmentModel

OUTDOOR = ["beach", "park", "river"]
INDOOR = ["museum", "library", "school"]


def two_crowds() -> list[tuple[str, str, float]]:
    """Four students joined every outdoor activity, four others every indoor one; ``eva``
    joined two outdoor ones and one indoor one."""
    interactions = [(f"out-{n}", a, 1.0) for n in range(4) for a in OUTDOOR]
    interactions += [(f"in-{n}", a, 1.0) for n in range(4) for a in INDOOR]
    interactions += [("eva", "beach", 1.0), ("eva", "park", 1.0), ("eva", "museum", 0.5)]
    return interactions


def test_students_get_what_students_who_joined_the_same_joined() -> None:
    model = CoEnrolmentModel.fit(two_crowds())

    scores = model.scores_for("eva")

    assert scores["river"] > scores["library"]
    assert scores["river"] > scores["school"]
    assert model.scores_for("in-0")["school"] > model.scores_for("in-0")["river"]


def test_scores_are_between_zero_and_one_for_activities_seen_in_training() -> None:
    model = CoEnrolmentModel.fit(two_crowds())

    scores = model.scores_for("out-1")

    assert set(scores) == set(OUTDOOR + INDOOR)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert min(scores[a] for a in OUTDOOR) > max(scores[a] for a in INDOOR)


def test_components_are_fewer_than_the_smaller_side() -> None:
    model = CoEnrolmentModel.fit(two_crowds())

    assert model.components == min(MAX_COMPONENTS, len(OUTDOOR + INDOOR) - 1)
    assert model.students == 9


def test_unknown_students_get_nothing() -> None:
    assert CoEnrolmentModel.fit(two_crowds()).scores_for("zoe") == {}


def test_too_little_data_scores_nothing() -> None:
    assert CoEnrolmentModel.fit([]).scores_for("ana") == {}
    tiny = CoEnrolmentModel.fit([("ana", "beach", 1.0), ("ben", "beach", 1.0)])
    assert tiny.components == 0
    assert tiny.scores_for("ana") == {}


def test_non_positive_strengths_are_ignored() -> None:
    model = CoEnrolmentModel.fit([*two_crowds(), ("eva", "school", 0.0), ("zoe", "park", -1.0)])

    assert not model.knows("zoe")
    assert model.scores_for("eva")["river"] > model.scores_for("eva")["school"]


def test_fitting_is_deterministic() -> None:
    first = CoEnrolmentModel.fit(two_crowds(), seed=3).scores_for("eva")
    second = CoEnrolmentModel.fit(two_crowds(), seed=3).scores_for("eva")

    assert first == second
