"""Matching quality on a labelled file of listings: the pure parts. No I/O but reading the
file, no clock, no services (those are in :mod:`services.matching.listings_run`).

Any platform that has published volunteering listings, each tagged with one or more labels
(its causes, its audience...), can measure how well a student's free-text motivation finds
listings of the kind they wrote about, with the same catalogue and matching services that
would serve its students.

Protocol
--------

1. **Listings.** A CSV file read with the standard library; ``text_columns`` are joined with
   a newline into a listing's text, the first of them is its title. Labels are the
   ``label_columns``, by default every column whose values are all booleans (``true/false``,
   ``1/0``, ``yes/no``, any case); an unnamed first column is a row index, never a label. A
   listing may carry several labels, or none.
2. **Split**, for each seed: the listings are shuffled with the seed; the first 30% are the
   *pool* students are made from, the other 70% are *published*. The two are disjoint, so no
   student sees the listing they were made of.
3. **Students.** For every label carried by at least 3 pool listings, 20 students; each
   one's motivation is the text of 3 distinct pool listings of that label, drawn with the
   seed. A student is relevant to every published listing carrying its label.
4. **Recommend (API)**: the published listings become activities of the catalogue that differ
   only in title and description (all six causes, one place, one date, plenty of seats,
   English), and the students profiles of the matching service that differ only in
   motivation, so nothing but the text can tell activities apart; each student's top ``k``
   from ``Recommend``. Activities are published one at a time in the split's order, so the
   service indexes them in that order and the figures repeat from run to run.
5. **Baselines** on the same split, scoring every published listing's text (the description
   as sent to the catalogue) against the motivation as sent to matching: cosine of word
   TF-IDF (1- and 2-grams) and of character TF-IDF (3- to 5-grams within words), both with
   sublinear term frequency and fitted on the published texts; and a seeded random list.
   Ties keep the published order.
6. **Metrics** over the top ``k``: precision (share of the list carrying the student's label)
   and binary-relevance NDCG, averaged over each label's students and then over labels
   (macro: a frequent label weighs no more than a rare one); catalogue coverage (share of
   the published listings in at least one student's list). Reported per seed and as the
   mean over seeds.
"""

from __future__ import annotations

import csv
import random
import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from services.kernel import limits as activity_limits
from services.matching import limits as matching_limits
from services.matching.ranking_metrics import (
    DEFAULT_K,
    catalogue_coverage,
    ndcg_at_k,
    precision_at_k,
)

__all__ = [
    "API_METHOD",
    "BASELINES",
    "LISTINGS_PER_STUDENT",
    "METHODS",
    "POOL_SHARE",
    "STUDENTS_PER_LABEL",
    "Listing",
    "Listings",
    "ListingsError",
    "ListingsEvaluation",
    "MethodScores",
    "SeedResult",
    "Split",
    "Student",
    "activity_description",
    "activity_title",
    "baseline_lists",
    "build_students",
    "parse_bool",
    "parse_listings",
    "random_lists",
    "read_listings",
    "score_method",
    "score_seed",
    "split_listings",
    "tfidf_lists",
]

POOL_SHARE = 0.3
STUDENTS_PER_LABEL = 20
LISTINGS_PER_STUDENT = 3
API_METHOD = "Recommend (API)"
WORD_TFIDF = "word TF-IDF 1-2"
CHAR_TFIDF = "char_wb TF-IDF 3-5"
RANDOM = "random"
BASELINES = (WORD_TFIDF, CHAR_TFIDF, RANDOM)
METHODS = (API_METHOD, *BASELINES)

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class ListingsError(ValueError):
    """The file or the columns asked for cannot be evaluated; the message says why."""


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    row: int
    """Position among the file's data rows, from 0; also the listing's key in result lists."""
    title: str
    """The first text column."""
    text: str
    """Every text column, joined by newlines."""
    labels: frozenset[str]

    @property
    def key(self) -> str:
        return str(self.row)


@dataclass(frozen=True, slots=True)
class Listings:
    items: tuple[Listing, ...]
    text_columns: tuple[str, ...]
    label_columns: tuple[str, ...]


