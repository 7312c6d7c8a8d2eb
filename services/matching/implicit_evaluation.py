"""The implicit-feedback protocol of the offline evaluation: joins, a split, the baselines
and their scores. Pure: no I/O beyond reading the file, no services (the calls are in
:mod:`services.matching.implicit_run`).

A *joins file* is a CSV with a user and an activity (project) column, one row per join, and
either a time column or a split column:

- **Time column: leave last out.** Each user's joins are ordered by time (ties by their order
  in the file); the last join of every user with at least two is held out for the test, the
  others train. This is the usual protocol for implicit feedback (as in He et al.'s neural
  collaborative filtering and Rendle et al.'s evaluations): every test user has history, and
  the question is the one a platform asks, "what will this student join next?". Users with
  one join only train. A global time split (the last 20% of joins by time) was the
  alternative; it leaves most test users without any history on data where most users join
  once or twice, so it measures mostly the cold start, which popularity wins by construction.
- **Split column**: the file's own split (``train`` / ``test`` by default, configurable), as
  a source's published split is; test users may then have no train joins (cold).

Either way, a user's repeated join of an activity counts once (the first), and a test join
of an activity the user joined in training is dropped (the API never suggests an activity a
student enrolled in, and no baseline would either).

Every method ranks every activity of the file except those the user joined in training, and
is scored per test join: HR@k (the join's activity is in the top k) and NDCG@k (one relevant
activity, so 1/log2(rank + 1) when it is there). Baselines, computed here on the same split:

- **popularity**: train joins per activity, most first (ties by first appearance in the file);
- **item-kNN**: for each activity, the sum of its cosine similarities (of the activities'
  binary user vectors over the train joins) to the user's train activities; ties, and users
  without train joins, fall back to the popularity order;
- **random**: a seeded shuffle per user.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

DEFAULT_K = 10
TRAIN_VALUE = "train"
TEST_VALUE = "test"
API_METHOD = "Recommend (API)"
POPULARITY = "popularity"
ITEM_KNN = "item-kNN (cosine)"
RANDOM = "random"
BASELINES = (POPULARITY, ITEM_KNN, RANDOM)
METHODS = (API_METHOD, *BASELINES)
LEAVE_LAST_OUT = "leave-last-out"
SPLIT_COLUMN = "split-column"
_KNN_CHUNK = 2_000
"""Users scored at once by item-kNN: a chunk's dense scores are users by activities."""


class JoinsError(ValueError):
    """The joins file cannot be evaluated; the message names the line or column."""


@dataclass(frozen=True, slots=True)
class JoinRow:
    user: str
    item: str
    line: int
    """Line in the file, for the order of ties and for messages."""
    time: float = 0.0
    """Seconds since the epoch; 0 when the file has a split column instead."""
    split: str = ""


def _column(header: Sequence[str], name: str) -> int:
    if name not in header:
        raise JoinsError(f"no column {name!r}; the header has {', '.join(header)}")
    return list(header).index(name)


