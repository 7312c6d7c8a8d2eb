"""The coordinators' activity form: the catalogue's ``ActivityDetails`` as HTML form fields and
back. Pure. The catalogue checks the details (and names the bad fields); here only what a
form cannot say otherwise is checked: numbers, dates and times in the place's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.protobuf.timestamp_pb2 import Timestamp

from services.web.views import moment
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.common.v1 import common_pb2 as common

TYPES: Final = tuple(
    (value, name.removeprefix("ACTIVITY_TYPE_").replace("_", " ").capitalize())
    for name, value in cat.ActivityType.items()
    if value
)
OBJECTIVES: Final = tuple(
    (value, name.removeprefix("OBJECTIVE_").replace("_", " ").capitalize().replace(" and ", " & "))
    for name, value in cat.Objective.items()
    if value
)
CAUSES: Final = tuple(range(1, 7))
LOCAL_FORMAT: Final = "%Y-%m-%dT%H:%M"
"""What ``<input type="datetime-local">`` sends."""

FIELD_NAMES: Final = {
    "details.title": "title",
    "details.description": "description",
    "details.goal": "goal",
    "details.type": "type",
    "details.causes": "causes",
    "details.sdgs": "sdgs",
    "details.objectives": "objectives",
    "details.starts_at": "starts_at",
    "details.ends_at": "ends_at",
    "details.time_zone": "time_zone",
    "details.location.city": "city",
    "details.location.country_code": "country_code",
    "details.location.venue": "venue",
    "details.location.coordinates": "latitude",
    "details.location.coordinates.latitude": "latitude",
    "details.location.coordinates.longitude": "longitude",
    "details.capacity": "capacity",
    "details.languages": "languages",
    "details.skills_wanted": "skills_wanted",
    "details.accessibility_notes": "accessibility_notes",
    "details.week_edition": "week_edition",
    "details.section_id": "section_id",
}
"""The catalogue's field paths (``details.capacity``) by the form field that shows them."""


@dataclass
class ActivityForm:
    """The form's values as text, and what is wrong with them by field."""

    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def chosen(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def add_errors(self, violations: Mapping[str, str]) -> None:
        for path, why in violations.items():
            name = FIELD_NAMES.get(path.split("[")[0], "")
            if not name:
                prefix = next((p for p in FIELD_NAMES if path.startswith(p)), "")
                name = FIELD_NAMES.get(prefix, "form")
            self.errors.setdefault(name, why)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _local(stamp: Timestamp, zone: ZoneInfo) -> str:
    return moment(stamp).astimezone(zone).strftime(LOCAL_FORMAT) if stamp.seconds else ""


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def form_of(details: cat.ActivityDetails) -> ActivityForm:
    zone = _zone(details.time_zone) or ZoneInfo("UTC")
    location = details.location
    placed = location.HasField("coordinates")
    form = ActivityForm(
        values={
            "title": details.title,
            "description": details.description,
            "goal": details.goal,
            "type": str(details.type or ""),
            "sdgs": ", ".join(str(s) for s in details.sdgs),
            "starts_at": _local(details.starts_at, zone),
            "ends_at": _local(details.ends_at, zone),
            "time_zone": details.time_zone,
            "online": "on" if location.online else "",
            "city": location.city,
            "country_code": location.country_code,
            "venue": location.venue,
            "latitude": f"{location.coordinates.latitude:g}" if placed else "",
            "longitude": f"{location.coordinates.longitude:g}" if placed else "",
            "capacity": str(details.capacity or ""),
            "languages": ", ".join(details.languages),
            "skills_wanted": ", ".join(details.skills_wanted),
            "accessibility_notes": details.accessibility_notes,
            "week_edition": details.week_edition,
            "section_id": details.section_id,
        },
        lists={
            "causes": [str(c) for c in details.causes],
            "objectives": [str(o) for o in details.objectives],
        },
    )
    return form


def _stamp(text: str, zone: ZoneInfo | None, name: str, form: ActivityForm) -> Timestamp | None:
    if not text:
        form.errors[name] = "required"
        return None
    try:
        local = datetime.strptime(text, LOCAL_FORMAT)
    except ValueError:
        form.errors[name] = "is not a date and time"
        return None
    if zone is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(local.replace(tzinfo=zone))
    return stamp


def _number(text: str, name: str, form: ActivityForm, kind: type[int] | type[float]) -> float:
    if not text:
        return 0
    try:
        return kind(text)
    except ValueError:
        form.errors[name] = "is not a number"
        return 0


def details_of(
    values: Mapping[str, str], lists: Mapping[str, Sequence[str]], section_id: str
) -> tuple[cat.ActivityDetails, ActivityForm]:
    """The details the form asks for, and the form (with what could not be read)."""
    form = ActivityForm(
        values={k: str(v).strip() for k, v in values.items()},
        lists={k: [str(x) for x in v] for k, v in lists.items()},
    )
    v = form.value
    zone = _zone(v("time_zone"))
    if zone is None:
        form.errors["time_zone"] = "is not a time zone such as Europe/Madrid"
    starts = _stamp(v("starts_at"), zone, "starts_at", form)
    ends = _stamp(v("ends_at"), zone, "ends_at", form)
    sdgs = [int(s) for s in _split(v("sdgs")) if s.isdigit()]
    if len(sdgs) != len(_split(v("sdgs"))):
        form.errors["sdgs"] = "are numbers from 1 to 17"
    online = v("online") == "on"
    location = common.Location(
        online=online, city=v("city"), country_code=v("country_code").lower(), venue=v("venue")
    )
    latitude = _number(v("latitude"), "latitude", form, float)
    longitude = _number(v("longitude"), "longitude", form, float)
    if v("latitude") or v("longitude"):
        location.coordinates.CopyFrom(common.GeoPoint(latitude=latitude, longitude=longitude))
    details = cat.ActivityDetails(
        title=v("title"),
        description=v("description"),
        goal=v("goal"),
        type=int(v("type")) if v("type").isdigit() else 0,  # type: ignore[arg-type]
        causes=[int(c) for c in form.chosen("causes") if c.isdigit()],  # type: ignore[misc]
        sdgs=sdgs,
        objectives=[int(o) for o in form.chosen("objectives") if o.isdigit()],  # type: ignore[misc]
        section_id=section_id or v("section_id"),
        time_zone=v("time_zone"),
        location=location,
        capacity=int(_number(v("capacity"), "capacity", form, int)),
        languages=[code.lower() for code in _split(v("languages"))],
        skills_wanted=_split(v("skills_wanted")),
        accessibility_notes=v("accessibility_notes"),
        week_edition=v("week_edition"),
    )
    if starts is not None:
        details.starts_at.CopyFrom(starts)
    if ends is not None:
        details.ends_at.CopyFrom(ends)
    return details, form
