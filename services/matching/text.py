"""Multilingual text vectors: hashed character n-grams weighted TF-IDF style.

Character n-grams inside word boundaries ("char_wb") match across inflections and related
languages ("limpieza"/"limpiar", "environment"/"environnement") without a vocabulary, and the
hashing trick lets a new activity be encoded the moment it arrives. Only the IDF is learned, from
a corpus, and it stays fixed until the next explicit fit: new documents are encoded with it as
it is.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import HashingVectorizer

from services.catalogue.filters import fold_text
from socialerasmus.catalogue.v1 import catalogue_pb2

__all__ = ["NGRAM_RANGE", "N_FEATURES", "TextEncoder", "activity_text"]

N_FEATURES = 2**18
NGRAM_RANGE = (3, 4)


def activity_text(details: catalogue_pb2.ActivityDetails) -> str:
    """What an activity is about, as one document: title, description, goal, skills wanted."""
    return "\n".join((details.title, details.description, details.goal, *details.skills_wanted))


ENCODED_CACHE_SIZE = 20_000
"""Motivations kept encoded (least recently used dropped first), about 2 KB each."""


class TextEncoder:
    """Sublinear-TF x smoothed-IDF vectors of hashed character n-grams, L2-normalised.

    Before the first fit every term weighs the same (IDF 1). After a fit, terms never seen in
    the corpus get the largest IDF, ``ln(1 + n) + 1``: the smoothed formula gives it to them.
    """

    def __init__(self, n_features: int = N_FEATURES) -> None:
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=NGRAM_RANGE,
            n_features=n_features,
            preprocessor=fold_text,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self._idf: NDArray[np.float32] = np.ones(n_features, dtype=np.float32)
        self._fitted_on = 0
        self._encoded: OrderedDict[str, sp.csr_matrix] = OrderedDict()

    @property
    def n_features(self) -> int:
        return int(self._idf.shape[0])

    @property
    def idf(self) -> NDArray[np.float32]:
        """Weight per hashed term; do not modify."""
        return self._idf

    @property
    def fitted_on(self) -> int:
        """Documents the IDF was computed from; 0 before the first fit."""
        return self._fitted_on

    def term_frequencies(self, documents: Sequence[str]) -> sp.csr_matrix:
        """One row per document: ``1 + ln(count)`` per hashed n-gram, no IDF, no normalisation."""
        counts: sp.csr_matrix = self._vectorizer.transform(documents)
        np.log(counts.data, out=counts.data)
        counts.data += 1
        return counts

    def fit_idf(self, documents: Sequence[str]) -> None:
        """Learns the IDF from a corpus of documents."""
        self.fit_idf_from_frequencies(self.term_frequencies(documents))

    def fit_idf_from_frequencies(self, frequencies: sp.csr_matrix) -> None:
        """Learns the IDF from the :meth:`term_frequencies` rows of a corpus."""
        documents = frequencies.shape[0]
        document_frequency = np.bincount(frequencies.indices, minlength=self.n_features)
        self._idf = (np.log((1 + documents) / (1 + document_frequency)) + 1).astype(np.float32)
        self._fitted_on = documents
        self._encoded.clear()  # cached vectors used the old IDF

    def encode_cached(self, text: str) -> sp.csr_matrix:
        """:meth:`encode` of one text, remembered for the next request of the same student
        (the same motivation) until the IDF changes."""
        vector = self._encoded.get(text)
        if vector is None:
            vector = self.encode([text])
            if len(self._encoded) >= ENCODED_CACHE_SIZE:
                self._encoded.popitem(last=False)
            self._encoded[text] = vector
        else:
            self._encoded.move_to_end(text)
        return vector

    def encode(self, documents: Sequence[str]) -> sp.csr_matrix:
        """One unit-length (or all-zero, for text without n-grams) row per document."""
        vectors = self.term_frequencies(documents)
        vectors.data *= self._idf[vectors.indices]
        entries = np.diff(vectors.indptr)
        row_of_entry = np.repeat(np.arange(entries.size), entries)
        norms = np.sqrt(np.bincount(row_of_entry, vectors.data.astype(np.float64) ** 2))
        vectors.data /= norms[row_of_entry]
        return vectors