def parse_time(text: str) -> float:
    """ISO 8601 (UTC when it names no offset; a trailing Z allowed) or seconds since the
    epoch."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def read_joins(
    path: Path,
    user_column: str,
    activity_column: str,
    *,
    time_column: str | None = None,
    split_column: str | None = None,
) -> list[JoinRow]:
    """The joins of a CSV file; exactly one of ``time_column`` and ``split_column``."""
    if (time_column is None) == (split_column is None):
        raise JoinsError("give either a time column or a split column")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise JoinsError("the file is empty")
            user_at = _column(header, user_column)
            item_at = _column(header, activity_column)
            other_at = _column(header, time_column or split_column or "")
            rows = []
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) <= max(user_at, item_at, other_at):
                    raise JoinsError(f"line {number}: fewer cells than the header names")
                user, item = cells[user_at].strip(), cells[item_at].strip()
                if not user or not item:
                    raise JoinsError(f"line {number}: empty {user_column} or {activity_column}")
                other = cells[other_at].strip()
                if time_column is not None:
                    try:
                        rows.append(JoinRow(user, item, number, time=parse_time(other)))
                    except ValueError:
                        raise JoinsError(
                            f"line {number}: {time_column} {other!r} is neither ISO 8601 nor"
                            " seconds since the epoch"
                        ) from None
                else:
                    rows.append(JoinRow(user, item, number, split=other))
    except (OSError, UnicodeDecodeError) as error:
        raise JoinsError(f"cannot read it: {error}") from None
    if not rows:
        raise JoinsError("no joins")
    return rows


@dataclass(frozen=True, slots=True)
class ImplicitSplit:
    protocol: str
    train: tuple[JoinRow, ...]
    test: tuple[JoinRow, ...]
    items: tuple[str, ...]
    """Every activity of the file, in order of first appearance."""
    dropped: int = 0
    """Test joins of an activity the user joined in training, or repeated."""

    @property
    def users(self) -> tuple[str, ...]:
        """Every user of the file: train or test."""
        seen = dict.fromkeys(row.user for row in (*self.train, *self.test))
        return tuple(seen)

    def train_items(self) -> dict[str, set[str]]:
        joined: dict[str, set[str]] = {}
        for row in self.train:
            joined.setdefault(row.user, set()).add(row.item)
        return joined

    def test_users(self) -> list[str]:
        """Users with a test join, in order of their first one."""
        return list(dict.fromkeys(row.user for row in self.test))


def _items_of(rows: Sequence[JoinRow]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(row.item for row in sorted(rows, key=lambda r: r.line)))


def _first_joins(rows: Sequence[JoinRow]) -> list[JoinRow]:
    """Each (user, activity) once: its first join, by time then line."""
    first: dict[tuple[str, str], JoinRow] = {}
    for row in sorted(rows, key=lambda r: (r.time, r.line)):
        first.setdefault((row.user, row.item), row)
    return list(first.values())


def leave_last_out(rows: Sequence[JoinRow]) -> ImplicitSplit:
    """Each user's last join (by time, then line) is the test join of users with two or
    more distinct activities; everything else trains."""
    by_user: dict[str, list[JoinRow]] = {}
    for row in _first_joins(rows):
        by_user.setdefault(row.user, []).append(row)
    train: list[JoinRow] = []
    test: list[JoinRow] = []
    for joins in by_user.values():
        *earlier, last = joins  # already in time order
        if earlier:
            train += earlier
            test.append(last)
        else:
            train.append(last)
    return ImplicitSplit(
        LEAVE_LAST_OUT,
        tuple(sorted(train, key=lambda r: r.line)),
        tuple(sorted(test, key=lambda r: r.line)),
        _items_of(rows),
        dropped=len(rows) - len(train) - len(test),
    )


def split_by_column(
    rows: Sequence[JoinRow], train_value: str = TRAIN_VALUE, test_value: str = TEST_VALUE
) -> ImplicitSplit:
    """The file's own split; a value that is neither ``train_value`` nor ``test_value`` is an
    error naming its line."""
    for row in rows:
        if row.split not in (train_value, test_value):
            raise JoinsError(
                f"line {row.line}: split value {row.split!r} is neither {train_value!r} nor"
                f" {test_value!r}"
            )
    train = _first_joins([row for row in rows if row.split == train_value])
    joined = {(row.user, row.item) for row in train}
    test: list[JoinRow] = []
    for row in sorted((r for r in rows if r.split == test_value), key=lambda r: r.line):
        if (row.user, row.item) not in joined:
            joined.add((row.user, row.item))
            test.append(row)
    if not train or not test:
        raise JoinsError(f"the split needs both {train_value!r} and {test_value!r} rows")
    return ImplicitSplit(
        SPLIT_COLUMN,
        tuple(sorted(train, key=lambda r: r.line)),
        tuple(test),
        _items_of(rows),
        dropped=sum(1 for r in rows if r.split == test_value) - len(test),
    )


# --- Baselines --------------------------------------------------------------------------------


def popularity_order(split: ImplicitSplit) -> list[str]:
    """Every activity, most train joins first; ties in order of first appearance."""
    counts = {item: 0 for item in split.items}
    for row in split.train:
        counts[row.item] += 1
    return sorted(split.items, key=lambda item: -counts[item])  # stable: first appearance


def _top(order: Sequence[str], excluded: set[str], k: int) -> list[str]:
    found: list[str] = []
    for item in order:
        if item not in excluded:
            found.append(item)
            if len(found) == k:
                break
    return found


def popularity_lists(split: ImplicitSplit, users: Sequence[str], k: int) -> list[list[str]]:
    order = popularity_order(split)
    joined = split.train_items()
    return [_top(order, joined.get(user, set()), k) for user in users]


def random_lists(split: ImplicitSplit, users: Sequence[str], k: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    joined = split.train_items()
    items = np.array(split.items, dtype=object)
    return [_top(list(items[rng.permutation(len(items))]), joined.get(u, set()), k) for u in users]


def item_similarities(split: ImplicitSplit, order: Sequence[str]) -> NDArray[np.float64]:
    """Cosine similarities of the activities' binary user vectors over the train joins, in
    ``order``; an activity is not similar to itself (0 on the diagonal)."""
    column = {item: number for number, item in enumerate(order)}
    users = {user: number for number, user in enumerate(split.users)}
    pairs = {(users[row.user], column[row.item]) for row in split.train}
    rows, columns = zip(*pairs, strict=True) if pairs else ((), ())
    joins = sparse.csr_matrix(
        (np.ones(len(pairs)), (rows, columns)), shape=(len(users), len(order))
    )
    co_joins = (joins.T @ joins).toarray()
    norms = np.sqrt(np.diag(co_joins))
    norms[norms == 0] = 1.0
    similar: NDArray[np.float64] = co_joins / norms[:, None] / norms[None, :]
    np.fill_diagonal(similar, 0.0)
    return similar


def item_knn_lists(split: ImplicitSplit, users: Sequence[str], k: int) -> list[list[str]]:
    """Item-kNN scores ranked with the popularity order breaking ties (a stable sort of
    activities laid out most popular first)."""
    order = popularity_order(split)
    column = {item: number for number, item in enumerate(order)}
    similar = item_similarities(split, order)
    joined = split.train_items()
    lists: list[list[str]] = []
    for start in range(0, len(users), _KNN_CHUNK):
        chunk = users[start : start + _KNN_CHUNK]
        history = np.zeros((len(chunk), len(order)))
        for number, user in enumerate(chunk):
            history[number, [column[item] for item in joined.get(user, ())]] = 1.0
        scores = history @ similar
        scores[history > 0] = -np.inf
        ranked = np.argsort(-scores, axis=1, kind="stable")
        for number, user in enumerate(chunk):
            allowed = len(order) - len(joined.get(user, ()))
            lists.append([order[i] for i in ranked[number, : min(k, allowed)]])
    return lists


# --- Scores -----------------------------------------------------------------------------------


def hit_rank(recommended: Sequence[str], item: str, k: int) -> int | None:
    """1-based rank of ``item`` among the first ``k``; None when it is not there."""
    try:
        rank = list(recommended[:k]).index(item) + 1
    except ValueError:
        return None
    return rank


def ndcg_of_rank(rank: int | None) -> float:
    """NDCG of one relevant item at ``rank`` (its ideal is rank 1)."""
    return 0.0 if rank is None else 1.0 / math.log2(rank + 1)


@dataclass(frozen=True, slots=True)
class MethodScores:
    name: str
    hit_rate: float
    ndcg: float
    coverage: float
    """Share of the file's activities in at least one list."""

    def as_dict(self) -> dict[str, float]:
        return {
            "hr_at_k": round(self.hit_rate, 4),
            "ndcg_at_k": round(self.ndcg, 4),
            "catalogue_coverage": round(self.coverage, 4),
        }


