"""A snapshot of the activity index: what it holds and the CATALOGUE sequence it covers.

A replica that starts from a snapshot replays only the events after it, instead of the whole
stream and the text encoding of every activity ever published. The snapshot is an ``.npz``
file (NumPy arrays, read with ``allow_pickle=False``: loading one runs no code), holding:

- ``header.json``: the format, the fingerprint of the code that encodes text, the stream it
  was taken from (its creation time) and the last sequence applied;
- the index's arrays (:meth:`ActivityIndex.state`), its strings as ``strings.json``, the
  activities serialised back to back (``activities.bytes`` and ``activities.offsets``);
- the seat counts the follower keeps (``seats.json``).

It holds published activities and seat counts per activity, nothing that names a student:
erasing a student deletes their enrolment events from the stream and has nothing to delete
here.

A snapshot is used only by code that would encode text the same way (the fingerprint covers
the modules that turn text into weights) and only on the stream it was taken from; any other
is ignored, and the stream replayed from the start.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from services.matching.follower import CatalogueFollower
from services.matching.index import ActivityIndex, IndexState
from socialerasmus.catalogue.v1 import catalogue_pb2

__all__ = ["FORMAT", "SnapshotHeader", "SnapshotMismatch", "encoder_fingerprint", "read", "write"]

FORMAT = 1
"""Raised when what a snapshot holds changes shape."""
ACTIVITIES_PER_PAUSE = 5_000
"""Activities serialised between two yields to the event loop while a snapshot is taken."""
_ENCODING_MODULES = ("text.py", "lexicon.py", "stop_words.py", "index.py")
_ENCODING_DATA = "lexicon_data"


class SnapshotMismatch(Exception):
    """The snapshot cannot be used here: other code, another stream, or unreadable."""


@dataclass(frozen=True, slots=True)
class SnapshotHeader:
    format: int
    fingerprint: str
    stream_created: str
    """Creation time of the CATALOGUE stream the snapshot was taken from (ISO 8601)."""
    sequence: int
    """The last stream sequence applied: replay from the next one."""
    activities: int
    written_at: float
    """Unix time."""

    def usable_with(self, fingerprint: str, stream_created: str, last_sequence: int) -> bool:
        return (
            self.format == FORMAT
            and self.fingerprint == fingerprint
            and self.stream_created == stream_created
            and self.sequence <= last_sequence
        )

    def as_headers(self) -> dict[str, str]:
        """As object store headers, readable without fetching the snapshot."""
        return {f"Se-Snapshot-{name}": str(value) for name, value in asdict(self).items()}

    @classmethod
    def from_headers(cls, headers: dict[str, Any] | None) -> SnapshotHeader | None:
        if not headers:
            return None
        values = {
            name.removeprefix("Se-Snapshot-"): value[0] if isinstance(value, list) else value
            for name, value in headers.items()
            if name.startswith("Se-Snapshot-")
        }
        try:
            return cls(
                format=int(values["format"]),
                fingerprint=str(values["fingerprint"]),
                stream_created=str(values["stream_created"]),
                sequence=int(values["sequence"]),
                activities=int(values["activities"]),
                written_at=float(values["written_at"]),
            )
        except (KeyError, ValueError):
            return None


def encoder_fingerprint() -> str:
    """Digest of the code and data that turn activities into index rows, and of :data:`FORMAT`."""
    here = Path(__file__).parent
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    files = [here / name for name in _ENCODING_MODULES]
    files += sorted((here / _ENCODING_DATA).rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(here).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


async def write(
    follower: CatalogueFollower, stream_created: str, into: IO[bytes]
) -> SnapshotHeader:
    """Writes a snapshot of ``follower`` and its index into ``into``.

    The state is copied at once, between two events; the activities are then serialised a
    few thousand at a time, so serving goes on meanwhile, and the file written in a thread."""
    state = follower.index.state()
    seats = follower.seat_counts()
    header = SnapshotHeader(
        format=FORMAT,
        fingerprint=encoder_fingerprint(),
        stream_created=stream_created,
        sequence=follower.applied_sequence,
        activities=len(follower.index),
        written_at=time.time(),
    )
    serialised: list[bytes] = []
    for first in range(0, len(state.activities), ACTIVITIES_PER_PAUSE):
        chunk = state.activities[first : first + ACTIVITIES_PER_PAUSE]
        serialised += [b"" if a is None else a.SerializeToString() for a in chunk]
        await asyncio.sleep(0)
    sizes = np.fromiter((len(s) for s in serialised), np.int64, len(serialised))
    arrays = {
        **state.arrays,
        "header.json": _json_bytes(asdict(header)),
        "strings.json": _json_bytes(state.strings),
        "seats.json": _json_bytes(seats),
        "activities.bytes": np.frombuffer(b"".join(serialised), np.uint8),
        "activities.offsets": np.r_[0, np.cumsum(sizes)],
        "activities.present": np.fromiter((a is not None for a in state.activities), np.bool_),
    }
    await asyncio.to_thread(np.savez, into, **arrays)
    return header


def read(
    source: IO[bytes], fingerprint: str, stream_created: str, last_sequence: int
) -> CatalogueFollower:
    """The follower and index a snapshot holds, ready to replay from its sequence + 1.

    Raises :class:`SnapshotMismatch` when it was written by other code, on another stream,
    or cannot be read."""
    try:
        with np.load(source, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        header = SnapshotHeader(**_json_value(arrays.pop("header.json")))
        if not header.usable_with(fingerprint, stream_created, last_sequence):
            raise SnapshotMismatch(
                f"snapshot of sequence {header.sequence} is not for this stream or code"
            )
        strings = _json_value(arrays.pop("strings.json"))
        seats = _json_value(arrays.pop("seats.json"))
        activities = _activities(
            arrays.pop("activities.bytes"),
            arrays.pop("activities.offsets"),
            arrays.pop("activities.present"),
        )
        index = ActivityIndex.restored(IndexState(arrays, strings, activities))
    except SnapshotMismatch:
        raise
    except Exception as error:  # any damage or change of shape: replay instead
        raise SnapshotMismatch(f"unreadable snapshot: {error!r}") from error
    return CatalogueFollower.restored(index, seats, header.sequence)


def _activities(
    data: NDArray[np.uint8], offsets: NDArray[np.int64], present: NDArray[np.bool_]
) -> list[catalogue_pb2.Activity | None]:
    buffer = data.tobytes()
    bounds = offsets.tolist()
    return [
        catalogue_pb2.Activity.FromString(buffer[bounds[row] : bounds[row + 1]]) if held else None
        for row, held in enumerate(present.tolist())
    ]


def _json_bytes(value: object) -> NDArray[np.uint8]:
    return np.frombuffer(json.dumps(value).encode(), np.uint8)


def _json_value(array: NDArray[np.uint8]) -> Any:
    return json.load(io.BytesIO(array.tobytes()))
