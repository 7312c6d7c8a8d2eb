"""The collaborative signal: co-joins smoothed toward popularity, tuned on held-back joins."""

from __future__ import annotations

import numpy as np
import pytest

from services.matching.collaborative import (
    NEIGHBOURS,
    CoEnrolmentModel,
    Interaction,
    Settings,
    fit_tuned,
    hit_rate,
)

OUTDOOR = ["beach", "park", "river"]
INDOOR = ["museum", "library", "school"]
CO_JOINS = Settings(smoothing=0.0, popularity=0.0)


def two_crowds() -> list[Interaction]:
    """Four students joined every outdoor activity, four others every indoor one; ``eva``
    joined two outdoor ones and saved an indoor one."""
    interactions = [Interaction(f"out-{n}", a, 1.0) for n in range(4) for a in OUTDOOR]
    interactions += [Interaction(f"in-{n}", a, 1.0) for n in range(4) for a in INDOOR]
    interactions += [
        Interaction("eva", "beach", 1.0),
        Interaction("eva", "park", 1.0),
        Interaction("eva", "museum", 0.5),
    ]
    return interactions


def test_students_get_what_students_who_joined_the_same_joined() -> None:
    model = CoEnrolmentModel.fit(two_crowds(), CO_JOINS)

    scores = model.scores_for("eva")

    assert scores["river"] > scores["library"]
    assert scores["river"] > scores["school"]
    assert model.scores_for("in-0")["school"] > model.scores_for("in-0")["river"]


def test_scores_lie_in_zero_to_one_and_the_best_reads_one() -> None:
    model = CoEnrolmentModel.fit(two_crowds())

    scores = model.scores_for("out-1")

    assert set(scores) == set(OUTDOOR + INDOOR)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert max(scores.values()) == pytest.approx(1.0)


def test_a_student_with_no_history_gets_popularity() -> None:
    interactions = [Interaction(f"s{n}", "head", 1.0) for n in range(6)]
    interactions += [Interaction("s0", "tail", 1.0), Interaction("s1", "middle", 1.0)]
    interactions += [Interaction("s2", "middle", 1.0)]
    model = CoEnrolmentModel.fit(interactions)

    scores = model.scores_for("zoe")

    assert scores == {"head": 1.0, "middle": pytest.approx(2 / 6), "tail": pytest.approx(1 / 6)}
    assert not model.knows("zoe")


def test_popularity_weighs_more_the_less_a_joined_activity_says() -> None:
    """Smoothing: a follow-on seen once after a rarely joined activity counts less than the
    popularity of the head; seen after an often joined one, it counts more."""
    crowd = [Interaction(f"h{n}", "head", 1.0) for n in range(20)]
    rare = [Interaction("r", "rare", 1.0), Interaction("r", "niche", 1.0)]
    often = [Interaction(f"o{n}", a, 1.0) for n in range(10) for a in ("often", "niche2")]
    model = CoEnrolmentModel.fit(
        [*crowd, *rare, *often, Interaction("ana", "rare", 1.0), Interaction("ben", "often", 1.0)],
        Settings(smoothing=10.0, popularity=0.0),
    )

    assert model.scores_for("ana")["head"] > model.scores_for("ana")["niche"]
    assert model.scores_for("ben")["niche2"] > model.scores_for("ben")["head"]


def test_each_activity_keeps_its_most_co_joined_neighbours() -> None:
    many = [f"a{n:03d}" for n in range(NEIGHBOURS + 20)]
    interactions = [Interaction("wide", a, 1.0) for a in many]
    interactions += [Interaction("pair", "a000", 1.0), Interaction("pair", "a001", 1.0)]
    model = CoEnrolmentModel.fit(interactions, CO_JOINS)

    row = model.follows[model.activity_ids.index("a000")]
    assert row.nnz == NEIGHBOURS
    assert row[0, model.activity_ids.index("a001")] == row.max()  # co-joined twice


def test_nothing_to_count_scores_nothing() -> None:
    assert CoEnrolmentModel.fit([]).scores_for("ana") == {}
    assert CoEnrolmentModel.empty().scores_for("ana") == {}


def test_non_positive_strengths_are_ignored() -> None:
    model = CoEnrolmentModel.fit(
        [*two_crowds(), Interaction("eva", "school", 0.0), Interaction("zoe", "park", -1.0)],
        CO_JOINS,
    )

    assert not model.knows("zoe")
    assert model.scores_for("eva")["river"] > model.scores_for("eva")["school"]


def taste_groups(seed: int, taste: float) -> list[Interaction]:
    """Students in two groups, each joining its own half of the activities with ``taste``
    probability (else any activity), two joins each, spread over time."""
    rng = np.random.default_rng(seed)
    halves = [[f"g0-{n}" for n in range(10)], [f"g1-{n}" for n in range(10)]]
    everything = halves[0] + halves[1]
    interactions = []
    for s in range(400):
        group = halves[s % 2]
        for j in range(2):
            pool = group if rng.random() < taste else everything
            activity = pool[int(rng.integers(len(pool)))]
            interactions.append(Interaction(f"s{s}", activity, 1.0, at_ms=s * 10 + j * 5000))
    return interactions


def test_tuning_picks_co_joins_when_tastes_differ() -> None:
    model, tuning = fit_tuned(taste_groups(seed=1, taste=0.95))

    assert tuning.settings.smoothing is not None
    assert tuning.hit_rate > tuning.popularity_hit_rate
    assert tuning.held_back > 0
    assert model.settings == tuning.settings


def test_tuning_keeps_popularity_when_joins_say_nothing_else() -> None:
    """Everyone joins the head and one activity at random: nothing beats popularity, which
    wins ties."""
    rng = np.random.default_rng(2)
    interactions = []
    for s in range(300):
        interactions.append(Interaction(f"s{s}", "head", 1.0, at_ms=s))
        interactions.append(
            Interaction(f"s{s}", f"t{int(rng.integers(40))}", 1.0, at_ms=10_000 + s)
        )
    _, tuning = fit_tuned(interactions, [Settings(None), Settings(0.0, 0.0)])

    assert tuning.hit_rate >= tuning.popularity_hit_rate
    if tuning.settings.smoothing is not None:
        assert tuning.hit_rate > tuning.popularity_hit_rate


def test_hit_rate_counts_joins_in_the_top_ten_with_ties_split() -> None:
    """Twenty activities joined once each by others: for a new join all tie, so the chance
    of a top-10 hit is 10 / 19 (the student's own join is out)."""
    interactions = [Interaction(f"o{n}", f"a{n}", 1.0) for n in range(20)]
    model = CoEnrolmentModel.fit([*interactions, Interaction("ana", "a0", 1.0)], CO_JOINS)

    rate, scored = hit_rate(model, [Interaction("ana", "a5", 1.0), Interaction("zoe", "a1", 1.0)])

    assert scored == 1  # zoe is unknown to the model
    assert rate == pytest.approx(10 / 19)


def test_fitting_is_deterministic() -> None:
    first = fit_tuned(taste_groups(seed=3, taste=0.8))[0].scores_for("s5")
    second = fit_tuned(taste_groups(seed=3, taste=0.8))[0].scores_for("s5")

    assert first == second