def parse_bool(value: str) -> bool | None:
    """``True``/``False`` for a boolean spelling, ``None`` for anything else."""
    word = value.strip().casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def read_listings(
    path: Path, text_columns: Sequence[str], label_columns: Sequence[str] | None = None
) -> Listings:
    """:func:`parse_listings` of a UTF-8 file (with or without a byte-order mark)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            return parse_listings(file, text_columns, label_columns)
    except OSError as error:
        raise ListingsError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ListingsError(f"{path} is not UTF-8 text") from error


def parse_listings(
    lines: Iterable[str], text_columns: Sequence[str], label_columns: Sequence[str] | None = None
) -> Listings:
    """Listings of CSV ``lines`` (header first); labels are ``label_columns``, or every
    named column of booleans when None."""
    rows = list(csv.reader(lines))
    if not rows:
        raise ListingsError("the file is empty")
    header, data = [name.strip() for name in rows[0]], rows[1:]
    if not data:
        raise ListingsError("the file has a header but no listings")
    if not text_columns:
        raise ListingsError("name at least one text column")
    for number, row in enumerate(data, start=2):
        if len(row) != len(header):
            raise ListingsError(f"line {number} has {len(row)} fields, the header {len(header)}")
    texts = [_column(header, name) for name in text_columns]
    labels = _label_columns(header, data, texts, label_columns)
    items = []
    for row_number, row in enumerate(data):
        parts = [row[column].strip() for column in texts]
        items.append(
            Listing(
                row_number,
                parts[0],
                "\n".join(p for p in parts if p),
                _labels_of(row, header, labels, row_number + 2),
            )
        )
    return Listings(tuple(items), tuple(header[c] for c in texts), tuple(header[c] for c in labels))


def _label_columns(
    header: Sequence[str],
    data: Sequence[Sequence[str]],
    texts: Sequence[int],
    named: Sequence[str] | None,
) -> list[int]:
    """The columns ``named``, or every named non-text column of booleans."""
    if named is not None:
        if not named:
            raise ListingsError("name at least one label column")
        return [_column(header, name) for name in named]
    found = [
        column
        for column, name in enumerate(header)
        if name and column not in texts and all(parse_bool(row[column]) is not None for row in data)
    ]
    if not found:
        raise ListingsError("no column holds only booleans; name the label columns")
    return found


def _labels_of(
    row: Sequence[str], header: Sequence[str], labels: Sequence[int], line: int
) -> frozenset[str]:
    carried = set()
    for column in labels:
        value = parse_bool(row[column])
        if value is None:
            raise ListingsError(
                f"line {line}: {header[column]!r} is {row[column]!r}, not a boolean"
            )
        if value:
            carried.add(header[column])
    return frozenset(carried)


def _column(header: Sequence[str], name: str) -> int:
    if name not in header:
        known = ", ".join(repr(n) for n in header if n)
        raise ListingsError(f"no column {name!r}; the columns are {known}")
    return header.index(name)


# --- What the services are sent ---------------------------------------------------------------


def _printable(text: str, *, multiline: bool) -> str:
    """``text`` without the characters the services refuse: control characters but line
    breaks and tabs in multi-line text; in a single line, white space of any kind becomes a
    space and other control characters go."""
    if multiline:
        return "".join(c for c in text if c in "\n\r\t" or unicodedata.category(c) != "Cc")
    return "".join(
        " " if c.isspace() else c
        for c in text
        if c.isspace() or unicodedata.category(c) not in {"Cc", "Zl", "Zp"}
    )


def _clip(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def activity_title(listing: Listing) -> str:
    """The title, on one line and within the catalogue's limits; the start of the text, or
    the row number, when the title is too short."""
    for candidate in (listing.title, listing.text):
        title = " ".join(_printable(candidate, multiline=False).split())
        if len(title) >= activity_limits.TITLE_MIN_CHARS:
            return _clip(title, activity_limits.TITLE_MAX_CHARS)
    return f"Listing {listing.row}"


def activity_description(listing: Listing) -> str:
    """The whole text within the catalogue's limits; the title when there is no text."""
    description = _printable(listing.text, multiline=True).strip()
    return _clip(description or activity_title(listing), activity_limits.DESCRIPTION_MAX_CHARS)


# --- Split and students -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Split:
    seed: int
    pool: tuple[Listing, ...]
    """What students are made of."""
    published: tuple[Listing, ...]
    """What is published and recommended, in the order it is published."""


@dataclass(frozen=True, slots=True)
class Student:
    student_id: str
    label: str
    sources: tuple[int, ...]
    """Rows of the pool listings the motivation is made of."""
    motivation: str
    """As sent to matching: the sources' texts, within the profile's limit."""


