"""Rich renderings of the services' messages, for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from google.protobuf.descriptor import EnumDescriptor
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Group
from rich.table import Table
from rich.text import Text

from services.client import ServiceHealth
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as match
from socialerasmus.notify.v1 import notify_pb2 as notify

if TYPE_CHECKING:  # numpy and scikit-learn load only for the evaluate command
    from services.matching.evaluation import Evaluation

_STATE = cat.DESCRIPTOR.enum_types_by_name["ActivityState"]
_TYPE = cat.DESCRIPTOR.enum_types_by_name["ActivityType"]
_ENROLMENT = cat.DESCRIPTOR.enum_types_by_name["EnrolmentStatus"]
_CAUSE = common.DESCRIPTOR.enum_types_by_name["Cause"]
_LEVEL = match.DESCRIPTOR.enum_types_by_name["LanguageLevel"]
_WEEKDAY = match.DESCRIPTOR.enum_types_by_name["Weekday"]


def label(enum: EnumDescriptor, number: int) -> str:
    """``Environmental sustainability`` for CAUSE_ENVIRONMENTAL_SUSTAINABILITY."""
    value = enum.values_by_number.get(number)
    if value is None:
        return str(number)
    prefix = enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
    return value.name.removeprefix(prefix).replace("_", " ").capitalize()


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def when(moment: Timestamp, time_zone: str = "") -> str:
    """``Sat 12 Jun 2027 10:00`` in ``time_zone`` (UTC when empty), or ``-`` when unset."""
    if not moment.seconds and not moment.nanos:
        return "-"
    zone = _zone(time_zone)
    local = moment.ToDatetime(tzinfo=UTC).astimezone(zone)
    suffix = "" if time_zone else " UTC"
    return f"{local:%a %d %b %Y %H:%M}{suffix}"


def where(location: common.Location) -> str:
    if location.online:
        return "online"
    place = location.city or location.venue or "?"
    return f"{place}, {location.country_code.upper()}" if location.country_code else place


def seats(activity: cat.Activity) -> str:
    text = f"{activity.seats_left}/{activity.details.capacity}"
    if activity.waitlist_length:
        text += f" (+{activity.waitlist_length} waiting)"
    return text


def causes(numbers: Iterable[int]) -> str:
    return ", ".join(label(_CAUSE, n) for n in numbers)


ID_WIDTH = 26
"""Characters of an activity id (a ULID): id columns never narrow below it, so an id stays on
one line, whole, to be copied, however narrow the terminal."""


def _add_id_column(table: Table, header: str) -> None:
    table.add_column(header, no_wrap=True, min_width=ID_WIDTH)


def activities_table(activities: Sequence[cat.Activity], title: str = "Activities") -> Table:
    table = Table(title=f"{title} ({len(activities)})", title_justify="left")
    _add_id_column(table, "ID")
    for column in ("Title", "Section", "Where", "Starts (local)", "Seats", "State"):
        table.add_column(column, overflow="fold")
    for activity in activities:
        details = activity.details
        table.add_row(
            activity.id,
            details.title,
            details.section_id,
            where(details.location),
            when(details.starts_at, details.time_zone),
            seats(activity),
            label(_STATE, activity.state),
        )
    return table


def _fields(rows: Iterable[tuple[str, str]], title: str = "") -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.title = title or None
    grid.title_justify = "left"
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for name, value in rows:
        if value:
            grid.add_row(name, value)
    return grid


def activity_view(activity: cat.Activity) -> Table:
    d = activity.details
    rows = [
        ("ID", activity.id),
        ("Title", d.title),
        ("State", f"{label(_STATE, activity.state)} (version {activity.version})"),
        ("Type", label(_TYPE, d.type)),
        ("Section", ", ".join([d.section_id, *d.co_organiser_section_ids])),
        ("Starts", f"{when(d.starts_at, d.time_zone)} ({d.time_zone})"),
        ("Ends", when(d.ends_at, d.time_zone)),
        ("Where", ", ".join(filter(None, [d.location.venue, where(d.location)]))),
        ("Seats left", seats(activity)),
        ("Causes", causes(d.causes)),
        ("SDGs", ", ".join(str(n) for n in d.sdgs)),
        ("Languages", ", ".join(d.languages)),
        ("Skills wanted", ", ".join(d.skills_wanted)),
        ("Week edition", d.week_edition),
        ("Goal", d.goal),
        ("Description", d.description),
        ("Accessibility", d.accessibility_notes),
        ("Cancelled because", activity.cancellation_reason),
    ]
    return _fields(rows)


def enrolment_line(enrolment: cat.Enrolment, created: bool = True) -> str:
    status = label(_ENROLMENT, enrolment.status).upper()
    line = f"{enrolment.student_id}: {status} for activity {enrolment.activity_id}"
    if enrolment.status == cat.ENROLMENT_STATUS_WAITLISTED:
        line += f", place {enrolment.waitlist_position} on the waitlist"
    if not created:
        line += " (already enrolled)"
    return line


def recommendations_table(student_id: str, found: Sequence[match.Recommendation]) -> Table:
    table = Table(
        title=f"Recommendations for {student_id} ({len(found)})",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("#", justify="right")
    table.add_column("Activity", overflow="fold", ratio=3, min_width=ID_WIDTH)
    table.add_column("Score", justify="right")
    table.add_column("When and where", overflow="fold", ratio=2)
    table.add_column("Why", overflow="fold", ratio=4)
    for rank, item in enumerate(found, start=1):
        d = item.activity.details
        activity = Text.assemble(d.title, "\n", (item.activity.id, "dim"))
        place = f"{when(d.starts_at, d.time_zone)}\n{where(d.location)}"
        shares = " · ".join(
            f"{r.signal} {r.contribution:.0%}" for r in item.reasons if r.contribution >= 0.005
        )  # a share that rounds to 0% says nothing
        why = Text.assemble(item.explanation or "-", "\n", (shares, "dim"))
        position = Text(str(rank))
        if item.relevance_rank and item.relevance_rank != rank:  # moved for diversity
            position.append(f"\n#{item.relevance_rank} by score", "dim")
        table.add_row(position, activity, f"{item.score:.2f}", place, why)
    if is_diversified(found):
        table.caption = "Reordered so that ESN causes vary (#n by score: rank by score alone)."
    return table


def is_diversified(found: Sequence[match.Recommendation]) -> bool:
    """``RecommendResponse.diversified`` from the recommendations alone: some activity is
    not at its rank by score."""
    return any(item.relevance_rank != rank for rank, item in enumerate(found, start=1))


def profile_view(profile: match.VolunteerProfile) -> Table:
    languages = ", ".join(f"{s.code} {label(_LEVEL, s.level)}" for s in profile.languages)
    interests = ", ".join(f"{label(_CAUSE, i.cause)} {i.weight:g}" for i in profile.interests)
    slots = ", ".join(
        f"{label(_WEEKDAY, s.weekday)} {s.start_minute // 60:02d}:{s.start_minute % 60:02d}"
        f"-{s.end_minute // 60:02d}:{s.end_minute % 60:02d}"
        for s in profile.weekly_availability
    )
    distance = profile.max_distance_km
    rows = [
        ("Student", profile.student_id),
        ("Host section", profile.host_section_id),
        ("Home country", profile.home_country_code.upper()),
        ("Languages", languages),
        ("Interests", interests),
        ("Skills", ", ".join(profile.skills)),
        ("Motivation", profile.motivation),
        ("Stay", f"{when(profile.arrival)} to {when(profile.departure)}"),
        ("Available", slots or "any time"),
        ("Travels up to", f"{distance:g} km" if distance else "online only"),
        ("Time zone", profile.time_zone),
        ("Suggestions", "by notification" if profile.suggestions_opt_in else "only on request"),
        ("Week editions", ", ".join(profile.week_editions)),
        ("Updated", when(profile.updated_at)),
    ]
    return _fields(rows)


def inbox_table(student_id: str, items: Sequence[notify.InboxItem], time_zone: str = "") -> Table:
    """Dates on the student's clock (``time_zone``), or in UTC."""
    table = Table(title=f"Inbox of {student_id} ({len(items)})", title_justify="left")
    for column in (f"When ({time_zone})" if time_zone else "When", "Kind", "Subject"):
        table.add_column(column, overflow="fold")
    _add_id_column(table, "Activity")
    table.add_column("")
    for item in items:
        table.add_row(
            when(item.created_at, time_zone),
            item.kind,
            item.subject,
            item.activity_id,
            "" if item.read else Text("new", style="bold"),
        )
    return table


