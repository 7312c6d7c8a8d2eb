"""Offline evaluation: metrics on hand-computed cases, an honest split, a synthetic run."""

from __future__ import annotations

import functools
import json
import math
from datetime import timedelta

import pytest

from services.matching.evaluate import main, parse_args
from services.matching.evaluation import Evaluation, evaluate, new_positives, time_split
from services.matching.ranking_metrics import (
    catalogue_coverage,
    cause_diversity,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)
from services.matching.simulation import SyntheticWorld, simulate
from socialerasmus.matching.v1.matching_pb2 import FeedbackKind

SHOWN = FeedbackKind.FEEDBACK_KIND_SHOWN
DISMISSED = FeedbackKind.FEEDBACK_KIND_DISMISSED
ENROLLED = FeedbackKind.FEEDBACK_KIND_ENROLLED
ATTENDED = FeedbackKind.FEEDBACK_KIND_ATTENDED


def row(student: str, activity: str, kind: FeedbackKind.ValueType, at_ms: int) -> dict[str, str]:
    return {
        "student_id": student,
        "activity_id": activity,
        "kind": str(int(kind)),
        "rating": "0",
        "at_ms": str(at_ms),
    }


# --- Metrics ----------------------------------------------------------------------------------


def test_precision_recall_and_ndcg_of_a_small_list() -> None:
    recommended = ["a", "b", "c", "d"]
    relevant = {"b", "d", "e"}

    assert precision_at_k(recommended, relevant, 4) == 0.5
    assert recall_at_k(recommended, relevant, 4) == pytest.approx(2 / 3)
    # Hits at ranks 2 and 4; the best list has its three relevant items at ranks 1 to 3.
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(recommended, relevant, 4) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(recommended, relevant, 4) == pytest.approx(0.498189, abs=1e-6)


def test_metrics_cut_at_k() -> None:
    recommended = ["a", "b", "c"]

    assert precision_at_k(recommended, {"c"}, 2) == 0.0
    assert recall_at_k(recommended, {"a", "c"}, 2) == 0.5
    assert ndcg_at_k(recommended, {"c"}, 2) == 0.0


def test_short_lists_are_not_rewarded_and_perfect_lists_score_one() -> None:
    assert precision_at_k(["b"], {"b"}, 10) == 0.1
    assert recall_at_k(["b"], {"b"}, 10) == 1.0
    assert ndcg_at_k(["b"], {"b"}, 10) == 1.0
    assert ndcg_at_k(["x", "y"], {"x", "y"}, 10) == 1.0
    assert recall_at_k(["b"], set(), 10) == 0.0
    assert ndcg_at_k(["b"], set(), 10) == 0.0


def test_catalogue_coverage_and_cause_diversity() -> None:
    assert catalogue_coverage([["a", "b"], ["b", "c"], ["z"]], {"a", "b", "c", "d", "e"}) == 0.6
    assert catalogue_coverage([["a"]], set()) == 0.0
    causes = {"a": [1, 6], "b": [1], "c": [3]}
    assert cause_diversity(["a", "b", "c"], causes) == 3
    assert cause_diversity(["b", "b"], causes) == 1
    assert cause_diversity([], causes) == 0


# --- Split ------------------------------------------------------------------------------------


def test_time_split_puts_the_earliest_rows_in_training() -> None:
    rows = [row("ana", f"a{n}", SHOWN, at) for n, at in enumerate([50, 10, 40, 20, 30])]

    split = time_split(rows, train_share=0.6)

    assert [r["at_ms"] for r in split.train] == ["10", "20", "30"]
    assert [r["at_ms"] for r in split.test] == ["40", "50"]
    assert split.split_ms == 40


def test_rows_at_the_cut_instant_all_go_to_the_test_side() -> None:
    rows = [row("ana", "a", SHOWN, 10), *(row("ana", f"b{n}", SHOWN, 20) for n in range(4))]

    split = time_split(rows, train_share=0.5)

    assert [r["at_ms"] for r in split.train] == ["10"]
    assert len(split.test) == 4
    assert max(int(r["at_ms"]) for r in split.train) < min(int(r["at_ms"]) for r in split.test)


def test_time_split_of_nothing_and_bad_shares() -> None:
    assert time_split([]).train == []
    with pytest.raises(ValueError, match="train_share"):
        time_split([], train_share=1.0)


