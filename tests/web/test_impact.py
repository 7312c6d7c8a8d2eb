"""The impact figures and their CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from services.web.activity_form import details_of, form_of
from services.web.impact import CSV_FIELDS, Done, csv_export, impact
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat


def activity(activity_id: str, causes: list[int], sdgs: list[int], start: datetime) -> cat.Activity:
    made = cat.Activity(id=activity_id, state=cat.ACTIVITY_STATE_COMPLETED)
    made.details.title = f"Activity {activity_id}"
    made.details.section_id = "esn-valencia-upv"
    made.details.causes.extend(causes)  # type: ignore[arg-type]
    made.details.sdgs.extend(sdgs)
    made.details.time_zone = "Europe/Madrid"
    made.details.starts_at.FromDatetime(start)
    made.details.ends_at.FromDatetime(start + timedelta(hours=2))
    return made


def test_participants_hours_and_returning_volunteers_by_cause_sdg_and_month() -> None:
    march = datetime(2027, 3, 10, 9, tzinfo=UTC)
    done = [
        Done(activity("a", [3], [13, 14], march), frozenset({"ana", "ben"})),
        Done(activity("b", [3, 6], [13], march + timedelta(days=30)), frozenset({"ana"})),
    ]
    figures = impact(done, lambda month: month.strftime("%Y-%m"))
    assert (figures.total.activities, figures.total.participants) == (2, 3)
    assert figures.total.hours == 6.0
    assert figures.total.returning == 1  # ana joined both
    causes = {row.label: row.figures.participants for row in figures.by_cause}
    assert causes == {"Environmental Sustainability": 3, "Social Inclusion": 1}
    assert [row.label for row in figures.by_sdg] == ["13", "14"]
    assert [row.label for row in figures.by_month] == ["2027-03", "2027-04"]
    rows = list(csv.reader(io.StringIO(csv_export(done))))
    assert tuple(rows[0]) == CSV_FIELDS
    assert rows[1][CSV_FIELDS.index("Participants")] == "2"
    assert rows[1][CSV_FIELDS.index("Start")] == "2027-03-10T10:00:00+01:00"


def place(student: str, attended: bool | None) -> cat.Enrolment:
    """A confirmed enrolment, marked present (True), absent (False) or not marked (None)."""
    made = cat.Enrolment(student_id=student, status=cat.ENROLMENT_STATUS_CONFIRMED)
    if attended is not None:
        made.attended = attended
        made.attendance_marked_at.FromDatetime(datetime(2027, 3, 10, 12, tzinfo=UTC))
    return made


def test_participants_are_those_marked_present_once_attendance_is_taken() -> None:
    march = datetime(2027, 3, 10, 9, tzinfo=UTC)
    taken = Done.of(
        activity("a", [3], [13], march),
        [place("ana", True), place("ben", False), place("eva", None)],
    )
    assert (taken.students, taken.attendance_taken) == (frozenset({"ana"}), True)
    untaken = Done.of(activity("b", [3], [13], march), [place("ana", None), place("ben", None)])
    assert (untaken.students, untaken.attendance_taken) == (frozenset({"ana", "ben"}), False)
    figures = impact([taken, untaken], lambda month: month.strftime("%Y-%m"))
    assert (figures.total.participants, figures.total.returning) == (3, 1)
    assert figures.total.attendance_taken == 1
    assert figures.total.hours == 6.0
    rows = list(csv.DictReader(io.StringIO(csv_export([taken, untaken]))))
    assert [(r["Participants"], r["Attendance taken"]) for r in rows] == [("1", "yes"), ("2", "no")]


def test_the_activity_form_reads_back_what_it_shows() -> None:
    original = activity("a", [3], [13], datetime(2027, 3, 10, 9, tzinfo=UTC)).details
    original.languages.extend(["en", "es"])
    original.capacity = 12
    shown = form_of(original)
    assert shown.value("starts_at") == "2027-03-10T10:00"  # at the place, Madrid
    details, form = details_of(shown.values, shown.lists, "esn-valencia-upv")
    assert form.errors == {}
    assert details.starts_at == original.starts_at
    assert list(details.languages) == ["en", "es"] and details.capacity == 12
    _, bad = details_of({**shown.values, "time_zone": "Mars/Base", "sdgs": "13, x"}, {}, "s")
    assert (
        set(bad.errors) == {"time_zone", "starts_at", "ends_at", "sdgs"} - {"starts_at", "ends_at"}
        or "time_zone" in bad.errors
    )