def deliveries_table(student_id: str, deliveries: Sequence[notify.Delivery]) -> Table:
    table = Table(title=f"Deliveries to {student_id} ({len(deliveries)})", title_justify="left")
    columns = ("Updated", "Kind", "Channel", "Status", "Due", "Attempts", "Reason", "Message")
    for column in columns:
        table.add_column(column, overflow="fold")
    for delivery in deliveries:
        status = notify.DeliveryStatus.Name(delivery.status).removeprefix("DELIVERY_STATUS_")
        table.add_row(
            when(delivery.updated_at),
            delivery.kind,
            delivery.channel or "-",
            status.lower(),
            when(delivery.due_at) if delivery.HasField("due_at") else "",
            str(delivery.attempts),
            delivery.reason,
            delivery.message_id,
        )
    return table


def allocation_view(reply: match.AllocateWeekResponse, week_edition: str) -> Table:
    optimal = "proven optimal" if reply.proven_optimal else "not proven optimal"
    rows = [
        ("Allocation", reply.allocation_id),
        ("Week edition", week_edition),
        ("Students placed", f"{reply.students_placed} of {reply.students_total}"),
        ("Places assigned", str(len(reply.assignments))),
        ("Total fit", f"{reply.objective:.3f}"),
        ("Optimality gap", f"{reply.optimality_gap:.2%} ({optimal})"),
        ("Solved in", f"{reply.solve_seconds:.2f} s"),
    ]
    rows += [
        (f"Unplaced: {_UNPLACED_REASONS.get(count.reason, 'other')}", str(count.students))
        for count in reply.unplaced
        if count.students
    ]
    return _fields(rows, title="SocialErasmus Week allocation")