def score_method(
    name: str, lists: Mapping[str, Sequence[str]], split: ImplicitSplit, k: int
) -> MethodScores:
    """Scores of one method's list per test user, over every test join."""
    if not split.test:
        raise ValueError("no test joins to score")
    ranks = [hit_rank(lists.get(row.user, ()), row.item, k) for row in split.test]
    shown = {item for items in lists.values() for item in items[:k]}
    return MethodScores(
        name=name,
        hit_rate=sum(rank is not None for rank in ranks) / len(ranks),
        ndcg=statistics.fmean(ndcg_of_rank(rank) for rank in ranks),
        coverage=len(shown & set(split.items)) / len(split.items),
    )


def baseline_lists(split: ImplicitSplit, k: int, seed: int) -> dict[str, dict[str, list[str]]]:
    """Each baseline's list for every test user, on ``split``."""
    users = split.test_users()
    made = {
        POPULARITY: popularity_lists(split, users, k),
        ITEM_KNN: item_knn_lists(split, users, k),
        RANDOM: random_lists(split, users, k, seed),
    }
    return {name: dict(zip(users, lists, strict=True)) for name, lists in made.items()}


@dataclass(frozen=True, slots=True)
class ImplicitEvaluation:
    k: int
    protocol: str
    rows: int
    train_joins: int
    test_joins: int
    dropped: int
    users: int
    activities: int
    test_users: int
    cold_test_users: int
    """Test users without a train join."""
    head_share: float
    """Share of the train joins on the most joined activity."""
    methods: tuple[MethodScores, ...]
    seed: int = 0
    api_seconds: float = 0.0
    extra: Mapping[str, object] = field(default_factory=dict)
    """What the run adds (timings of its steps)."""

    def method(self, name: str) -> MethodScores:
        (found,) = [m for m in self.methods if m.name == name]
        return found

    def as_dict(self) -> dict[str, object]:
        return {
            "k": self.k,
            "protocol": self.protocol,
            "rows": self.rows,
            "train_joins": self.train_joins,
            "test_joins": self.test_joins,
            "test_joins_dropped": self.dropped,
            "users": self.users,
            "activities": self.activities,
            "test_users": self.test_users,
            "cold_test_users": self.cold_test_users,
            "train_head_share": round(self.head_share, 4),
            "seed": self.seed,
            "api_seconds": round(self.api_seconds, 2),
            **self.extra,
            "methods": {m.name: m.as_dict() for m in self.methods},
        }

    def summary(self) -> str:
        return (
            f"{self.rows:,} joins ({self.protocol}): {self.train_joins:,} train, "
            f"{self.test_joins:,} test ({self.dropped:,} dropped), {self.users:,} users, "
            f"{self.activities:,} activities; {self.test_users:,} test users "
            f"({self.cold_test_users:,} without train joins); the most joined activity holds "
            f"{self.head_share:.0%} of the train joins; {self.api_seconds:.1f} s through "
            "the services"
        )

    def table(self) -> str:
        k = self.k
        header = f"{'method':<20}{f'HR@{k}':>8}{f'NDCG@{k}':>9}{'coverage':>10}"
        lines = [header, "-" * len(header)]
        for m in self.methods:
            lines.append(f"{m.name:<20}{m.hit_rate:>8.4f}{m.ndcg:>9.4f}{m.coverage:>10.3f}")
        return "\n".join(lines)


