"""A snapshot of the index, restored and followed by the later events, is the index itself."""

from __future__ import annotations

import io
import random
from typing import Any

import numpy as np
import pytest

from services.matching import index_snapshot
from services.matching.follower import CatalogueFollower
from services.matching.index import ActivityIndex
from services.matching.index_snapshot import SnapshotHeader, SnapshotMismatch
from socialerasmus.catalogue.v1 import events_pb2
from socialerasmus.catalogue.v1.catalogue_pb2 import (
    ACTIVITY_STATE_CANCELLED,
    ENROLMENT_STATUS_CONFIRMED,
    Activity,
    Enrolment,
)
from tests.catalogue.builders import geo_point, online_location
from tests.catalogue.builders import valencia_location as valencia
from tests.matching.builders import activity

CITIES = [(39.47, -0.37), (41.33, 19.82), (52.52, 13.40)]
PLACES: list[tuple[float, float] | None] = [*CITIES, None]
WORDS = [
    "beach",
    "clean-up",
    "plastic",
    "sea",
    "garden",
    "refugees",
    "language",
    "café",
    "seniors",
    "elderly",
    "trees",
]
SKILLS = ["first aid", "photography", "Spanish", "cooking", "teamwork"]
CREATED = "2027-02-15 09:30:00+00:00"

Event = tuple[str, bytes]


def random_events(rng: random.Random, count: int) -> list[Event]:
    """Publications, edits, cancellations and enrolments of a dozen activities, in any order."""
    versions: dict[int, int] = {}
    events: list[Event] = []
    for _ in range(count):
        n = rng.randint(1, 12)
        roll = rng.random()
        if roll < 0.15 and n in versions:
            versions[n] += 1
            cancelled = activity(n, version=versions[n])
            cancelled.state = ACTIVITY_STATE_CANCELLED
            event = events_pb2.ActivityCancelled(event_id=f"c{len(events)}", activity=cancelled)
            events.append(("se.catalogue.activity.cancelled", event.SerializeToString()))
        elif roll < 0.35 and n in versions:
            confirmed = rng.randint(0, 25)
            enrolment = events_pb2.EnrolmentConfirmed(
                event_id=f"e{len(events)}",
                enrolment=Enrolment(
                    activity_id=activity(n).id, student_id="s", status=ENROLMENT_STATUS_CONFIRMED
                ),
                seats=events_pb2.SeatCounts(confirmed=confirmed, waitlisted=rng.randint(0, 3)),
            )
            events.append(("se.catalogue.enrolment.confirmed", enrolment.SerializeToString()))
        else:
            versions[n] = versions.get(n, 0) + 1
            item = random_activity(rng, n, versions[n])
            publication = events_pb2.ActivityPublished(event_id=f"p{len(events)}", activity=item)
            events.append(("se.catalogue.activity.published", publication.SerializeToString()))
    return events


def random_activity(rng: random.Random, n: int, version: int) -> Activity:
    place = rng.choice(PLACES)
    overrides: dict[str, Any] = {
        "title": " ".join(rng.sample(WORDS, 3)),
        "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 12))),
        "languages": rng.sample(["en", "es", "de", "sq", "it"], rng.randint(1, 3)),
        "skills_wanted": rng.sample(SKILLS, rng.randint(0, 3)),
        "week_edition": rng.choice(["", "2027-spring", "2027-autumn"]),
        "location": online_location() if place is None else valencia(coordinates=geo_point(*place)),
        "capacity": rng.randint(1, 30),
    }
    return activity(n, version=version, **overrides)


def replayed(events: list[Event], follower: CatalogueFollower | None = None) -> CatalogueFollower:
    follower = follower or CatalogueFollower(ActivityIndex())
    for sequence, (subject, data) in enumerate(events, follower.applied_sequence + 1):
        follower.apply(subject, data)
        follower.applied_sequence = sequence
    return follower


async def snapshot_of(follower: CatalogueFollower) -> bytes:
    file = io.BytesIO()
    await index_snapshot.write(follower, CREATED, file)
    return file.getvalue()