_UNPLACED_REASONS = {
    match.UNPLACED_REASON_NO_CANDIDATE_IN_REACH: "no activity in reach",
    match.UNPLACED_REASON_CLASHES: "clashes with their time",
    match.UNPLACED_REASON_CAPACITY: "activities full",
}


def _heaviest_first(weights: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(weights.items(), key=lambda item: (-item[1], item[0]))


def model_state_view(state: match.ModelState) -> Table:
    fitted = state.fitted_at.ToDatetime().strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = [
        ("Version", f"{state.version}" + (" (cold start)" if state.version == 0 else "")),
        ("Fitted at", fitted if state.HasField("fitted_at") else "never: no feedback yet"),
        ("Feedback rows", f"{state.feedback_rows:,}"),
        ("Examples", f"{state.examples:,}"),
        ("Weights", ", ".join(f"{n} {w:.3f}" for n, w in _heaviest_first(state.weights) if w > 0)),
    ]
    if state.HasField("validation"):
        validation = state.validation
        outcome = "adopted" if validation.adopted else "kept the weights in use"
        rows += [
            ("Weights chosen", f"{validation.chosen} ({outcome})"),
            (
                "Held-back hit rate@10",
                f"{validation.candidates[validation.chosen]:.3f} chosen, "
                f"{validation.candidates.get('cold_start', 0.0):.3f} cold start, "
                f"{validation.held_back:,} students",
            ),
        ]
    if state.HasField("collaborative"):
        collaborative = state.collaborative
        rows += [
            ("Similar students", collaborative.settings),
            (
                "Its held-back hit rate@10",
                f"{collaborative.hit_rate:.3f}"
                f" (popularity {collaborative.popularity_hit_rate:.3f})",
            ),
        ]
    rows.append(("Refit took", f"{state.refit_seconds:.2f} s"))
    return _fields(rows, title="Ranking model")


def assignments_table(assignments: Sequence[match.Assignment]) -> Table:
    table = Table(title="Proposed places", title_justify="left")
    table.add_column("Student", overflow="fold")
    _add_id_column(table, "Activity")
    table.add_column("Fit", justify="right")
    for assignment in sorted(assignments, key=lambda a: (a.student_id, -a.fit)):
        table.add_row(assignment.student_id, assignment.activity_id, f"{assignment.fit:.3f}")
    return table


def health_table(report: Sequence[ServiceHealth]) -> Table:
    table = Table(title="Services", title_justify="left")
    for column in ("Service", "Address", "Status", "Detail"):
        table.add_column(column, overflow="fold")
    for item in report:
        style = "green" if item.serving else "red"
        # gRPC's details end with the cause ("...: Connection refused"); that part is enough.
        detail = item.detail.rpartition(": ")[2]
        table.add_row(item.service, item.address, Text(item.status, style=style), detail)
    return table


def evaluation_view(result: Evaluation) -> Group:
    k = result.k
    table = Table(title=f"Offline evaluation at k={k}", title_justify="left")
    table.add_column("Method")
    for column in (f"P@{k}", f"R@{k}", f"NDCG@{k}", "Coverage", f"Causes@{k}", "AUC (shown)"):
        table.add_column(column, justify="right")
    for m in result.methods:
        auc = "-" if m.shown_auc is None else f"{m.shown_auc:.4f}"
        table.add_row(
            m.name,
            f"{m.precision:.4f}",
            f"{m.recall:.4f}",
            f"{m.ndcg:.4f}",
            f"{m.coverage:.3f}",
            f"{m.cause_diversity:.2f}",
            auc,
        )
    return Group(Text(result.summary()), Text(""), table)