def split_listings(listings: Sequence[Listing], seed: int, pool_share: float = POOL_SHARE) -> Split:
    """The listings shuffled with ``seed``: the first ``pool_share`` (rounded) for the pool,
    the rest published."""
    if not 0 < pool_share < 1:
        raise ValueError("pool_share must be between 0 and 1")
    order = list(listings)
    random.Random(f"{seed}:split").shuffle(order)
    cut = round(len(order) * pool_share)
    return Split(seed, tuple(order[:cut]), tuple(order[cut:]))


def build_students(
    split: Split,
    labels: Sequence[str],
    *,
    per_label: int = STUDENTS_PER_LABEL,
    listings_each: int = LISTINGS_PER_STUDENT,
) -> list[Student]:
    """``per_label`` students for every label with at least ``listings_each`` pool listings,
    in the order of ``labels``; each made of ``listings_each`` distinct ones of that label."""
    draw = random.Random(f"{split.seed}:students")
    students = []
    for number, label in enumerate(labels):
        carrying = [listing for listing in split.pool if label in listing.labels]
        if len(carrying) < listings_each:
            continue
        for index in range(per_label):
            sources = draw.sample(carrying, listings_each)
            motivation = _printable(
                "\n\n".join(source.text for source in sources), multiline=True
            ).strip()
            students.append(
                Student(
                    student_id=f"listings-{split.seed}-{number:03d}-{index:03d}",
                    label=label,
                    sources=tuple(source.row for source in sources),
                    motivation=_clip(motivation, matching_limits.MOTIVATION_MAX_CHARS),
                )
            )
    return students


# --- Baselines --------------------------------------------------------------------------------


def _word_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)


def _char_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)


def tfidf_lists(
    queries: Sequence[str], documents: Sequence[str], vectorizer: TfidfVectorizer, k: int
) -> list[list[int]]:
    """Per query, the positions of the ``k`` documents of highest cosine similarity, ties by
    position; the vectorizer is fitted on the documents, as a search index would be."""
    document_vectors = vectorizer.fit_transform(documents)
    query_vectors = vectorizer.transform(queries)
    similarities = np.asarray((query_vectors @ document_vectors.T).toarray())
    order = np.argsort(-similarities, axis=1, kind="stable")[:, :k]
    return [[int(p) for p in row] for row in order]


def random_lists(queries: int, documents: int, k: int, seed: int) -> list[list[int]]:
    draw = random.Random(f"{seed}:random")
    return [draw.sample(range(documents), min(k, documents)) for _ in range(queries)]


def baseline_lists(split: Split, students: Sequence[Student], k: int) -> dict[str, list[list[str]]]:
    """Each baseline's list of published keys per student, in the order of ``students``."""
    documents = [activity_description(listing) for listing in split.published]
    queries = [student.motivation for student in students]
    keys = [listing.key for listing in split.published]
    positions = {
        WORD_TFIDF: tfidf_lists(queries, documents, _word_tfidf(), k),
        CHAR_TFIDF: tfidf_lists(queries, documents, _char_tfidf(), k),
        RANDOM: random_lists(len(queries), len(documents), k, split.seed),
    }
    return {name: [[keys[p] for p in row] for row in lists] for name, lists in positions.items()}


# --- Metrics ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MethodScores:
    name: str
    precision: float
    """Precision at k, macro-averaged over labels."""
    ndcg: float
    """NDCG at k, macro-averaged over labels."""
    coverage: float
    precision_by_label: Mapping[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "precision_at_k": round(self.precision, 4),
            "ndcg_at_k": round(self.ndcg, 4),
            "catalogue_coverage": round(self.coverage, 4),
            "precision_at_k_by_label": {
                label: round(value, 4) for label, value in self.precision_by_label.items()
            },
        }


def score_method(
    name: str,
    lists: Sequence[Sequence[str]],
    students: Sequence[Student],
    published: Sequence[Listing],
    k: int = DEFAULT_K,
) -> MethodScores:
    """Scores of one method's ``lists`` (published keys, one list per student, in order);
    keys of no published listing count as misses."""
    if len(lists) != len(students):
        raise ValueError("one list per student")
    if not students:
        raise ValueError("no students to score")
    relevant: dict[str, set[str]] = {}
    for listing in published:
        for label in listing.labels:
            relevant.setdefault(label, set()).add(listing.key)
    precisions: dict[str, list[float]] = {}
    ndcgs: dict[str, list[float]] = {}
    for student, items in zip(students, lists, strict=True):
        hits = relevant.get(student.label, set())
        precisions.setdefault(student.label, []).append(precision_at_k(items, hits, k))
        ndcgs.setdefault(student.label, []).append(ndcg_at_k(items, hits, k))
    by_label = {label: statistics.fmean(values) for label, values in precisions.items()}
    return MethodScores(
        name=name,
        precision=statistics.fmean(by_label.values()),
        ndcg=statistics.fmean(statistics.fmean(values) for values in ndcgs.values()),
        coverage=catalogue_coverage(lists, [listing.key for listing in published]),
        precision_by_label=by_label,
    )


