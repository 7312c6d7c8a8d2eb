"""The activities matching may suggest, in memory, as numpy columns kept current by events.

One row per PUBLISHED activity. Rows of activities that leave PUBLISHED are marked free and
reused by later ones, so applying an event never compacts or rebuilds anything: columns grow by
doubling, and every event costs O(1) amortised (plus encoding the text when it changed).

Finding candidates does not scan the index: physical activities sit in the cells of a 0.5 degree
grid, online ones in a bucket of their own, and each cell or bucket keeps its rows in a numpy
array with O(1) add and remove.

Text is stored as BM25 document weights (see :mod:`~services.matching.text`), each row's segment
appended to one growing arena, with document frequencies kept as rows come and go: the IDF a
query is weighed by always matches the published activities, and nothing is ever re-encoded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from services.kernel.geo import EARTH_RADIUS_KM
from services.kernel.limits import SDG_MAX, SDG_MIN
from services.kernel.text import fold_text
from services.matching.text import (
    Query,
    TermStatistics,
    TextEncoder,
    activity_text,
    query_term_weights,
)
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2

__all__ = [
    "CELL_DEGREES",
    "NO_WEEK_EDITION",
    "UNKNOWN",
    "ActivityColumns",
    "ActivityIndex",
    "Rows",
    "cause_bits",
    "sdg_bits",
    "skill_key",
]

Rows = NDArray[np.int64]
"""Row numbers of an :class:`ActivityIndex`."""
Values = NDArray[np.float64]

CELL_DEGREES = 0.5
"""Side of a grid cell: about 55 km north-south, 40 km east-west at 45 degrees of latitude."""
UNKNOWN = -1
"""Id of a language, Week edition or skill the index has never seen; also column padding."""
NO_WEEK_EDITION = 0
"""Week edition id of an activity outside every SocialErasmus Week."""

_INITIAL_ROWS = 64
_INITIAL_WIDTH = 2
_INITIAL_TEXT_ENTRIES = 1 << 14
_MIN_GARBAGE_TO_COMPACT = 1 << 16
_MIN_TAIL_SEGMENTS = 256
_MAX_TAIL_SEGMENTS = 1024
_QUERY_CHUNK = 2048
"""Queries per sparse product when many are scored at once (bounds the product's size)."""
_DENSE_LOOKUP_CELLS = 1 << 22
"""Largest query x segment table scores of pairs are looked up in (32 MB)."""
_TAIL_SHARE = 32
_LATITUDE_CELLS = round(180 / CELL_DEGREES)
_LONGITUDE_CELLS = round(360 / CELL_DEGREES)
_WORD = re.compile(r"\w+")


def cause_bits(causes: Iterable[int]) -> int:
    """Bitmask with bit ``c`` set for every Cause value ``c``."""
    bits = 0
    for cause in causes:
        bits |= 1 << cause
    return bits


def sdg_bits(sdgs: Iterable[int]) -> int:
    """Bitmask with bit ``n`` set for every UN Sustainable Development Goal ``n`` (1 to 17, so
    it fits a uint32); numbers outside that range, which the catalogue never accepts, are left
    out rather than overflow the column."""
    bits = 0
    for sdg in sdgs:
        if SDG_MIN <= sdg <= SDG_MAX:
            bits |= 1 << sdg
    return bits


def skill_key(skill: str) -> str:
    """How skills are compared: folded words, so "First-Aid" and "first aid" are one skill."""
    return " ".join(_WORD.findall(fold_text(skill)))


# --- Columns ----------------------------------------------------------------------------------


@dataclass
class ActivityColumns:
    """What ranking reads, one entry per row; rows that are not published hold stale values.

    Arrays are replaced when the index grows: read them again after every change.
    """

    published: NDArray[np.bool_]
    starts: NDArray[np.int64]
    """starts_at, epoch seconds."""
    ends: NDArray[np.int64]
    latitudes: NDArray[np.float64]
    """NaN for online activities."""
    longitudes: NDArray[np.float64]
    online: NDArray[np.bool_]
    causes: NDArray[np.uint8]
    """:func:`cause_bits` of the activity's causes."""
    sdgs: NDArray[np.uint32]
    """:func:`sdg_bits` of the activity's UN Sustainable Development Goals."""
    language_sets: NDArray[np.int32]
    """Id of the set of working languages, a row of :attr:`ActivityIndex.language_sets`."""
    skill_sets: NDArray[np.int32]
    """Id of the set of skills wanted, a row of :attr:`ActivityIndex.skill_sets`."""
    seats_left: NDArray[np.int32]
    capacities: NDArray[np.int32]
    week_editions: NDArray[np.int32]
    """Week edition id; :data:`NO_WEEK_EDITION` for none."""
    keys: NDArray[np.int64]
    """The activity's key (:meth:`ActivityIndex.key_of`), 0 for a free row."""

    @classmethod
    def empty(cls, rows: int) -> ActivityColumns:
        return cls(
            published=np.zeros(rows, np.bool_),
            starts=np.zeros(rows, np.int64),
            ends=np.zeros(rows, np.int64),
            latitudes=np.full(rows, np.nan),
            longitudes=np.full(rows, np.nan),
            online=np.zeros(rows, np.bool_),
            causes=np.zeros(rows, np.uint8),
            sdgs=np.zeros(rows, np.uint32),
            language_sets=np.zeros(rows, np.int32),
            skill_sets=np.zeros(rows, np.int32),
            seats_left=np.zeros(rows, np.int32),
            capacities=np.zeros(rows, np.int32),
            week_editions=np.zeros(rows, np.int32),
            keys=np.zeros(rows, np.int64),
        )

    @property
    def rows(self) -> int:
        return int(self.published.shape[0])

    def grow_rows(self, rows: int) -> None:
        for column in fields(self):
            setattr(self, column.name, _resized(getattr(self, column.name), rows))


class _IdSets:
    """Distinct sets of ids (the languages, or the skills, of activities), each given an id.

    Activities share few distinct sets, so ranking evaluates a student against every set once
    and then looks each row's set up, instead of comparing every row's members.
    """

    def __init__(self) -> None:
        self._ids: dict[tuple[int, ...], int] = {}
        self._members: NDArray[np.int32] = np.full(
            (_INITIAL_ROWS, _INITIAL_WIDTH), UNKNOWN, np.int32
        )

    @property
    def members(self) -> NDArray[np.int32]:
        """One row per set id: the set's ids, then UNKNOWN padding."""
        return self._members[: len(self._ids)]

    def add(self, members: Iterable[int]) -> int:
        key = tuple(sorted(set(members)))
        set_id = self._ids.get(key)
        if set_id is not None:
            return set_id
        set_id = len(self._ids)
        self._ids[key] = set_id
        rows, width = self._members.shape
        if set_id == rows or len(key) > width:
            grown = np.full(
                (2 * rows if set_id == rows else rows, max(width, 2 * len(key))), UNKNOWN, np.int32
            )
            grown[:rows, :width] = self._members
            self._members = grown
        self._members[set_id, : len(key)] = key
        return set_id

    @classmethod
    def restored(cls, members: NDArray[np.int32]) -> _IdSets:
        """The sets whose :attr:`members` were ``members``, with the same ids."""
        sets = cls()
        count, width = members.shape
        sets._members = np.full(
            (max(count, _INITIAL_ROWS), max(width, _INITIAL_WIDTH)), UNKNOWN, np.int32
        )
        sets._members[:count, :width] = members
        for set_id, row in enumerate(members.tolist()):
            sets._ids[tuple(member for member in row if member != UNKNOWN)] = set_id
        return sets


# --- Buckets and grid -------------------------------------------------------------------------


class _RowBucket:
    """A set of rows as a numpy array, with O(1) add and remove (the last row fills the gap)."""

    __slots__ = ("_rows", "_size", "_slot_of")

    def __init__(self) -> None:
        self._rows: Rows = np.empty(8, np.int64)
        self._size = 0
        self._slot_of: dict[int, int] = {}

    def __len__(self) -> int:
        return self._size

    @property
    def rows(self) -> Rows:
        """A view: copy it before the bucket changes."""
        return self._rows[: self._size]

    def add(self, row: int) -> None:
        if self._size == self._rows.shape[0]:
            self._rows = np.concatenate([self._rows, np.empty_like(self._rows)])
        self._rows[self._size] = row
        self._slot_of[row] = self._size
        self._size += 1

    @classmethod
    def restored(cls, rows: Rows) -> _RowBucket:
        """A bucket holding ``rows`` in that order, as :attr:`rows` was."""
        bucket = cls()
        bucket._rows = _resized(rows.astype(np.int64), max(rows.size, 8))
        bucket._size = int(rows.size)
        bucket._slot_of = {row: slot for slot, row in enumerate(rows.tolist())}
        return bucket

    def discard(self, row: int) -> None:
        slot = self._slot_of.pop(row, None)
        if slot is None:
            return
        self._size -= 1
        last = int(self._rows[self._size])
        if last != row:
            self._rows[slot] = last
            self._slot_of[last] = slot


_Cell = tuple[int, int]


def _cell_of(latitude: float, longitude: float) -> _Cell:
    lat_cell = min(math.floor((latitude + 90) / CELL_DEGREES), _LATITUDE_CELLS - 1)
    lon_cell = math.floor((longitude + 180) / CELL_DEGREES) % _LONGITUDE_CELLS
    return lat_cell, lon_cell


class _SpatialGrid:
    """Rows of physical activities by grid cell."""

    def __init__(self) -> None:
        self._cells: dict[_Cell, _RowBucket] = {}
        self._cell_of_row: dict[int, _Cell] = {}

    def add(self, row: int, latitude: float, longitude: float) -> None:
        cell = _cell_of(latitude, longitude)
        self._cells.setdefault(cell, _RowBucket()).add(row)
        self._cell_of_row[row] = cell

    def remove(self, row: int) -> None:
        cell = self._cell_of_row.pop(row, None)
        if cell is None:
            return
        bucket = self._cells[cell]
        bucket.discard(row)
        if not bucket:
            del self._cells[cell]

    def state(self) -> dict[str, NDArray[Any]]:
        """The cells and their rows, in order, as arrays (copies)."""
        cells = list(self._cells.items())
        sizes = [len(bucket) for _, bucket in cells]
        return {
            "cells": np.array([cell for cell, _ in cells], np.int32).reshape(-1, 2),
            "offsets": np.r_[0, np.cumsum(sizes, dtype=np.int64)],
            "rows": np.concatenate([bucket.rows for _, bucket in cells] or [np.empty(0, np.int64)]),
        }

    @classmethod
    def restored(cls, state: dict[str, NDArray[Any]]) -> _SpatialGrid:
        grid = cls()
        offsets, rows = state["offsets"], state["rows"]
        for number, (lat, lon) in enumerate(state["cells"].tolist()):
            bucket = _RowBucket.restored(rows[offsets[number] : offsets[number + 1]])
            grid._cells[(lat, lon)] = bucket
            grid._cell_of_row.update(dict.fromkeys(bucket.rows.tolist(), (lat, lon)))
        return grid

    def rows_near(self, latitude: float, longitude: float, radius_km: float) -> list[Rows]:
        """Rows of every cell that may hold a point within ``radius_km``: a superset."""
        lat_cells, lon_cells = _cells_around(latitude, longitude, radius_km)
        if len(lat_cells) * len(lon_cells) > len(self._cells):
            wanted = set(lon_cells)
            return [
                bucket.rows
                for (lat, lon), bucket in self._cells.items()
                if lat in lat_cells and lon in wanted
            ]
        found = (self._cells.get((lat, lon)) for lat in lat_cells for lon in lon_cells)
        return [bucket.rows for bucket in found if bucket is not None]


def _cells_around(latitude: float, longitude: float, radius_km: float) -> tuple[range, list[int]]:
    """Latitude and longitude cell numbers of the bounding box of a spherical cap."""
    span = math.degrees(radius_km / EARTH_RADIUS_KM)
    south, north = latitude - span, latitude + span
    lat_cells = range(
        max(math.floor((south + 90) / CELL_DEGREES), 0),
        min(math.floor((north + 90) / CELL_DEGREES), _LATITUDE_CELLS - 1) + 1,
    )
    if south <= -90 or north >= 90:  # a pole is inside: every longitude
        return lat_cells, list(range(_LONGITUDE_CELLS))
    # Widest longitude difference on the cap (it is reached away from the centre's parallel).
    ratio = math.sin(math.radians(span)) / math.cos(math.radians(latitude))
    lon_span = math.degrees(math.asin(min(1.0, ratio)))
    west = math.floor((longitude - lon_span + 180) / CELL_DEGREES)
    east = math.floor((longitude + lon_span + 180) / CELL_DEGREES)
    if east - west + 1 >= _LONGITUDE_CELLS:
        return lat_cells, list(range(_LONGITUDE_CELLS))
    # Past the antimeridian, cell numbers wrap around.
    return lat_cells, [cell % _LONGITUDE_CELLS for cell in range(west, east + 1)]


# --- Text -------------------------------------------------------------------------------------


class _TextRows:
    """BM25 document rows stored back to back as segments of one CSR arena, with the live
    :class:`TermStatistics` of the rows held and an inverted copy for fast scoring.

    Writing a row appends a segment and leaves its old one as garbage; once garbage outweighs
    live entries the arena is compacted, so each write costs O(its entries) amortised.

    Scoring reads only the postings of the query's tokens: segments up to ``_inverted_upto`` are
    also held column by column (CSC), and the few written since are scanned row by row. The
    first query to find that tail longer than 1/32 of the inverted part (at least 256, at most
    1,024 segments) rebuilds the inverted copy: writes only append, a replay of the stream
    inverts once, and no query scans more than 1,024 segments row by row.
    """

    def __init__(self, n_features: int, rows: int) -> None:
        self._n_features = n_features
        self._data: NDArray[np.float32] = np.empty(_INITIAL_TEXT_ENTRIES, np.float32)
        self._indices: NDArray[np.int32] = np.empty(_INITIAL_TEXT_ENTRIES, np.int32)
        self._indptr: NDArray[np.int32] = np.zeros(_INITIAL_ROWS + 1, np.int32)
        self._segments = 0
        self._garbage = 0
        self._segment_of_row: Rows = np.full(rows, UNKNOWN, np.int64)
        self._live: NDArray[np.bool_] = np.zeros(_INITIAL_ROWS, np.bool_)
        """Per segment: whether a row holds it (garbage otherwise)."""
        self._statistics = TermStatistics(n_features)
        self._inverted = sp.csc_matrix((0, n_features), dtype=np.float64)
        """Segments up to ``_inverted_upto`` by token: each token's postings, (segment,
        weight) pairs, in ``indices`` and ``data`` from ``indptr[token]``."""
        self._inverted_upto = 0
        self._documents_by_token: sp.csr_matrix | None = None
        """``_inverted`` as tokens x segments, for many queries at once; made when needed."""
        self._query_weights: Values = np.zeros(n_features)
        """Dense query weights for the tail, zero between calls: cheaper than a fresh one."""
        self._tail_segments_cache: Rows | None = None
        """See :meth:`_tail_segments`."""
        self._dead_cache: Rows | None = None
        """The garbage segments, until one more is made or the arena is compacted."""

    @property
    def statistics(self) -> TermStatistics:
        return self._statistics

    def grow_rows(self, rows: int) -> None:
        segment_of_row = np.full(rows, UNKNOWN, np.int64)
        segment_of_row[: self._segment_of_row.shape[0]] = self._segment_of_row
        self._segment_of_row = segment_of_row

    def put(self, row: int, weights: sp.csr_matrix) -> None:
        """Stores one row of :meth:`TextEncoder.document_weights` output for ``row``."""
        self.drop(row)
        used = int(self._indptr[self._segments])
        entries = weights.nnz
        if used + entries > self._data.shape[0]:
            capacity = max(2 * self._data.shape[0], used + entries)
            self._data = _resized(self._data, capacity)
            self._indices = _resized(self._indices, capacity)
        if self._segments + 1 == self._indptr.shape[0]:
            self._indptr = _resized(self._indptr, 2 * self._indptr.shape[0])
            self._live = _resized(self._live, self._indptr.shape[0])
        self._live[self._segments] = True
        self._data[used : used + entries] = weights.data
        self._indices[used : used + entries] = weights.indices
        self._segments += 1
        self._indptr[self._segments] = used + entries
        self._segment_of_row[row] = self._segments - 1
        self._tail_segments_cache = None
        self._statistics.add(self._indices[used : used + entries])

    def drop(self, row: int) -> None:
        segment = int(self._segment_of_row[row])
        if segment == UNKNOWN:
            return
        start, end = int(self._indptr[segment]), int(self._indptr[segment + 1])
        self._statistics.remove(self._indices[start:end])
        self._garbage += end - start
        self._segment_of_row[row] = UNKNOWN
        self._live[segment] = False
        self._dead_cache = None
        live = int(self._indptr[self._segments]) - self._garbage
        if self._garbage > max(live, _MIN_GARBAGE_TO_COMPACT):
            self._compact()

    def state(self) -> dict[str, NDArray[Any]]:
        """The arena, garbage included, and the statistics, as arrays (copies)."""
        used = int(self._indptr[self._segments])
        return {
            "data": self._data[:used].copy(),
            "indices": self._indices[:used].copy(),
            "indptr": self._indptr[: self._segments + 1].copy(),
            "live": self._live[: self._segments].copy(),
            "segment_of_row": self._segment_of_row.copy(),
            "garbage": np.array(self._garbage),
            **{f"statistics.{name}": array for name, array in self._statistics.state().items()},
        }

    @classmethod
    def restored(cls, n_features: int, state: dict[str, NDArray[Any]]) -> _TextRows:
        """Rows as :meth:`state` left them; inverted at the first query or
        :meth:`prepare_for_queries`."""
        segment_of_row = state["segment_of_row"]
        text = cls(n_features, segment_of_row.shape[0])
        used, segments = state["data"].shape[0], state["live"].shape[0]
        room = max(used, _INITIAL_TEXT_ENTRIES)
        text._data = _resized(state["data"].astype(np.float32), room)
        text._indices = _resized(state["indices"].astype(np.int32), room)
        text._indptr = _resized(state["indptr"].astype(np.int32), max(segments + 1, _INITIAL_ROWS))
        text._live = _resized(state["live"].astype(np.bool_), text._indptr.shape[0])
        text._segments = segments
        text._garbage = int(state["garbage"])
        text._segment_of_row = segment_of_row.astype(np.int64)
        text._statistics = TermStatistics.restored(
            n_features,
            {
                name.removeprefix("statistics."): array
                for name, array in state.items()
                if name.startswith("statistics.")
            },
        )
        return text

    def frequencies(self, rows: Rows) -> sp.csr_matrix:
        """The stored rows, in order, as one matrix."""
        selected: sp.csr_matrix = self._arena(0, self._segments)[self._segment_of_row[rows]]
        return selected

    def scores(self, rows: Rows, query: Query, reference: _TextRows | None = None) -> Values:
        """BM25 score of each row for ``query`` divided by the best score of any row held: 1
        for the activity that best matches what the student wrote, 0 for no shared word.

        ``reference``: other rows whose term statistics weigh the words, and whose best score
        counts too (to score a lone activity against a whole catalogue)."""
        if not query or rows.size == 0:
            return np.zeros(rows.size)
        statistics = (reference or self)._statistics
        term_weights = query_term_weights(query, statistics)
        by_segment = self._segment_scores(query, term_weights)
        best = self._best_live(by_segment)
        if reference is not None:
            best = max(best, reference._best_live(reference._segment_scores(query, term_weights)))
        segments = self._segment_of_row[rows]
        found = np.where(segments == UNKNOWN, 0.0, by_segment[segments])
        if best <= 0:
            return np.zeros(rows.size)
        return np.clip(found / best, 0.0, 1.0)

    def scores_of_pairs(
        self, queries: Sequence[Query], query_of_pair: Rows, row_of_pair: Rows
    ) -> Values:
        """:meth:`scores` of many queries at once, for the pairs (query, row) asked: one sparse
        product per chunk of queries instead of one postings scan per query."""
        found = np.zeros(row_of_pair.size)
        if not queries or row_of_pair.size == 0:
            return found
        if self._segments > self._inverted_upto:
            self._invert()
        if self._documents_by_token is None:
            self._documents_by_token = self._inverted.T.tocsr()  # tokens x segments
        documents = self._documents_by_token
        dead = np.flatnonzero(~self._live[: self._segments])
        present = np.flatnonzero(np.bincount(query_of_pair, minlength=len(queries)))
        local_of = np.zeros(len(queries), np.int64)
        local_of[present] = np.arange(present.size)
        local_of_pair = local_of[query_of_pair]
        if present.size <= _QUERY_CHUNK:  # the usual case: no need to group the pairs
            order, bounds = np.arange(query_of_pair.size), np.array([0, query_of_pair.size])
        else:
            order = np.argsort(local_of_pair, kind="stable")
            bounds = np.searchsorted(local_of_pair[order], np.arange(present.size + 1))
        for first in range(0, present.size, _QUERY_CHUNK):
            last = min(first + _QUERY_CHUNK, present.size)
            chunk = [queries[q] for q in present[first:last].tolist()]
            weighted = sp.csr_matrix(
                (
                    np.concatenate([q.weights * self._statistics.idf(q.indices) for q in chunk]),
                    np.concatenate([q.indices for q in chunk]).astype(np.int64),
                    np.r_[0, np.cumsum([q.indices.size for q in chunk])],
                ),
                shape=(len(chunk), self._n_features),
            )
            by_segment = (weighted @ documents).tocsr()
            by_segment.data[np.isin(by_segment.indices, dead)] = 0.0
            best = by_segment.max(axis=1).toarray().ravel()
            pairs = order if bounds.size == 2 else order[bounds[first] : bounds[last]]
            local = local_of_pair[pairs] - first
            segments = self._segment_of_row[row_of_pair[pairs]]
            value = np.zeros(pairs.size)
            held = segments != UNKNOWN
            cells = by_segment.shape[0] * by_segment.shape[1]
            if cells <= min(2 * pairs.size, _DENSE_LOOKUP_CELLS):
                # Few queries (students share motivations): a table is cheaper to look up
                # than the sparse matrix, pair by pair, and holds the same values.
                value[held] = by_segment.toarray()[local[held], segments[held]]
            else:
                value[held] = np.asarray(by_segment[local[held], segments[held]]).ravel()
            scale = best[local]
            positive = scale > 0
            found[pairs[positive]] = np.clip(value[positive] / scale[positive], 0.0, 1.0)
        return found

    def prepare_for_queries(self) -> None:
        """Inverts the segments written since the last inversion, if any, so that the next
        query reads postings only."""
        if self._segments > self._inverted_upto:
            self._invert()

    def _segment_scores(self, query: Query, term_weights: Values) -> Values:
        """BM25 score of every segment, garbage included: the postings of the query's tokens
        for the inverted segments, the entries of the few written since for the rest."""
        tail_limit = min(self._inverted_upto // _TAIL_SHARE, _MAX_TAIL_SEGMENTS)
        if self._segments - self._inverted_upto > max(_MIN_TAIL_SEGMENTS, tail_limit):
            self._invert()
        inverted = self._inverted
        bounds = zip(
            inverted.indptr[query.indices].tolist(),
            inverted.indptr[query.indices + 1].tolist(),
            term_weights.tolist(),
            strict=True,
        )
        # A query has a handful of tokens: joining their postings' slices beats gathering them
        postings = [(start, end, weight) for start, end, weight in bounds if end > start]
        if postings:
            by_segment = _sums(
                np.concatenate([inverted.indices[start:end] for start, end, _ in postings]),
                np.concatenate(
                    [inverted.data[start:end] * weight for start, end, weight in postings]
                ),
                self._segments,
            )  # segments written since the inversion get their sums from the tail below
        else:
            by_segment = np.zeros(self._segments)
        first, end = self._inverted_upto, self._segments
        if end > first:
            dense = self._query_weights
            dense[query.indices] = term_weights
            start, stop = int(self._indptr[first]), int(self._indptr[end])
            by_segment[first:] += _sums(
                self._tail_segments(),
                self._data[start:stop] * dense[self._indices[start:stop]],
                end - first,
            )
            dense[query.indices] = 0
        return by_segment

    def _tail_segments(self) -> Rows:
        """The segment of each entry written since the inversion, counted from the first such
        segment; kept until the next write."""
        first, end = self._inverted_upto, self._segments
        if self._tail_segments_cache is None:
            sizes = np.diff(self._indptr[first : end + 1])
            self._tail_segments_cache = np.repeat(np.arange(end - first), sizes)
        return self._tail_segments_cache

    def _best_live(self, by_segment: Values) -> float:
        """The best of ``by_segment`` (modified) among live segments."""
        if self._dead_cache is None:
            self._dead_cache = np.flatnonzero(~self._live[: self._segments])
        by_segment[self._dead_cache] = 0.0
        return float(by_segment.max(initial=0.0))

    def _arena(self, first: int, end: int) -> sp.csr_matrix:
        """Segments ``first`` to ``end`` (excluded), garbage included, as CSR rows."""
        start, stop = int(self._indptr[first]), int(self._indptr[end])
        return sp.csr_matrix(
            (
                self._data[start:stop],
                self._indices[start:stop],
                self._indptr[first : end + 1] - start,
            ),
            shape=(end - first, self._n_features),
        )

    def _invert(self) -> None:
        # float64, as queries are weighed: no conversion of the postings at every query
        self._inverted = self._arena(0, self._segments).tocsc().astype(np.float64)
        self._inverted_upto = self._segments
        self._documents_by_token = None
        self._tail_segments_cache = None

    def _compact(self) -> None:
        live = np.flatnonzero(self._segment_of_row != UNKNOWN)
        kept = self.frequencies(live)
        self._data = _resized(kept.data.astype(np.float32), max(kept.nnz, _INITIAL_TEXT_ENTRIES))
        self._indices = _resized(
            kept.indices.astype(np.int32), max(kept.nnz, _INITIAL_TEXT_ENTRIES)
        )
        self._indptr = _resized(kept.indptr.astype(np.int32), max(2 * live.size, _INITIAL_ROWS) + 1)
        self._segments = int(live.size)
        self._segment_of_row[live] = np.arange(live.size)
        self._live = np.zeros(self._indptr.shape[0], np.bool_)
        self._live[: live.size] = True
        self._garbage = 0
        self._dead_cache = None
        self._invert()


def _sums(groups: NDArray[np.integer[Any]], values: NDArray[np.floating[Any]], size: int) -> Values:
    """Sum of ``values`` per group number, for groups 0 to ``size`` - 1."""
    sums = np.bincount(groups, weights=values, minlength=size)
    return sums.astype(np.float64, copy=False)  # integers when there is nothing to sum


def _resized(array: NDArray[Any], size: int) -> NDArray[Any]:
    """A copy of ``array`` with room for ``size`` values; the new tail is zero."""
    resized = np.zeros(size, array.dtype)
    kept = min(size, array.shape[0])
    resized[:kept] = array[:kept]
    return resized


# --- Vocabularies -----------------------------------------------------------------------------


class _Codes:
    """Small integer ids for strings, handed out in order of first sight, starting at ``first``."""

    def __init__(self, first: int) -> None:
        self._ids: dict[str, int] = {}
        self._first = first

    def add(self, code: str) -> int:
        return self._ids.setdefault(code, self._first + len(self._ids))

    def find(self, code: str) -> int:
        return self._ids.get(code, UNKNOWN)

    def codes(self) -> list[str]:
        """Every code, in id order."""
        return list(self._ids)

    @classmethod
    def restored(cls, first: int, codes: Iterable[str]) -> _Codes:
        restored = cls(first)
        for code in codes:
            restored.add(code)
        return restored


class _Skills:
    """Ids of the skills activities want, findable from the words of a student's skills."""

    def __init__(self) -> None:
        self._ids = _Codes(first=0)
        self._words: list[frozenset[str]] = []
        self._by_word: dict[str, list[int]] = {}

    def add(self, skill: str) -> int:
        key = skill_key(skill)
        skill_id = self._ids.add(key)
        self._remember(skill_id, key)
        return skill_id

    def _remember(self, skill_id: int, key: str) -> None:
        if skill_id == len(self._words):
            words = frozenset(key.split())
            self._words.append(words)
            for word in words:
                self._by_word.setdefault(word, []).append(skill_id)

    def find(self, skill: str) -> int:
        return self._ids.find(skill_key(skill))

    def keys(self) -> list[str]:
        """The :func:`skill_key` of every skill, in id order."""
        return self._ids.codes()

    @classmethod
    def restored(cls, keys: Iterable[str]) -> _Skills:
        skills = cls()
        for key in keys:
            skills._remember(skills._ids.add(key), key)
        return skills

    def covered_by(self, skills: Iterable[str]) -> NDArray[np.int32]:
        """Ids of wanted skills all of whose words appear in one of ``skills``."""
        covered: set[int] = set()
        for skill in skills:
            words = frozenset(skill_key(skill).split())
            for word in words:
                covered.update(i for i in self._by_word.get(word, ()) if self._words[i] <= words)
        return np.array(sorted(covered), np.int32)


# --- Index ------------------------------------------------------------------------------------


@dataclass
class IndexState:
    """Everything an :class:`ActivityIndex` holds, detached from it: arrays and strings that
    are copies, and the activities as held (which the index replaces, never modifies, but for
    their seats: set those again from the seat counts after :meth:`ActivityIndex.restored`)."""

    arrays: dict[str, NDArray[Any]]
    strings: dict[str, list[str]]
    activities: list[catalogue_pb2.Activity | None]


class ActivityIndex:
    """Published activities as columns, with a spatial grid and their text as BM25 rows."""

    def __init__(self, encoder: TextEncoder | None = None) -> None:
        self._encoder = encoder or TextEncoder()
        self._columns = ActivityColumns.empty(_INITIAL_ROWS)
        self._text = _TextRows(self._encoder.n_features, _INITIAL_ROWS)
        self._grid = _SpatialGrid()
        self._online = _RowBucket()
        self._languages = _Codes(first=0)
        self._week_editions = _Codes(first=NO_WEEK_EDITION + 1)
        self._skills = _Skills()
        self._language_sets = _IdSets()
        self._skill_sets = _IdSets()
        self._versions: dict[str, int] = {}
        self._row_of: dict[str, int] = {}
        self._keys: dict[str, int] = {}
        self._activity_at: list[catalogue_pb2.Activity | None] = []
        self._free_rows: list[int] = []

    def __len__(self) -> int:
        """Published activities held."""
        return len(self._row_of)

    @property
    def encoder(self) -> TextEncoder:
        return self._encoder

    @property
    def columns(self) -> ActivityColumns:
        return self._columns

    # State ---------------------------------------------------------------------------------

    def state(self) -> IndexState:
        """A copy of what the index holds, taken at once: the index may change right after."""
        arrays: dict[str, NDArray[Any]] = {
            f"columns.{column.name}": getattr(self._columns, column.name).copy()
            for column in fields(self._columns)
        }
        arrays |= {f"text.{name}": array for name, array in self._text.state().items()}
        arrays |= {f"grid.{name}": array for name, array in self._grid.state().items()}
        arrays["online"] = self._online.rows.copy()
        arrays["language_sets"] = self._language_sets.members.copy()
        arrays["skill_sets"] = self._skill_sets.members.copy()
        arrays["versions"] = np.fromiter(self._versions.values(), np.int64, len(self._versions))
        arrays["free_rows"] = np.array(self._free_rows, np.int64)
        strings = {
            "versioned": list(self._versions),
            "keyed": list(self._keys),
            "languages": self._languages.codes(),
            "week_editions": self._week_editions.codes(),
            "skills": self._skills.keys(),
        }
        return IndexState(arrays, strings, list(self._activity_at))

    @classmethod
    def restored(cls, state: IndexState, encoder: TextEncoder | None = None) -> ActivityIndex:
        """The index whose :meth:`state` was ``state``."""
        index = cls(encoder)
        arrays, strings = state.arrays, state.strings
        index._columns = ActivityColumns(
            **{column.name: arrays[f"columns.{column.name}"] for column in fields(ActivityColumns)}
        )

        def part(prefix: str) -> dict[str, NDArray[Any]]:
            return {
                name.removeprefix(prefix): array
                for name, array in arrays.items()
                if name.startswith(prefix)
            }

        index._text = _TextRows.restored(index._encoder.n_features, part("text."))
        index._grid = _SpatialGrid.restored(part("grid."))
        index._online = _RowBucket.restored(arrays["online"])
        index._language_sets = _IdSets.restored(arrays["language_sets"])
        index._skill_sets = _IdSets.restored(arrays["skill_sets"])
        index._languages = _Codes.restored(0, strings["languages"])
        index._week_editions = _Codes.restored(NO_WEEK_EDITION + 1, strings["week_editions"])
        index._skills = _Skills.restored(strings["skills"])
        index._versions = dict(zip(strings["versioned"], arrays["versions"].tolist(), strict=True))
        index._keys = {activity_id: key for key, activity_id in enumerate(strings["keyed"], 1)}
        index._activity_at = list(state.activities)
        index._row_of = {
            activity.id: row
            for row, activity in enumerate(index._activity_at)
            if activity is not None
        }
        index._free_rows = arrays["free_rows"].tolist()
        return index

    # Events --------------------------------------------------------------------------------

    def apply(self, activity: catalogue_pb2.Activity) -> None:
        """Inserts or replaces an activity snapshot; older versions than the one held are
        ignored, and leaving PUBLISHED removes it from what matching may suggest."""
        held = self._versions.get(activity.id)
        if held is not None and activity.version < held:
            return
        self._versions[activity.id] = activity.version
        if activity.state != catalogue_pb2.ACTIVITY_STATE_PUBLISHED:
            self._remove(activity.id)
            return
        row = self._row_of.get(activity.id)
        previous = None if row is None else self._activity_at[row]
        if row is None:
            row = self._allocate_row()
            self._row_of[activity.id] = row
        stored = catalogue_pb2.Activity()
        stored.CopyFrom(activity)
        self._activity_at[row] = stored
        self._write_columns(row, stored)
        self._place(row, stored.details.location)
        text = activity_text(stored.details)
        if previous is None or activity_text(previous.details) != text:
            self._text.put(row, self._encoder.document_weights([text]))

    def set_seats(self, activity_id: str, seats_left: int, waitlist_length: int) -> None:
        """Live seat counts of a published activity; unknown ids are ignored."""
        row = self._row_of.get(activity_id)
        if row is None:
            return
        self._columns.seats_left[row] = seats_left
        activity = self.activity_at(row)
        activity.seats_left = seats_left
        activity.waitlist_length = waitlist_length

    # Reading -------------------------------------------------------------------------------

    def get(self, activity_id: str) -> catalogue_pb2.Activity | None:
        """The published activity as held (the index's own copy: do not modify it), with live
        seats; ``None`` when not published."""
        row = self._row_of.get(activity_id)
        return None if row is None else self.activity_at(row)

    def version_of(self, activity_id: str) -> int | None:
        """The latest version applied, whatever its state."""
        return self._versions.get(activity_id)

    def row_of(self, activity_id: str) -> int | None:
        return self._row_of.get(activity_id)

    def key_of(self, activity_id: str) -> int:
        """A number for the activity id, from 1, the same for as long as the index lives
        (rows are reused, keys are not): what models fitted elsewhere are matched to rows by
        (:attr:`ActivityColumns.keys`)."""
        key = self._keys.get(activity_id)
        if key is None:
            key = self._keys[activity_id] = len(self._keys) + 1
        return key

    def keys_of(self, activity_ids: Iterable[str]) -> NDArray[np.int64]:
        return np.fromiter((self.key_of(a) for a in activity_ids), np.int64)

    def activity_ids(self) -> list[str]:
        """Ids of the published activities held."""
        return list(self._row_of)

    def rows_of(self, activity_ids: Iterable[str]) -> Rows:
        """Rows of those of ``activity_ids`` that are published."""
        rows = (self._row_of.get(activity_id) for activity_id in activity_ids)
        return np.array([row for row in rows if row is not None], np.int64)

    def activity_at(self, row: int) -> catalogue_pb2.Activity:
        activity = self._activity_at[row]
        if activity is None:
            raise KeyError(f"row {row} holds no activity")
        return activity

    def of_edition(self, week_edition: str) -> list[catalogue_pb2.Activity]:
        """Published activities of a SocialErasmus Week edition, in row order."""
        edition = self._week_editions.find(week_edition)
        columns = self._columns
        rows = np.flatnonzero(columns.published & (columns.week_editions == edition))
        return [self.activity_at(int(row)) for row in rows]

    def candidates_near(self, latitude: float, longitude: float, radius_km: float) -> Rows:
        """Online activities, and physical ones in grid cells within reach: a superset of those
        within ``radius_km``, found without scanning the index."""
        parts = [*self._grid.rows_near(latitude, longitude, radius_km), self._online.rows]
        return np.concatenate(parts)

    def online_rows(self) -> Rows:
        return self._online.rows.copy()

    @property
    def language_sets(self) -> NDArray[np.int32]:
        """Language ids of each set in :attr:`ActivityColumns.language_sets`, UNKNOWN padding."""
        return self._language_sets.members

    @property
    def skill_sets(self) -> NDArray[np.int32]:
        """Skill ids of each set in :attr:`ActivityColumns.skill_sets`, UNKNOWN padding."""
        return self._skill_sets.members

    def language_id(self, code: str) -> int:
        """Id of an ISO 639-1 code (in :attr:`language_sets`); UNKNOWN if unseen."""
        return self._languages.find(code)

    def week_edition_id(self, week_edition: str) -> int:
        """Id of a Week edition in :attr:`ActivityColumns.week_editions`; UNKNOWN if unseen."""
        return self._week_editions.find(week_edition)

    def skill_id(self, skill: str) -> int:
        """Id of a wanted skill (in :attr:`skill_sets`); UNKNOWN if unseen."""
        return self._skills.find(skill)

    def skills_covered_by(self, skills: Iterable[str]) -> NDArray[np.int32]:
        """Ids of the wanted skills a student with ``skills`` has (see :func:`skill_key`)."""
        return self._skills.covered_by(skills)

    @property
    def term_statistics(self) -> TermStatistics:
        """Document frequencies over the text of every published activity, kept live."""
        return self._text.statistics

    def text_relevance(
        self, rows: Rows, query: Query, reference: ActivityIndex | None = None
    ) -> NDArray[np.float64]:
        """BM25 relevance of each row's text to ``query``, as a share of the best relevance of
        any activity held: in [0, 1]. ``reference``: another index whose term statistics
        weigh the words and whose best activity counts too."""
        return self._text.scores(rows, query, None if reference is None else reference._text)

    def text_relevance_of_pairs(
        self, queries: Sequence[Query], query_of_pair: Rows, row_of_pair: Rows
    ) -> NDArray[np.float64]:
        """:meth:`text_relevance` of ``queries[query_of_pair[i]]`` with ``row_of_pair[i]``, for
        every i, computed for all the queries together."""
        return self._text.scores_of_pairs(queries, query_of_pair, row_of_pair)

    def edition_rows(self, week_edition: str) -> Rows:
        """Rows of the published activities of a SocialErasmus Week edition, ascending."""
        edition = self._week_editions.find(week_edition)
        columns = self._columns
        return np.flatnonzero(columns.published & (columns.week_editions == edition))

    def prepare_for_queries(self) -> None:
        """Does now the upkeep a query would otherwise pay for (inverting text written since
        the last query): call once a replay has caught up."""
        self._text.prepare_for_queries()

    # Writing -------------------------------------------------------------------------------

    def _allocate_row(self) -> int:
        if self._free_rows:
            return self._free_rows.pop()
        row = len(self._activity_at)
        if row == self._columns.rows:
            self._columns.grow_rows(2 * row)
            self._text.grow_rows(2 * row)
        self._activity_at.append(None)
        return row

    def _write_columns(self, row: int, activity: catalogue_pb2.Activity) -> None:
        details = activity.details
        columns = self._columns
        columns.published[row] = True
        columns.keys[row] = self.key_of(activity.id)
        columns.starts[row] = details.starts_at.seconds
        columns.ends[row] = details.ends_at.seconds
        columns.causes[row] = cause_bits(details.causes)
        columns.sdgs[row] = sdg_bits(details.sdgs)
        columns.seats_left[row] = activity.seats_left
        columns.capacities[row] = details.capacity
        columns.week_editions[row] = (
            self._week_editions.add(details.week_edition)
            if details.week_edition
            else NO_WEEK_EDITION
        )
        location = details.location
        columns.online[row] = location.online
        has_place = not location.online and location.HasField("coordinates")
        columns.latitudes[row] = location.coordinates.latitude if has_place else np.nan
        columns.longitudes[row] = location.coordinates.longitude if has_place else np.nan
        columns.language_sets[row] = self._language_sets.add(
            self._languages.add(code) for code in details.languages
        )
        columns.skill_sets[row] = self._skill_sets.add(
            self._skills.add(skill) for skill in details.skills_wanted
        )

    def _place(self, row: int, location: common_pb2.Location) -> None:
        """Files the row under its grid cell or as online (unplaced when neither)."""
        self._unplace(row)
        if location.online:
            self._online.add(row)
        elif location.HasField("coordinates"):
            point = location.coordinates
            self._grid.add(row, point.latitude, point.longitude)

    def _unplace(self, row: int) -> None:
        self._grid.remove(row)
        self._online.discard(row)

    def _remove(self, activity_id: str) -> None:
        row = self._row_of.pop(activity_id, None)
        if row is None:
            return
        self._unplace(row)
        self._text.drop(row)
        self._columns.published[row] = False
        self._columns.keys[row] = 0
        self._activity_at[row] = None
        self._free_rows.append(row)
