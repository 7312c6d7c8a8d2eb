"""The collaborative signal: students who joined the same activities like the same things.

Pure: no I/O, no clock. A student x activity matrix of interaction strengths (enrolled,
attended, saved...; see :func:`services.matching.learning.interactions_from_feedback`) is
factored by a truncated SVD, ``X ~ U S V^T``. Students are the rows of ``U S^1/2`` and
activities those of ``V S^1/2``, so their dot product is the reconstructed strength; the
signal is their cosine, clipped at 0. Activities no student has joined yet get no score:
:meth:`Ranker.recommend` then reads 0 for them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.decomposition import TruncatedSVD

__all__ = ["MAX_COMPONENTS", "CoEnrolmentModel"]

MAX_COMPONENTS = 32
"""Latent dimensions at most; fewer when the matrix is smaller (rank - 1)."""
_MIN_SIDE = 3
"""Fewer students or activities than this is too little data to factor."""


def _unit_rows(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: NDArray[np.float64] = np.divide(
        vectors, norms, out=np.zeros_like(vectors), where=norms > 0
    )
    return unit


class CoEnrolmentModel:
    """Latent vectors of the students and activities seen in training.

    Build it with :meth:`fit`; an empty model (too little data) scores nothing.
    """

    def __init__(
        self,
        student_ids: list[str],
        activity_ids: list[str],
        students: NDArray[np.float64],
        activities: NDArray[np.float64],
    ) -> None:
        """``students`` and ``activities``: one unit latent vector per id, in order."""
        if students.shape[0] != len(student_ids) or activities.shape[0] != len(activity_ids):
            raise ValueError("one latent vector per id")
        self._student_row = {student_id: row for row, student_id in enumerate(student_ids)}
        self._activity_ids = activity_ids
        self._students = students
        self._activities = activities

    @classmethod
    def empty(cls) -> CoEnrolmentModel:
        return cls([], [], np.zeros((0, 0)), np.zeros((0, 0)))

    @classmethod
    def fit(
        cls,
        interactions: Iterable[tuple[str, str, float]],
        *,
        max_components: int = MAX_COMPONENTS,
        seed: int = 0,
    ) -> CoEnrolmentModel:
        """Factor ``(student_id, activity_id, strength)`` triples (strengths of a repeated
        pair add up; pairs of strength 0 or less are ignored)."""
        triples = [(s, a, float(w)) for s, a, w in interactions if w > 0]
        if not triples:
            return cls.empty()
        student_ids, student_rows = np.unique([s for s, _, _ in triples], return_inverse=True)
        activity_ids, activity_rows = np.unique([a for _, a, _ in triples], return_inverse=True)
        shape = (student_ids.size, activity_ids.size)
        components = min(max_components, min(shape) - 1)
        if min(shape) < _MIN_SIDE or components < 1:
            return cls.empty()
        matrix = sp.csr_matrix(
            (np.array([w for _, _, w in triples]), (student_rows, activity_rows)), shape=shape
        )
        svd = TruncatedSVD(n_components=components, algorithm="randomized", random_state=seed)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Identical rows make scikit-learn's explained-variance ratio 0/0; unused here.
            students_scaled = np.asarray(svd.fit_transform(matrix), np.float64)  # U S
        singular = np.asarray(svd.singular_values_, np.float64)
        root = np.sqrt(singular)
        scale = np.divide(1.0, root, out=np.zeros_like(root), where=root > 0)
        students = students_scaled * scale  # U S^1/2
        activities = np.asarray(svd.components_, np.float64).T * root  # V S^1/2
        return cls(
            student_ids.tolist(),
            activity_ids.tolist(),
            _unit_rows(students),
            _unit_rows(activities),
        )

    @property
    def components(self) -> int:
        """Latent dimensions; 0 for an empty model."""
        return int(self._activities.shape[1]) if self._activity_ids else 0

    @property
    def students(self) -> int:
        return len(self._student_row)

    @property
    def activity_ids(self) -> list[str]:
        """Activities seen in training, the ones :meth:`scores_for` scores."""
        return list(self._activity_ids)

    def knows(self, student_id: str) -> bool:
        return student_id in self._student_row

    def scores_for(self, student_id: str) -> dict[str, float]:
        """Cosine, clipped to [0, 1], of the student's latent vector with each activity's
        seen in training; empty for a student not seen in training."""
        row = self._student_row.get(student_id)
        if row is None:
            return {}
        cosines = np.clip(self._activities @ self._students[row], 0.0, 1.0)
        return dict(zip(self._activity_ids, cosines.tolist(), strict=True))