def test_new_positives_are_first_positive_in_the_test_window() -> None:
    split = time_split(
        [
            row("ana", "old", ENROLLED, 10),
            row("ana", "shown", SHOWN, 20),
            row("ben", "x", SHOWN, 30),
            row("ana", "old", ATTENDED, 80),  # positive before the split: not new
            row("ana", "shown", ENROLLED, 90),
            row("ben", "x", DISMISSED, 95),
            row("cai", "y", ENROLLED, 99),
        ],
        train_share=0.5,
    )

    assert split.split_ms == 80
    assert new_positives(split) == {"ana": {"shown"}, "cai": {"y"}}


# --- Synthetic runs ---------------------------------------------------------------------------


@functools.cache
def small_world() -> SyntheticWorld:
    return simulate(students=300, activities=300, sections=8, seed=3)


@functools.cache
def small_evaluation() -> Evaluation:
    world = small_world()
    return evaluate(world.activities, world.profiles, world.feedback)


def test_simulation_is_seeded() -> None:
    again = simulate(students=300, activities=300, sections=8, seed=3)

    assert again.feedback == small_world().feedback
    assert again.profiles == small_world().profiles
    assert simulate(students=300, activities=300, sections=8, seed=4).feedback != again.feedback


def test_simulated_feedback_looks_like_the_log() -> None:
    world = small_world()
    kinds = {int(r["kind"]) for r in world.feedback}

    assert {SHOWN, ENROLLED, DISMISSED} <= kinds
    assert set(world.feedback[0]) == {"student_id", "activity_id", "kind", "rating", "at_ms"}
    assert {r["student_id"] for r in world.feedback} <= set(world.profiles)
    assert {r["activity_id"] for r in world.feedback} <= {a.id for a in world.activities}


def test_the_model_never_sees_test_feedback() -> None:
    """Rewriting every test-window row (all shown become enrolments, all else dismissals)
    changes the ground truth but not a thing the model learned."""
    world = small_world()
    split = time_split(world.feedback)
    rewritten = [
        *split.train,
        *(
            {**r, "kind": str(int(ENROLLED if r["kind"] == str(int(SHOWN)) else DISMISSED))}
            for r in split.test
        ),
    ]

    original = small_evaluation()
    changed = evaluate(world.activities, world.profiles, rewritten)

    assert time_split(rewritten).train == split.train
    assert changed.split_at == original.split_at
    assert changed.model.weights.values.tolist() == original.model.weights.values.tolist()
    assert changed.model.examples == original.model.examples
    for student in sorted(world.profiles)[:20]:
        assert changed.model.collaborative.scores_for(
            student
        ) == original.model.collaborative.scores_for(student)
    assert changed.students != original.students  # the ground truth did change


def test_a_small_synthetic_run_reports_every_method() -> None:
    evaluation = small_evaluation()
    table = evaluation.table()

    names = [line.split()[0] for line in table.splitlines()[2:]]
    assert names == ["model", "cold_start", "popularity", "random"]
    assert evaluation.students > 50
    assert evaluation.model.examples > 0
    assert evaluation.model.validation.held_back > 0
    assert evaluation.model.validation.chosen in evaluation.model.validation.hit_rates
    model, random_ = evaluation.method("model"), evaluation.method("random")
    assert model.precision > random_.precision
    assert model.ndcg > random_.ndcg
    assert random_.coverage > model.coverage > evaluation.method("popularity").coverage
    for scores in evaluation.methods:
        assert 0 <= scores.precision <= 1
        assert 0 <= scores.recall <= 1
        assert 0 <= scores.ndcg <= 1
        assert 0 <= scores.coverage <= 1
        assert 0 <= scores.cause_diversity <= 6


def test_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--students", "200", "--activities", "200", "--sections", "6"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert report["source"] == "synthetic"
    assert set(report["methods"]) == {"model", "cold_start", "popularity", "random"}
    assert set(report["methods"]["model"]) >= {
        "precision_at_k",
        "recall_at_k",
        "ndcg_at_k",
        "catalogue_coverage",
        "cause_diversity",
    }


def test_recorded_data_needs_the_catalogue() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--redis-url", "redis://localhost:6379/0"])
    with pytest.raises(SystemExit):
        parse_args(["--synthetic", "--redis-url", "redis://localhost:6379/0"])
    assert not parse_args([]).redis_url


def test_activities_published_after_the_split_are_not_candidates() -> None:
    world = small_world()
    later = [item.__deepcopy__() for item in world.activities]
    for item in later[::2]:
        item.published_at.FromDatetime(small_evaluation().split_at + timedelta(days=1))

    evaluation = evaluate(later, world.profiles, world.feedback)

    assert evaluation.activities == len(later) - len(later[::2])
    assert evaluation.open_activities < small_evaluation().open_activities
