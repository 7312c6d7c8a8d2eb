"""Recommend across languages: a motivation finds activities about its cause written in the
other seven languages, through the whole ranker (index, BM25 with concept tokens, signals).

Every activity carries the same metadata and all six causes, so only the text can tell them
apart; the motivations and activities are those of ``data/multilingual_activities.toml``.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from services.matching.index import ActivityIndex
from services.matching.ranking import Ranker
from services.matching.signals import Weights
from socialerasmus.common.v1 import common_pb2
from socialerasmus.matching.v1.matching_pb2 import RecommendFilter
from tests.matching.builders import NOW, activity, valid_profile
from tests.matching.test_lexicon import CAUSES, Sample, samples

MIN_SHARE_OF_RIGHT_CAUSE = 0.75
"""Share of each language's motivations whose first suggestion, among activities in the other
languages only, is about the motivation's cause (chance: one in six)."""


def first_cause_found(motivation: Sample) -> common_pb2.Cause.ValueType | None:
    others = [s for s in samples() if s.is_activity and s.language != motivation.language]
    index = ActivityIndex()
    cause_of: dict[str, common_pb2.Cause.ValueType] = {}
    for number, sample in enumerate(others, start=1):
        title, _, description = sample.text.partition("\n")
        item = activity(
            number, title=title, description=description, goal="", skills_wanted=[], causes=CAUSES
        )
        index.apply(item)
        cause_of[item.id] = sample.cause
    profile = valid_profile(motivation=motivation.text, interests=[], skills=[])
    found = Ranker(index, Weights()).recommend(profile, 1, RecommendFilter(), NOW, set())
    first = found.recommendations[0].activity.id if found.recommendations else None
    return None if first is None else cause_of[first]


@pytest.fixture(scope="module")
def right_cause_by_language() -> dict[str, list[bool]]:
    found: dict[str, list[bool]] = defaultdict(list)
    for motivation in (s for s in samples() if not s.is_activity):
        found[motivation.language].append(first_cause_found(motivation) == motivation.cause)
    return found


@pytest.mark.parametrize("language", ["en", "es", "it", "de", "fr", "pt", "pl", "tr"])
def test_a_motivation_finds_its_cause_in_the_other_languages(
    language: str, right_cause_by_language: dict[str, list[bool]]
) -> None:
    right = right_cause_by_language[language]

    assert len(right) >= 6
    assert sum(right) / len(right) >= MIN_SHARE_OF_RIGHT_CAUSE, right
