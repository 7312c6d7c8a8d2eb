"""Text relevance: BM25 over folded words and cross-language concept tokens.

A document (an activity's text) and a query (a student's motivation) become hashed counts of
their tokens: folded words without function words (:mod:`~services.matching.stop_words`), plus
the concept tokens of :mod:`~services.matching.lexicon`, which say in one shared vocabulary what
a text is about whatever its language ("limpieza de playa", "beach clean-up" and "Strand
aufräumen" all carry the beach clean-up concept).

Scoring is Okapi BM25. Its document side (saturated term frequency, length-normalised) needs no
corpus statistic, so an activity is weighted once, when it arrives. Its corpus side, the IDF, is
computed at query time from :class:`TermStatistics`, document frequencies kept exactly as
activities come and go: the weights always match the live catalogue, from its first activity.

Choices measured on real labelled listings (``python -m services.matching.evaluate
--listings``): BM25 with function words left out beat cosine TF-IDF of words and of character
n-grams, dropping plural endings helped, and the concept tokens helped most; word bigrams,
character n-grams beside words, truncation stemming, pseudo-relevance feedback and smoothing
over similar activities added nothing or less than noise.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import mmh3
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from services.kernel.text import fold_text
from services.matching.lexicon import CONCEPT_TOKEN_PREFIX, concepts_in
from services.matching.stop_words import STOP_WORDS
from socialerasmus.catalogue.v1 import catalogue_pb2

__all__ = [
    "K1",
    "N_FEATURES",
    "PIVOT_LENGTH",
    "B",
    "Query",
    "TermStatistics",
    "TextEncoder",
    "activity_text",
    "query_term_weights",
    "tokens",
]

N_FEATURES = 2**20
"""Hashed token ids; with a few hundred thousand distinct words, collisions stay rare."""
K1 = 1.2
"""BM25 term-frequency saturation: a word's tenth occurrence adds little over its second."""
B = 0.75
"""BM25 length normalisation: how much a long description's matches are discounted."""
PIVOT_LENGTH = 32.0
"""Tokens of a document of typical length. BM25 divides by the corpus's average length; a fixed
pivot keeps stored document weights valid forever (the ranking hardly moved between pivots of
10 and 80 tokens on real listings)."""

CONCEPT_WEIGHT = 2
"""Each concept token counts as this many words: one concept stands for several words."""

_WORD = re.compile(r"\w\w+")
_SHORTEST_PLURAL = 3

ENCODED_CACHE_SIZE = 20_000
"""Motivations kept encoded (least recently used dropped first)."""


def activity_text(details: catalogue_pb2.ActivityDetails) -> str:
    """What an activity is about, as one document: title, description, goal, skills wanted."""
    return "\n".join((details.title, details.description, details.goal, *details.skills_wanted))


def tokens(text: str) -> list[str]:
    """The tokens text matching compares: folded words of two letters or more that are not
    function words, in the singular (see :func:`singular`), then the text's concept tokens,
    each :data:`CONCEPT_WEIGHT` times."""
    words = [singular(word) for word in _WORD.findall(fold_text(text)) if word not in STOP_WORDS]
    concepts = [CONCEPT_TOKEN_PREFIX + concept for concept in concepts_in(text)]
    return words + concepts * CONCEPT_WEIGHT


def singular(word: str) -> str:
    """The word without a plural "s" ("volunteers", "voluntarios", "bénévoles" lose it; "class"
    and "bus" keep theirs). English, Spanish, French and Portuguese plurals mostly end so; in the
    other languages the rule is harmless, as queries and activities are cut alike."""
    if len(word) > _SHORTEST_PLURAL and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class Query:
    """A motivation ready to score: hashed token ids and their query-side weights (1 + ln tf);
    the IDF is applied at scoring time, from the statistics of the moment."""

    __slots__ = ("indices", "weights")

    def __init__(self, indices: NDArray[np.int32], weights: NDArray[np.float64]) -> None:
        self.indices = indices
        self.weights = weights

    def __bool__(self) -> bool:
        return bool(self.indices.size)