def restored(data: bytes, last_sequence: int = 10**9) -> CatalogueFollower:
    fingerprint = index_snapshot.encoder_fingerprint()
    return index_snapshot.read(io.BytesIO(data), fingerprint, CREATED, last_sequence)


def observed(index: ActivityIndex) -> dict[str, object]:
    """What ranking and the service can read of an index."""
    columns = index.columns
    rows = np.flatnonzero(columns.published)
    query = index.encoder.query("I want to clean the beach and plant trees with seniors")
    return {
        "activities": {a: index.get(a).SerializeToString() for a in sorted(index.activity_ids())},  # type: ignore[union-attr]
        "keys": {a: index.key_of(a) for a in sorted(index.activity_ids())},
        "columns": {name: getattr(columns, name)[rows].tobytes() for name in vars(columns)},
        "near": {p: sorted(index.candidates_near(*p, 50).tolist()) for p in CITIES},
        "online": sorted(index.online_rows().tolist()),
        "text": index.text_relevance(rows, query).round(12).tolist(),
        "languages": [index.language_id(code) for code in ("en", "es", "de", "sq", "it", "fr")],
        "editions": [index.week_edition_id(e) for e in ("2027-spring", "2027-autumn", "x")],
        "skills": index.skills_covered_by(["First-Aid", "cooking", "teamwork"]).tolist(),
        "language_sets": index.language_sets.tolist(),
        "documents": index.term_statistics.documents,
    }


@pytest.mark.parametrize("seed", range(12))
async def test_a_restored_snapshot_then_the_later_events_equal_the_full_replay(seed: int) -> None:
    rng = random.Random(seed)
    events = random_events(rng, rng.randint(5, 120))
    cut = rng.randint(0, len(events))
    whole = replayed(events)

    resumed = restored(await snapshot_of(replayed(events[:cut])))
    assert resumed.applied_sequence == cut
    replayed(events[cut:], resumed)

    assert observed(resumed.index) == observed(whole.index)
    assert resumed.seat_counts() == whole.seat_counts()


async def test_a_restored_index_keeps_its_keys_and_reuses_freed_rows_alike() -> None:
    rng = random.Random(99)
    events = random_events(rng, 200)
    whole = replayed(events)
    resumed = restored(await snapshot_of(whole))
    later = random_events(random.Random(100), 80)

    replayed(later, whole)
    replayed(later, resumed)

    assert observed(resumed.index) == observed(whole.index)
    assert resumed.index.key_of("never-seen") == whole.index.key_of("never-seen")


async def test_the_header_travels_as_object_headers() -> None:
    follower = replayed(random_events(random.Random(1), 30))
    file = io.BytesIO()
    header = await index_snapshot.write(follower, CREATED, file)

    assert SnapshotHeader.from_headers(header.as_headers()) == header
    assert header.sequence == 30
    assert header.activities == len(follower.index)
    assert SnapshotHeader.from_headers({"Se-Snapshot-format": "x"}) is None


async def test_a_snapshot_of_other_code_another_stream_or_a_later_sequence_is_refused() -> None:
    data = await snapshot_of(replayed(random_events(random.Random(2), 40)))
    fingerprint = index_snapshot.encoder_fingerprint()

    with pytest.raises(SnapshotMismatch):
        index_snapshot.read(io.BytesIO(data), "other code", CREATED, 10**9)
    with pytest.raises(SnapshotMismatch):
        index_snapshot.read(io.BytesIO(data), fingerprint, "2030-01-01 00:00:00+00:00", 10**9)
    with pytest.raises(SnapshotMismatch):  # the stream was emptied and refilled since
        index_snapshot.read(io.BytesIO(data), fingerprint, CREATED, 39)
    assert restored(data, last_sequence=40).applied_sequence == 40


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
async def test_a_damaged_snapshot_is_refused_not_loaded(damage: str) -> None:
    data = await snapshot_of(replayed(random_events(random.Random(3), 40)))
    damaged = {
        "truncated": data[: len(data) // 2],
        "garbage": b"PK\x03\x04" + data[9:],
        "empty": b"",
    }

    with pytest.raises(SnapshotMismatch):
        restored(damaged[damage])
