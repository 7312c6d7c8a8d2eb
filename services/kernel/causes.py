"""ESN's six causes (since 2018), in ESN's order and as ESN writes them."""

from __future__ import annotations

from typing import Final, TypeAlias

from socialerasmus.common.v1 import common_pb2

__all__ = ["CAUSES", "CAUSE_LABELS", "CauseValue"]

CauseValue: TypeAlias = common_pb2.Cause.ValueType

CAUSE_LABELS: Final[dict[CauseValue, str]] = {
    common_pb2.CAUSE_CULTURE: "Culture",
    common_pb2.CAUSE_EDUCATION_AND_YOUTH: "Education & Youth",
    common_pb2.CAUSE_ENVIRONMENTAL_SUSTAINABILITY: "Environmental Sustainability",
    common_pb2.CAUSE_HEALTH_AND_WELLBEING: "Health & Well-being",
    common_pb2.CAUSE_SKILLS_AND_EMPLOYABILITY: "Skills & Employability",
    common_pb2.CAUSE_SOCIAL_INCLUSION: "Social Inclusion",
}
"""English labels, by Cause value."""

CAUSES: Final[tuple[CauseValue, ...]] = tuple(CAUSE_LABELS)
"""Every cause, in ESN's order."""
