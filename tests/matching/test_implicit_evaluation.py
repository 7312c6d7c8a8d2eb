"""The implicit-feedback protocol without services: reading joins, the splits, the
baselines, the metrics, and the synthetic joins."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from services.matching import joins_data
from services.matching.evaluate import parse_args
from services.matching.implicit_evaluation import (
    API_METHOD,
    ITEM_KNN,
    LEAVE_LAST_OUT,
    METHODS,
    POPULARITY,
    RANDOM,
    ImplicitSplit,
    JoinRow,
    JoinsError,
    evaluate_lists,
    hit_rank,
    item_knn_lists,
    leave_last_out,
    ndcg_of_rank,
    popularity_lists,
    random_lists,
    read_joins,
    score_method,
    split_by_column,
)


def joins(*triples: tuple[str, str, float]) -> list[JoinRow]:
    return [JoinRow(u, i, line, time=t) for line, (u, i, t) in enumerate(triples, start=2)]


def split_of(train: list[tuple[str, str]], test: list[tuple[str, str]]) -> ImplicitSplit:
    rows = [JoinRow(u, i, n, split="train") for n, (u, i) in enumerate(train, start=2)]
    rows += [JoinRow(u, i, n, split="test") for n, (u, i) in enumerate(test, start=len(rows) + 2)]
    return split_by_column(rows)


def test_leave_last_out_holds_out_each_users_latest_join() -> None:
    """By time, not file order; a user with one join only trains; a repeat counts once."""
    rows = joins(
        ("ana", "b", 20.0),
        ("ana", "a", 10.0),
        ("ana", "a", 30.0),  # joined again: the first join counts
        ("ben", "a", 5.0),
        ("carla", "c", 1.0),
        ("carla", "a", 1.0),  # same time: the later line is the last join
    )
    split = leave_last_out(rows)
    assert split.protocol == LEAVE_LAST_OUT
    assert [(r.user, r.item) for r in split.test] == [("ana", "b"), ("carla", "a")]
    assert sorted((r.user, r.item) for r in split.train) == [
        ("ana", "a"),
        ("ben", "a"),
        ("carla", "c"),
    ]
    assert split.dropped == 1
    assert split.items == ("b", "a", "c")


def test_the_split_column_is_the_files_own_with_test_repeats_of_train_dropped() -> None:
    rows = [
        JoinRow("ana", "a", 2, split="fit"),
        JoinRow("ana", "a", 3, split="holdout"),  # already joined in training
        JoinRow("ana", "b", 4, split="holdout"),
        JoinRow("ben", "c", 5, split="holdout"),  # a cold test user
    ]
    split = split_by_column(rows, "fit", "holdout")
    assert [(r.user, r.item) for r in split.test] == [("ana", "b"), ("ben", "c")]
    assert split.dropped == 1
    with pytest.raises(JoinsError, match="line 2: split value 'fit' is neither"):
        split_by_column(rows)


def test_joins_are_read_by_column_name_with_iso_or_epoch_times(tmp_path: Path) -> None:
    path = tmp_path / "joins.csv"
    path.write_text("when,who,what\n2026-01-01T00:00:01Z,ana,a\n1767225600,ben,a\n\n")
    rows = read_joins(path, "who", "what", time_column="when")
    assert [(r.user, r.item, r.time, r.line) for r in rows] == [
        ("ana", "a", 1767225601.0, 2),
        ("ben", "a", 1767225600.0, 3),
    ]
    with pytest.raises(JoinsError, match="no column 'user'"):
        read_joins(path, "user", "what", time_column="when")
    path.write_text("who,what,when\nana,a,yesterday\n")
    with pytest.raises(JoinsError, match="line 2: when 'yesterday' is neither ISO 8601"):
        read_joins(path, "who", "what", time_column="when")
    with pytest.raises(JoinsError, match="either a time column or a split column"):
        read_joins(path, "who", "what")


def test_hit_rank_and_ndcg_of_one_relevant_activity() -> None:
    assert hit_rank(["a", "b", "c"], "b", 10) == 2
    assert hit_rank(["a", "b", "c"], "c", 2) is None
    assert ndcg_of_rank(1) == 1.0
    assert ndcg_of_rank(3) == pytest.approx(1 / math.log2(4))
    assert ndcg_of_rank(None) == 0.0


def test_each_test_join_scores_once() -> None:
    """Ana has two test joins, one in her list: HR is 1/3 over the three test joins."""
    split = split_of([("ana", "x"), ("ben", "x")], [("ana", "a"), ("ana", "b"), ("ben", "c")])
    scores = score_method("m", {"ana": ["z", "b"], "ben": ["a"]}, split, k=10)
    assert scores.hit_rate == pytest.approx(1 / 3)
    assert scores.ndcg == pytest.approx((1 / math.log2(3)) / 3)


def test_popularity_ranks_by_train_joins_without_what_the_user_joined() -> None:
    split = split_of(
        [("u1", "p"), ("u2", "p"), ("u3", "p"), ("u1", "q"), ("u2", "q"), ("u4", "r")],
        [("u1", "r"), ("new", "p")],
    )
    assert popularity_lists(split, ["u1", "new"], k=2) == [["r"], ["p", "q"]]


def test_item_knn_finds_what_is_joined_together_before_what_is_popular() -> None:
    """a and b are joined together; p is more popular but never with a."""
    train = [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b")]
    train += [(f"p{n}", "p") for n in range(5)] + [("p0", "c")]
    split = split_of([*train, ("ana", "a")], [("ana", "b"), ("cold", "p")])
    knn = item_knn_lists(split, ["ana", "cold"], k=3)
    assert knn[0][0] == "b"
    assert "a" not in knn[0]
    assert knn[1] == popularity_lists(split, ["cold"], k=3)[0]  # no history: popularity


def test_random_lists_are_seeded_and_leave_out_train_activities() -> None:
    split = split_of([("ana", "a"), ("ben", "b")], [("ana", "b"), ("ben", "c"), ("ben", "d")])
    first = random_lists(split, ["ana", "ben"], k=10, seed=3)
    assert first == random_lists(split, ["ana", "ben"], k=10, seed=3)
    assert sorted(first[0]) == ["b", "c", "d"]
    assert sorted(first[1]) == ["a", "c", "d"]


def test_the_report_scores_the_api_beside_baselines_of_the_same_split() -> None:
    split = split_of([("u1", "p"), ("u2", "p"), ("u1", "q")], [("u2", "q"), ("u3", "p")])
    result = evaluate_lists(split, {"u2": ["q"], "u3": ["x"]}, rows=5, k=10)
    assert [m.name for m in result.methods] == list(METHODS)
    assert result.method(API_METHOD).hit_rate == 0.5
    assert result.method(POPULARITY).hit_rate == 1.0
    assert (result.test_joins, result.cold_test_users, result.train_joins) == (2, 1, 3)
    methods = result.as_dict()["methods"]
    assert isinstance(methods, dict)
    assert set(methods) == set(METHODS)
    assert "HR@10" in result.table()


def test_the_synthetic_joins_have_the_skew_and_the_taste() -> None:
    """A head project with about 40% of joins, most users with one or two, the same file for
    the same seed, and taste that item-kNN finds far better than chance."""
    generated = joins_data.generate(seed=1)
    assert generated == joins_data.generate(seed=1)
    per_project = Counter(join.project_id for join in generated)
    head, count = per_project.most_common(1)[0]
    assert head == joins_data.project_id(0)
    assert 0.35 < count / len(generated) < 0.45
    per_user = Counter(join.user_id for join in generated)
    assert sum(n <= 2 for n in per_user.values()) / len(per_user) > 0.7
    split = leave_last_out(
        [
            JoinRow(j.user_id, j.project_id, n, time=j.joined_at.timestamp())
            for n, j in enumerate(generated, start=2)
        ]
    )
    result = evaluate_lists(split, {}, rows=len(generated))
    assert result.method(ITEM_KNN).hit_rate > 10 * result.method(RANDOM).hit_rate


def test_the_generator_writes_a_csv_the_evaluation_reads(tmp_path: Path) -> None:
    out = tmp_path / "joins.csv"
    assert (
        joins_data.main(["--out", str(out), "--users", "50", "--projects", "20", "--groups", "4"])
        == 0
    )
    rows = read_joins(out, "user_id", "project_id", time_column="joined_at")
    assert len({row.user for row in rows}) == 50


def test_the_joins_options() -> None:
    given = ["--joins", "j.csv", "--user-column", "u", "--activity-column", "a"]
    args = parse_args([*given, "--split-column", "s"])
    assert (args.split_column, args.train_value, args.test_value) == ("s", "train", "test")
    for wrong in (
        given,
        ["--joins", "j.csv", "--user-column", "u"],
        ["--user-column", "u"],
        ["--joins", "j.csv", "--time-column", "t", "--split-column", "s"],
        [*given, "--time-column", "t", "--k", "51"],
    ):
        with pytest.raises(SystemExit):
            parse_args(wrong)
