"""Argument types: counts, and protobuf enum values by a readable name."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from google.protobuf.descriptor import EnumDescriptor

from services.kernel import limits
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2
from socialerasmus.matching.v1 import matching_pb2


def positive_int(raw: str) -> int:
    return _at_least(raw, 1)


def count(raw: str) -> int:
    """A whole number, 0 or more."""
    return _at_least(raw, 0)


def positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def sdg(raw: str) -> int:
    """A UN Sustainable Development Goal, 1 to 17."""
    value = _at_least(raw, limits.SDG_MIN)
    if value > limits.SDG_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {limits.SDG_MAX}")
    return value


def _at_least(raw: str, least: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}")
    return value


def enum_names(enum: EnumDescriptor) -> list[str]:
    """Readable names of an enum's values (``social-inclusion``), without UNSPECIFIED."""
    prefix = _prefix(enum)
    return [
        value.name.removeprefix(prefix).lower().replace("_", "-")
        for value in enum.values
        if value.number != 0
    ]


def enum_value(enum: EnumDescriptor) -> Callable[[str], int]:
    """Parses ``social-inclusion``, ``SOCIAL_INCLUSION`` or ``CAUSE_SOCIAL_INCLUSION``."""
    prefix = _prefix(enum)

    def parse(raw: str) -> int:
        name = raw.strip().upper().replace("-", "_").replace(" ", "_")
        value = enum.values_by_name.get(name if name.startswith(prefix) else prefix + name)
        if value is None or value.number == 0:
            choices = ", ".join(enum_names(enum))
            raise argparse.ArgumentTypeError(f"unknown value {raw!r}; choose from {choices}")
        return value.number

    parse.__name__ = enum.name  # argparse names the type in its messages
    return parse


def _prefix(enum: EnumDescriptor) -> str:
    """``CAUSE_`` of ``Cause``, ``ACTIVITY_STATE_`` of ``ActivityState``."""
    return enum.values_by_number[0].name.removesuffix("UNSPECIFIED")


CAUSE = common_pb2.DESCRIPTOR.enum_types_by_name["Cause"]
ACTIVITY_STATE = catalogue_pb2.DESCRIPTOR.enum_types_by_name["ActivityState"]
FEEDBACK_KIND = matching_pb2.DESCRIPTOR.enum_types_by_name["FeedbackKind"]
cause = enum_value(CAUSE)
activity_state = enum_value(ACTIVITY_STATE)