# --- Report -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedResult:
    seed: int
    activities: int
    """Published listings."""
    students: int
    labels: tuple[str, ...]
    """Labels with students."""
    methods: tuple[MethodScores, ...]
    api_seconds: float = 0.0
    """Time spent publishing, creating profiles and recommending through the services."""

    def method(self, name: str) -> MethodScores:
        (found,) = [m for m in self.methods if m.name == name]
        return found

    def as_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "activities": self.activities,
            "students": self.students,
            "labels": list(self.labels),
            "api_seconds": round(self.api_seconds, 2),
            "methods": {m.name: m.as_dict() for m in self.methods},
        }


def score_seed(
    split: Split,
    students: Sequence[Student],
    api_lists: Sequence[Sequence[str]],
    k: int = DEFAULT_K,
    api_seconds: float = 0.0,
) -> SeedResult:
    """Every method's scores on one split, given what the API recommended to ``students``."""
    lists: dict[str, Sequence[Sequence[str]]] = {
        API_METHOD: api_lists,
        **baseline_lists(split, students, k),
    }
    return SeedResult(
        seed=split.seed,
        activities=len(split.published),
        students=len(students),
        labels=tuple(dict.fromkeys(student.label for student in students)),
        methods=tuple(
            score_method(name, lists[name], students, split.published, k) for name in METHODS
        ),
        api_seconds=api_seconds,
    )


@dataclass(frozen=True, slots=True)
class ListingsEvaluation:
    k: int
    listings: int
    text_columns: tuple[str, ...]
    label_columns: tuple[str, ...]
    students_per_label: int
    seeds: tuple[SeedResult, ...]

    def mean(self, method: str) -> tuple[float, float, float]:
        """Precision, NDCG and coverage of ``method``, averaged over seeds."""
        scores = [seed.method(method) for seed in self.seeds]
        return (
            statistics.fmean(s.precision for s in scores),
            statistics.fmean(s.ndcg for s in scores),
            statistics.fmean(s.coverage for s in scores),
        )

    def as_dict(self) -> dict[str, object]:
        means = {}
        for name in METHODS:
            precision, ndcg, coverage = self.mean(name)
            means[name] = {
                "precision_at_k": round(precision, 4),
                "ndcg_at_k": round(ndcg, 4),
                "catalogue_coverage": round(coverage, 4),
            }
        return {
            "k": self.k,
            "listings": self.listings,
            "text_columns": list(self.text_columns),
            "label_columns": list(self.label_columns),
            "pool_share": POOL_SHARE,
            "students_per_label": self.students_per_label,
            "listings_per_student": LISTINGS_PER_STUDENT,
            "methods": means,
            "seeds": [seed.as_dict() for seed in self.seeds],
        }

    def summary(self) -> str:
        lines = [
            f"{self.listings} listings; text: {', '.join(self.text_columns)}; "
            f"{len(self.label_columns)} label columns: {', '.join(self.label_columns)}"
        ]
        lines += [
            f"seed {s.seed}: {s.activities} activities published, {s.students} students "
            f"over {len(s.labels)} labels ({s.api_seconds:.1f} s through the services)"
            for s in self.seeds
        ]
        return "\n".join(lines)

    def table(self) -> str:
        k = self.k
        header = f"{'method':<20}{f'P@{k}':>8}{f'NDCG@{k}':>9}{'coverage':>10}  " + "".join(
            f"{f'P@{k} s{s.seed}':>10}" for s in self.seeds
        )
        lines = [header, "-" * len(header)]
        for name in METHODS:
            precision, ndcg, coverage = self.mean(name)
            by_seed = "".join(f"{s.method(name).precision:>10.4f}" for s in self.seeds)
            lines.append(f"{name:<20}{precision:>8.4f}{ndcg:>9.4f}{coverage:>10.3f}  {by_seed}")
        return "\n".join(lines)
