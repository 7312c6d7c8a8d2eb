"""The kinds of activity the demo writes (``data/templates.toml``) and their translations into
the sections' languages (``data/translations/<language>.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Final, Literal, TypeAlias, cast, get_args

from services.demo.files import read_toml
from services.kernel.causes import CauseValue
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2

__all__ = [
    "ONLINE_ACCESS",
    "ONLINE_VENUE",
    "TEMPLATES",
    "TRANSLATIONS",
    "Days",
    "Template",
    "Translation",
]

TypeValue: TypeAlias = catalogue_pb2.ActivityType.ValueType
ObjectiveValue: TypeAlias = catalogue_pb2.Objective.ValueType
Days: TypeAlias = Literal["weekday", "weekend", "any"]


@dataclass(frozen=True, slots=True)
class Template:
    """One kind of activity. ``title``, ``description`` and ``goal`` may use {city}, {section}."""

    key: str
    causes: tuple[CauseValue, ...]
    """The first is the cause the template stands for."""
    type: TypeValue
    sdgs: tuple[int, ...]
    objectives: tuple[ObjectiveValue, ...]
    title: str
    description: str
    goal: str
    skills: tuple[str, ...]
    venue: str
    accessibility: str
    days: Days
    start_hours: tuple[int, ...]
    """Local start hours that suit the activity."""
    durations: tuple[float, ...]
    """Hours, 2 to 6."""
    capacity: tuple[int, int]
    """Inclusive range, within 8 to 60."""
    online: bool = False


@dataclass(frozen=True, slots=True)
class Translation:
    """A title and description in a section's own language for one template."""

    template: str
    title: str
    description: str


def _days(value: str) -> Days:
    if value not in get_args(Days):
        raise ValueError(f"days must be one of {get_args(Days)}, not {value!r}")
    return cast(Days, value)


def _template(row: dict[str, Any], online_venue: str, online_access: str) -> Template:
    online = bool(row.get("online", False))
    low, high = row["capacity"]
    return Template(
        key=row["key"],
        causes=tuple(common_pb2.Cause.Value(f"CAUSE_{name}") for name in row["causes"]),
        type=catalogue_pb2.ActivityType.Value(f"ACTIVITY_TYPE_{row['type']}"),
        sdgs=tuple(row["sdgs"]),
        objectives=tuple(
            catalogue_pb2.Objective.Value(f"OBJECTIVE_{name}") for name in row["objectives"]
        ),
        title=row["title"],
        description=row["description"],
        goal=row["goal"],
        skills=tuple(row["skills"]),
        venue=online_venue if online else row["venue"],
        accessibility=online_access if online else row["accessibility"],
        days=_days(row["days"]),
        start_hours=tuple(row["start_hours"]),
        durations=tuple(row["durations"]),
        capacity=(low, high),
        online=online,
    )


_DATA: Final = read_toml("templates.toml")
ONLINE_VENUE: Final[str] = _DATA["online_venue"]
ONLINE_ACCESS: Final[str] = _DATA["online_accessibility"]
TEMPLATES: Final[tuple[Template, ...]] = tuple(
    _template(row, ONLINE_VENUE, ONLINE_ACCESS) for row in _DATA["template"]
)
"""In file order, which the generator's choices depend on."""


def _translations() -> dict[str, tuple[Translation, ...]]:
    folder = resources.files(__package__ or "services.demo").joinpath("data", "translations")
    found: dict[str, tuple[Translation, ...]] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rows = read_toml("translations", entry.name)["translation"]
            found[entry.name.removesuffix(".toml")] = tuple(Translation(**row) for row in rows)
    return found


TRANSLATIONS: Final[dict[str, tuple[Translation, ...]]] = _translations()
"""By ISO 639-1 code of the language; one translated in-person activity per cause and
language, at most."""
