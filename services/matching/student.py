"""A student as ranking sees them: a profile turned once into what one index's filters and
signals read (origin, interest per cause mask, shared languages and skills per set, the
motivation as a query)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from services.kernel.sections import Section, load_sections
from services.matching.index import UNKNOWN, ActivityIndex
from services.matching.text import Query
from socialerasmus.matching.v1 import matching_pb2

__all__ = ["MIN_LANGUAGE_LEVEL", "SectionDirectory", "Student", "real_sections", "student_of"]

Mask = NDArray[np.bool_]
Values = NDArray[np.float64]

MIN_LANGUAGE_LEVEL = matching_pb2.LANGUAGE_LEVEL_A2
"""A language the student speaks at this level or better counts as a shared language."""
_BYTES_WITH_BIT = (np.arange(256)[None, :] >> np.arange(8)[:, None]) & 1
"""Row ``c``: 1 for every byte (cause mask) with bit ``c`` set, else 0."""
_UTC = "UTC"


class SectionDirectory(Protocol):
    """Finds an ESN section by id (a ``dict[str, Section]`` is one)."""

    def get(self, section_id: str, /) -> Section | None: ...


@functools.cache
def real_sections() -> dict[str, Section]:
    return {section.section_id: section for section in load_sections()}


@dataclass(frozen=True, slots=True)
class Student:
    """A profile, turned once into what the filters and signals of one index need."""

    profile: matching_pb2.VolunteerProfile
    origin: tuple[float, float] | None
    """Where distances are measured from; None when neither home nor host section is known."""
    interests: dict[int, float]
    cause_table: Values
    """Best interest among the causes of each :func:`cause_bits` mask (256 entries)."""
    language_codes: frozenset[str]
    """Languages spoken at MIN_LANGUAGE_LEVEL or better."""
    language_sets_shared: Mask
    """For each language set of the index: does the student speak one of its languages?"""
    skill_ids: NDArray[np.int32]
    skill_sets_share: Values
    """For each skill set of the index: the share of its skills the student has."""
    motivation: Query
    arrival: int | None
    departure: int | None
    time_zone: str


def student_of(
    profile: matching_pb2.VolunteerProfile, index: ActivityIndex, sections: SectionDirectory
) -> Student:
    interests: dict[int, float] = {i.cause: min(max(i.weight, 0.0), 1.0) for i in profile.interests}
    codes = frozenset(s.code for s in profile.languages if s.level >= MIN_LANGUAGE_LEVEL)
    skill_ids = index.skills_covered_by(profile.skills)
    return Student(
        profile=profile,
        origin=_origin(profile, sections),
        interests=interests,
        cause_table=_cause_table(interests),
        language_codes=codes,
        language_sets_shared=_sets_sharing(
            index.language_sets, [index.language_id(code) for code in codes]
        ),
        skill_ids=skill_ids,
        skill_sets_share=_sets_share(index.skill_sets, skill_ids),
        motivation=index.encoder.query(profile.motivation),
        arrival=profile.arrival.seconds if profile.HasField("arrival") else None,
        departure=profile.departure.seconds if profile.HasField("departure") else None,
        time_zone=profile.time_zone or _UTC,
    )


def _origin(
    profile: matching_pb2.VolunteerProfile, sections: SectionDirectory
) -> tuple[float, float] | None:
    if profile.HasField("home_location"):
        return profile.home_location.latitude, profile.home_location.longitude
    section = sections.get(profile.host_section_id)
    return None if section is None else (section.latitude, section.longitude)


def _cause_table(interests: Mapping[int, float]) -> Values:
    table = np.zeros(256)
    for cause, weight in interests.items():
        np.maximum(table, _BYTES_WITH_BIT[cause] * weight, out=table)
    return table


def _sets_sharing(members: NDArray[np.int32], ids: Sequence[int]) -> Mask:
    """For each row of ``members`` (an id set, UNKNOWN padding): does it hold one of ``ids``?"""
    shared = np.zeros(members.shape[0], np.bool_)
    for member in ids:
        if member != UNKNOWN:
            shared |= (members == member).any(axis=1)
    return shared


def _sets_share(members: NDArray[np.int32], ids: NDArray[np.int32]) -> Values:
    """For each row of ``members`` (an id set, UNKNOWN padding): the share of it in ``ids``."""
    sizes = (members != UNKNOWN).sum(axis=1)
    held = np.zeros(members.shape[0])
    for member in ids.tolist():
        held += (members == member).any(axis=1)
    share: Values = np.divide(held, sizes, out=held, where=sizes > 0)
    return share
