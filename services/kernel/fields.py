"""Checks of the fields activities, profiles and filters share: SDGs and skills."""

from __future__ import annotations

from services.kernel import limits
from services.kernel.violations import has_forbidden_chars

__all__ = ["sdg_item", "skill_item", "skill_key"]


def skill_item(value: str) -> str | None:
    stripped = value.strip()
    if not stripped:
        return "must not be empty"
    if len(value) > limits.SKILL_MAX_CHARS:
        return f"must be at most {limits.SKILL_MAX_CHARS} characters long"
    if has_forbidden_chars(value, multiline=False):
        return "must be a single line without control characters"
    return None


def sdg_item(value: int) -> str | None:
    if limits.SDG_MIN <= value <= limits.SDG_MAX:
        return None
    return f"must be between {limits.SDG_MIN} and {limits.SDG_MAX}"


def skill_key(value: str) -> str:
    """What makes two skills the same one: "Photography " and "photography" are."""
    return value.strip().casefold()
