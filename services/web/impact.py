"""What a section achieved, for the SocialErasmus Coordinators Meeting. Pure.

From the section's published and completed activities and their confirmed enrolments:
activities, participants (the students marked present where the coordinators took attendance,
else the confirmed enrolments), volunteering hours (each activity's length times its
participants) and returning volunteers (participants of more than one activity), by cause, by
SDG, by month (of the start, at the place) and, for operators, by section. The CSV has one row
per activity in the fields activities.esn.org shows.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from services.kernel.causes import CAUSE_LABELS
from services.web.views import moment, zone_of
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat

CSV_FIELDS: Final = (
    "Title",
    "Organiser",
    "Co-organisers",
    "Type of activity",
    "Causes",
    "SDGs",
    "Objectives",
    "Start",
    "End",
    "City",
    "Country",
    "Online",
    "State",
    "Participants",
    "Volunteering hours",
    "Attendance taken",
    "Goal",
    "Description",
)


@dataclass(frozen=True, slots=True)
class Done:
    """One activity with the students who took part in it."""

    activity: cat.Activity
    students: frozenset[str]
    attendance_taken: bool = False
    """True when ``students`` are those marked present, False when they are the confirmed
    enrolments of an activity whose attendance nobody took."""

    @classmethod
    def of(cls, activity: cat.Activity, confirmed: Iterable[cat.Enrolment]) -> Done:
        """The participants of an activity from its confirmed enrolments: those marked present
        once anyone's attendance was marked, else every confirmed student."""
        places = list(confirmed)
        if any(e.HasField("attendance_marked_at") for e in places):
            present = frozenset(e.student_id for e in places if e.attended)
            return cls(activity, present, attendance_taken=True)
        return cls(activity, frozenset(e.student_id for e in places))

    @property
    def hours(self) -> float:
        details = self.activity.details
        length = (moment(details.ends_at) - moment(details.starts_at)).total_seconds() / 3600
        return max(0.0, length) * len(self.students)

    @property
    def month(self) -> datetime:
        details = self.activity.details
        start = moment(details.starts_at).astimezone(zone_of(details.time_zone))
        return start.replace(day=1, hour=12, minute=0, second=0, microsecond=0)


@dataclass
class Figures:
    activities: int = 0
    attendance_taken: int = 0
    """Activities whose participants are the students marked present."""
    participants: int = 0
    hours: float = 0.0
    returning: int = 0
    students: set[str] = field(default_factory=set)
    joins: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, done: Done) -> None:
        self.activities += 1
        self.attendance_taken += int(done.attendance_taken)
        self.participants += len(done.students)
        self.hours += done.hours
        for student in done.students:
            self.joins[student] += 1
        self.students |= done.students
        self.returning = sum(1 for joins in self.joins.values() if joins > 1)


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    figures: Figures
    share: float
    """Participants as a share of the largest row's, for the bars."""


def _rows(groups: dict[str, Figures], order: Callable[[tuple[str, Figures]], Any]) -> list[Row]:
    most = max((f.participants for f in groups.values()), default=0) or 1
    return [Row(label, f, f.participants / most) for label, f in sorted(groups.items(), key=order)]


@dataclass(frozen=True, slots=True)
class Impact:
    total: Figures
    by_cause: list[Row]
    by_sdg: list[Row]
    by_month: list[Row]
    by_section: list[Row]


def impact(done: Iterable[Done], month_label: Callable[[datetime], str]) -> Impact:
    total = Figures()
    causes: dict[str, Figures] = defaultdict(Figures)
    sdgs: dict[str, Figures] = defaultdict(Figures)
    months: dict[str, Figures] = defaultdict(Figures)
    month_keys: dict[str, datetime] = {}
    sections: dict[str, Figures] = defaultdict(Figures)
    for one in done:
        details = one.activity.details
        total.add(one)
        for cause in set(details.causes):
            causes[CAUSE_LABELS.get(cause, str(cause))].add(one)
        for sdg in set(details.sdgs):
            sdgs[f"{sdg:02d}"].add(one)
        label = month_label(one.month)
        month_keys[label] = one.month
        months[label].add(one)
        sections[details.section_id].add(one)
    return Impact(
        total=total,
        by_cause=_rows(causes, lambda item: (-item[1].participants, item[0])),
        by_sdg=_rows(sdgs, lambda item: item[0]),
        by_month=_rows(months, lambda item: month_keys[item[0]]),
        by_section=_rows(sections, lambda item: (-item[1].participants, item[0])),
    )


def _names(name_of: Callable[[Any], str], values: Sequence[int], prefix: str) -> str:
    return "; ".join(
        name_of(v).removeprefix(prefix).replace("_", " ").capitalize() for v in values if v
    )


def csv_export(done: Iterable[Done]) -> str:
    """One row per activity, in activities.esn.org's fields; dates in ISO 8601 at the place."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for one in done:
        details = one.activity.details
        zone = zone_of(details.time_zone)
        location = details.location
        writer.writerow(
            [
                details.title,
                details.section_id,
                "; ".join(details.co_organiser_section_ids),
                _names(cat.ActivityType.Name, [details.type], "ACTIVITY_TYPE_"),
                "; ".join(CAUSE_LABELS.get(c, str(c)) for c in details.causes),
                "; ".join(str(s) for s in details.sdgs),
                _names(cat.Objective.Name, list(details.objectives), "OBJECTIVE_"),
                moment(details.starts_at).astimezone(zone).isoformat(),
                moment(details.ends_at).astimezone(zone).isoformat(),
                location.city,
                location.country_code.upper(),
                "yes" if location.online else "no",
                cat.ActivityState.Name(one.activity.state).removeprefix("ACTIVITY_STATE_").lower(),
                len(one.students),
                f"{one.hours:.1f}",
                "yes" if one.attendance_taken else "no",
                details.goal,
                details.description,
            ]
        )
    return buffer.getvalue()