def evaluate_lists(
    split: ImplicitSplit,
    api_lists: Mapping[str, Sequence[str]],
    *,
    rows: int,
    k: int = DEFAULT_K,
    seed: int = 0,
    api_seconds: float = 0.0,
    extra: Mapping[str, object] | None = None,
) -> ImplicitEvaluation:
    """Every method's scores on ``split``, given what the API recommended to its test
    users; the baselines are computed here, on the same split."""
    lists: dict[str, Mapping[str, Sequence[str]]] = {
        API_METHOD: api_lists,
        **baseline_lists(split, k, seed),
    }
    joined = split.train_items()
    counts = popularity_order(split)
    head = counts[0] if counts else ""
    return ImplicitEvaluation(
        k=k,
        protocol=split.protocol,
        rows=rows,
        train_joins=len(split.train),
        test_joins=len(split.test),
        dropped=split.dropped,
        users=len(split.users),
        activities=len(split.items),
        test_users=len(split.test_users()),
        cold_test_users=sum(1 for user in split.test_users() if user not in joined),
        head_share=sum(row.item == head for row in split.train) / max(len(split.train), 1),
        methods=tuple(score_method(name, lists[name], split, k) for name in METHODS),
        seed=seed,
        api_seconds=api_seconds,
        extra=dict(extra or {}),
    )