class TermStatistics:
    """Document frequency of every hashed token over the documents added and not removed."""

    def __init__(self, n_features: int = N_FEATURES) -> None:
        self._frequencies: NDArray[np.int64] = np.zeros(n_features, np.int64)
        self._documents = 0

    @property
    def documents(self) -> int:
        return self._documents

    def state(self) -> dict[str, NDArray[np.int64]]:
        """The counts as arrays (copies): the tokens seen and their frequencies."""
        tokens = np.flatnonzero(self._frequencies)
        return {
            "documents": np.array(self._documents, np.int64),
            "tokens": tokens,
            "frequencies": self._frequencies[tokens],
        }

    @classmethod
    def restored(cls, n_features: int, state: dict[str, NDArray[np.int64]]) -> TermStatistics:
        statistics = cls(n_features)
        statistics._frequencies[state["tokens"]] = state["frequencies"]
        statistics._documents = int(state["documents"])
        return statistics

    def frequency(self, indices: NDArray[np.int32]) -> NDArray[np.int64]:
        return self._frequencies[indices]

    def add(self, tokens: NDArray[np.int32]) -> None:
        """Counts one document, given its distinct hashed tokens."""
        self._frequencies[tokens] += 1
        self._documents += 1

    def remove(self, tokens: NDArray[np.int32]) -> None:
        """Forgets one document counted by :meth:`add` with the same tokens."""
        self._frequencies[tokens] -= 1
        self._documents -= 1

    def idf(self, indices: NDArray[np.int32]) -> NDArray[np.float64]:
        """BM25's IDF, ``ln(1 + (N - df + 0.5) / (df + 0.5))``: positive even for a word in every
        document, largest for one in none."""
        frequency = self._frequencies[indices].astype(np.float64)
        return np.log1p((self._documents - frequency + 0.5) / (frequency + 0.5))


class TextEncoder:
    """Turns texts into BM25 document rows and queries over :data:`N_FEATURES` hashed tokens.

    A token's id is its signed 32-bit MurmurHash3 (seed 0, UTF-8), made positive, modulo the
    number of features: scikit-learn's ``HashingVectorizer(alternate_sign=False)`` hashes the
    same way (a test holds them equal), without importing scikit-learn, which costs a serving
    process about two seconds of start-up.
    """

    def __init__(self, n_features: int = N_FEATURES) -> None:
        self._n_features = n_features
        self.query = functools.lru_cache(maxsize=ENCODED_CACHE_SIZE)(self._query)
        """The motivation ``text`` as a query (see :meth:`_query`), remembered for the next
        request of the same student (the same motivation)."""

    @property
    def n_features(self) -> int:
        return self._n_features

    def counts(self, documents: Sequence[str]) -> sp.csr_matrix:
        """One row per document: how often each hashed token occurs (ids in order)."""
        ids = [[self._token_id(token) for token in tokens(document)] for document in documents]
        counts = sp.csr_matrix(
            (
                np.ones(sum(map(len, ids)), np.float64),
                np.fromiter((i for row in ids for i in row), np.int32),
                np.r_[0, np.cumsum([len(row) for row in ids])],
            ),
            shape=(len(documents), self._n_features),
        )
        counts.sum_duplicates()  # sorts each row's ids too
        return counts

    def _token_id(self, token: str) -> int:
        return abs(mmh3.hash(token, 0, signed=True)) % self._n_features

    def document_weights(self, documents: Sequence[str]) -> sp.csr_matrix:
        """One row per document: BM25's saturated, length-normalised term frequency,
        ``tf (K1 + 1) / (tf + K1 (1 - B + B length / PIVOT_LENGTH))``."""
        weights = self.counts(documents)
        lengths = np.asarray(weights.sum(axis=1)).ravel()
        entries = np.diff(weights.indptr)
        damping = K1 * (1 - B + B * lengths / PIVOT_LENGTH)
        tf = weights.data
        weights.data = tf * (K1 + 1) / (tf + np.repeat(damping, entries))
        return weights

    def _query(self, text: str) -> Query:
        counts = self.counts([text])
        return Query(counts.indices.astype(np.int32), 1 + np.log(counts.data))


def query_term_weights(query: Query, statistics: TermStatistics) -> NDArray[np.float64]:
    """Weight of each query token under the live statistics: query weight x IDF."""
    return query.weights * statistics.idf(query.indices)
