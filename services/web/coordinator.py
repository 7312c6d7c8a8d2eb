"""The coordinators' pages: their section's activities, enrolments and attendance, a Week
allocation, and the section's impact.

A coordinator signs in with their own token (ESN Accounts single sign-on has its setting
waiting, ``SE_WEB_COORDINATOR_SIGN_IN``), and every catalogue call is made with it: the
catalogue lets them manage their own section only, attendance included (``MarkAttendance``,
which matching learns from through the catalogue's event). A Week allocation, which the API
lets only platforms run, is made with the app's token and shown for the coordinator's own
section's activities and students.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Final

import grpc
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.client import ClientError, SocialErasmusClient
from services.runtime.auth import Principal, Role
from services.web import activity_form
from services.web.account import set_session
from services.web.context import Viewer, local_path, redirect, viewer
from services.web.impact import Done, csv_export, impact
from services.web.places import section_name
from services.web.sessions import SessionKind
from services.web.views import activity_view, moment
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as match

ALL_STATES: Final = (
    cat.ACTIVITY_STATE_DRAFT,
    cat.ACTIVITY_STATE_PUBLISHED,
    cat.ACTIVITY_STATE_CANCELLED,
    cat.ACTIVITY_STATE_COMPLETED,
)
ATTENDANCE_STATES: Final = (cat.ACTIVITY_STATE_PUBLISHED, cat.ACTIVITY_STATE_COMPLETED)
"""Activities whose attendance the catalogue keeps, once they have started."""
MOST_LISTED: Final = 500
AT_ONCE: Final = 16
ALLOCATION_SECONDS: Final = 600.0
"""A network-wide Week can take minutes to allocate."""
ROLES: Final = (Role.COORDINATOR, Role.OPERATOR)


def _principal(reader: Viewer) -> Principal:
    principal = reader.principal
    if principal is None or principal.role not in ROLES:
        raise HTTPException(403, "role")
    return principal


def _section(reader: Viewer) -> str:
    """The section the pages are about: the coordinator's, or the one an operator picked."""
    principal = _principal(reader)
    if principal.role is Role.COORDINATOR:
        return principal.section_id
    return reader.request.query_params.get("section", "")


def _title(reader: Viewer, section: str, key: str, all_key: str) -> str:
    return reader.t(key, section=section_name(section)) if section else reader.t(all_key)


# --- Signing in -----------------------------------------------------------------------------


async def sign_in_form(request: Request) -> Response:
    reader = await viewer(request)
    return reader.render(
        "coordinator/sign_in.html.j2",
        next=local_path(request.query_params.get("next", ""), ""),
        invalid=False,
    )


async def sign_in(request: Request) -> Response:
    reader = await viewer(request)
    form = await request.form()
    token = str(form.get("token", "")).strip()
    next_path = local_path(str(form.get("next", "")), "/coordinator")
    try:
        principal = reader.app.tokens.authenticate(f"Bearer {token}")
    except Exception:
        principal = None
    if principal is None or principal.role not in ROLES:
        return reader.render(
            "coordinator/sign_in.html.j2", status=401, next=next_path, invalid=True
        )
    response = redirect(next_path if next_path.startswith("/coordinator") else "/coordinator")
    return set_session(response, reader.app, SessionKind.TOKEN, token)


# --- Activities ---------------------------------------------------------------------------


async def _listed(client: SocialErasmusClient, section: str) -> list[cat.Activity]:
    wanted = cat.ActivityFilter(states=ALL_STATES, section_ids=[section] if section else [])
    activities = []
    async for activity in client.iter_activities(wanted):
        activities.append(activity)
        if len(activities) >= MOST_LISTED:
            break
    return activities


async def activities_page(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    activities = await _listed(reader.caller(), section)
    rows = [(a, activity_view(a, reader.t, reader.zone)) for a in reversed(activities)]
    return reader.render(
        "coordinator/activities.html.j2",
        title=_title(reader, section, "coord.activities.title", "coord.activities.all_sections"),
        rows=rows,
        section=section,
    )


def _form_page(
    reader: Viewer, form: activity_form.ActivityForm, activity: cat.Activity | None, status: int
) -> Response:
    return reader.render(
        "coordinator/activity_form.html.j2",
        status=status,
        form=form,
        activity=activity,
        types=activity_form.TYPES,
        objectives=activity_form.OBJECTIVES,
        causes=activity_form.CAUSES,
        section=_section(reader),
    )


async def new_activity(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    form = activity_form.ActivityForm(
        values={"time_zone": "Europe/Madrid", "capacity": "20", "languages": "en"}
    )
    return _form_page(reader, form, None, 200)


async def _posted(reader: Viewer) -> tuple[cat.ActivityDetails, activity_form.ActivityForm]:
    posted = await reader.form()
    values = {k: str(v) for k, v in posted.items() if k not in ("causes", "objectives")}
    lists = {name: [str(x) for x in posted.getlist(name)] for name in ("causes", "objectives")}
    return activity_form.details_of(values, lists, _section(reader))


async def create_activity(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    details, form = await _posted(reader)
    if form.errors:
        return _form_page(reader, form, None, 400)
    try:
        created = await reader.caller().create_activity(details)
    except ClientError as error:
        if error.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        form.add_errors(error.violations)
        return _form_page(reader, form, None, 400)
    return redirect(f"/coordinator/activities/{created.id}", flash="coord.created")


async def _activity(reader: Viewer) -> cat.Activity:
    activity_id = reader.request.path_params["activity_id"]
    try:
        activity = await reader.caller().get_activity(activity_id)
    except ClientError as error:
        if error.code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            raise HTTPException(404, "activity") from error
        raise
    principal = _principal(reader)
    if principal.role is Role.COORDINATOR and activity.details.section_id != principal.section_id:
        raise HTTPException(403, "section")
    return activity


async def edit_activity(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    activity = await _activity(reader)
    return _form_page(reader, activity_form.form_of(activity.details), activity, 200)


async def update_activity(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    activity = await _activity(reader)
    details, form = await _posted(reader)
    details.section_id = activity.details.section_id
    details.co_organiser_section_ids.extend(activity.details.co_organiser_section_ids)
    if form.errors:
        return _form_page(reader, form, activity, 400)
    try:
        await reader.caller().update_activity(activity.id, details, activity.version)
    except ClientError as error:
        if error.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        form.add_errors(error.violations)
        return _form_page(reader, form, activity, 400)
    return redirect(f"/coordinator/activities/{activity.id}", flash="coord.saved")


async def enrolments_of(
    client: SocialErasmusClient, activity_id: str, statuses: tuple[int, ...] = ()
) -> list[cat.Enrolment]:
    enrolments: list[cat.Enrolment] = []
    token = ""
    while True:
        page = await client.list_enrolments(
            activity_id,
            statuses,  # type: ignore[arg-type]
            page_size=100,
            page_token=token,
        )
        enrolments.extend(page.enrolments)
        token = page.next_page_token
        if not token:
            return enrolments


async def activity_page(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    activity = await _activity(reader)
    enrolments = await enrolments_of(reader.caller(), activity.id)
    by_status: dict[int, list[dict[str, object]]] = {1: [], 2: [], 3: []}
    for enrolment in enrolments:
        created = moment(enrolment.created_at)
        marked = enrolment.HasField("attendance_marked_at")
        by_status.setdefault(enrolment.status, []).append(
            {
                "student_id": enrolment.student_id,
                "position": enrolment.waitlist_position,
                "promoted": enrolment.promoted,
                "since": reader.t.moment(created, reader.zone),
                "marked": marked,
                "attended": enrolment.attended,
                "marked_at": reader.t.moment(moment(enrolment.attendance_marked_at), reader.zone)
                if marked
                else "",
            }
        )
    started = moment(activity.details.starts_at) <= reader.now
    return reader.render(
        "coordinator/activity.html.j2",
        activity=activity,
        view=activity_view(activity, reader.t, reader.zone),
        confirmed=by_status[cat.ENROLMENT_STATUS_CONFIRMED],
        waitlist=sorted(
            by_status[cat.ENROLMENT_STATUS_WAITLISTED], key=lambda e: str(e["position"]).zfill(6)
        ),
        cancelled=by_status[cat.ENROLMENT_STATUS_CANCELLED],
        started=started,
        attendance_open=started and activity.state in ATTENDANCE_STATES,
    )


async def life_cycle(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    activity = await _activity(reader)
    form = await reader.form()
    step = request.path_params["step"]
    client = reader.caller()
    if step == "publish":
        await client.publish_activity(activity.id, activity.version)
    elif step == "cancel":
        reason = str(form.get("reason", "")).strip()
        await client.cancel_activity(activity.id, reason)
    elif step == "complete":
        await client.complete_activity(activity.id)
    else:
        raise HTTPException(404, "step")
    flash = {"publish": "published", "cancel": "cancelled", "complete": "completed"}[step]
    return redirect(f"/coordinator/activities/{activity.id}", flash=f"coord.{flash}")


async def attendance(request: Request) -> Response:
    """The attendance sheet: each confirmed student ticked is marked present, the others
    absent, in the catalogue and with the coordinator's own token (marks already so are left
    as they are)."""
    reader = await viewer(request, coordinator=True)
    activity = await _activity(reader)
    form = await reader.form()
    ticked = {str(s) for s in form.getlist("attended")}
    client = reader.caller()
    confirmed = await enrolments_of(client, activity.id, (cat.ENROLMENT_STATUS_CONFIRMED,))
    limit = asyncio.Semaphore(AT_ONCE)

    async def mark(student_id: str) -> None:
        async with limit:
            await client.mark_attendance(activity.id, student_id, student_id in ticked)

    await asyncio.gather(*(mark(e.student_id) for e in confirmed))
    present = sum(1 for e in confirmed if e.student_id in ticked)
    return redirect(f"/coordinator/activities/{activity.id}", flash="coord.attended", n=present)


# --- SocialErasmus Week ---------------------------------------------------------------------


async def _hosted(client: SocialErasmusClient, student_ids: list[str], section: str) -> set[str]:
    """Which of the students the section hosts (their profiles say)."""
    limit = asyncio.Semaphore(AT_ONCE)

    async def host(student_id: str) -> str:
        async with limit:
            try:
                return (await client.get_profile(student_id)).host_section_id
            except ClientError:
                return ""

    hosts = await asyncio.gather(*(host(s) for s in student_ids))
    return {s for s, h in zip(student_ids, hosts, strict=True) if not section or h == section}


async def week_page(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    activities = await _listed(reader.caller(), section)
    editions = sorted({a.details.week_edition for a in activities if a.details.week_edition})
    return reader.render(
        "coordinator/week.html.j2",
        editions=editions,
        result=None,
        edition=editions[-1:] or [""],
        section=section,
    )


async def run_week(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    form = await reader.form()
    edition = str(form.get("edition", "")).strip()
    places = str(form.get("places", "1"))
    client = reader.app.client.with_options(deadline_seconds=ALLOCATION_SECONDS)
    try:
        reply = await client.allocate_week(edition, int(places) if places.isdigit() else 1)
    except ClientError as error:
        if error.code not in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.RESOURCE_EXHAUSTED):
            raise
        return reader.render(
            "coordinator/week.html.j2",
            status=400,
            editions=[edition],
            result=None,
            edition=[edition],
            section=section,
            error=error.message,
        )
    assignments: list[match.Assignment] = []
    unplaced: list[match.UnplacedStudent] = []
    token = ""
    while True:  # the stored allocation, from its start: assignments, then the unplaced
        page = await reader.app.client.list_allocation(reply.allocation_id, page_token=token)
        assignments.extend(page.assignments)
        unplaced.extend(page.unplaced_students)
        token = page.next_page_token
        if not token:
            break
    ours = {a.id: a for a in await _listed(reader.caller(), section)}
    placed = [
        {"student_id": a.student_id, "activity": ours[a.activity_id], "fit": a.fit}
        for a in assignments
        if a.activity_id in ours
    ]
    hosted = await _hosted(reader.app.client, [u.student_id for u in unplaced], section)
    return reader.render(
        "coordinator/week.html.j2",
        editions=[edition],
        edition=[edition],
        section=section,
        result=reply,
        placed=placed,
        unplaced=[u for u in unplaced if u.student_id in hosted],
    )


async def enrol_placed(request: Request) -> Response:
    """Enrol the students the allocation placed in this section's activities (the
    coordinator's own token: the catalogue checks the section)."""
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    form = await reader.form()
    allocation_id = str(form.get("allocation_id", ""))
    ours = {a.id for a in await _listed(reader.caller(), section)}
    enrolled = 0
    token = ""
    while True:
        page = await reader.app.client.list_allocation(allocation_id, page_token=token)
        for assignment in page.assignments:
            if assignment.activity_id in ours:
                reply = await reader.caller().enrol(assignment.activity_id, assignment.student_id)
                enrolled += int(reply.created)
        token = page.next_page_token
        if not token:
            break
    return redirect("/coordinator/week", flash="coord.enrolled", n=enrolled)


# --- Impact ------------------------------------------------------------------------------


async def _done(reader: Viewer, section: str) -> list[Done]:
    client = reader.caller()
    wanted = cat.ActivityFilter(
        states=(cat.ACTIVITY_STATE_PUBLISHED, cat.ACTIVITY_STATE_COMPLETED),
        section_ids=[section] if section else [],
    )
    activities = [a async for a in client.iter_activities(wanted)][:MOST_LISTED]
    limit = asyncio.Semaphore(AT_ONCE)

    async def one(activity: cat.Activity) -> Done:
        async with limit:
            confirmed = await enrolments_of(client, activity.id, (cat.ENROLMENT_STATUS_CONFIRMED,))
        return Done.of(activity, confirmed)

    return list(await asyncio.gather(*(one(a) for a in activities)))


async def impact_page(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    done = await _done(reader, section)
    figures = impact(done, reader.t.month)
    return reader.render(
        "coordinator/impact.html.j2",
        title=_title(reader, section, "coord.impact.title", "coord.impact.all"),
        impact=figures,
        section=section,
        operator=_principal(reader).role is Role.OPERATOR,
    )


async def impact_csv(request: Request) -> Response:
    reader = await viewer(request, coordinator=True)
    section = _section(reader)
    done = await _done(reader, section)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    name = f"socialerasmus-impact-{section or 'all-sections'}-{stamp}.csv"
    return Response(
        csv_export(done),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def start(_: Request) -> Response:
    return redirect("/coordinator/activities")


ROUTES = [
    Route("/coordinator", start),
    Route("/coordinator/sign-in", sign_in_form),
    Route("/coordinator/sign-in", sign_in, methods=["POST"]),
    Route("/coordinator/activities", activities_page),
    Route("/coordinator/activities/new", new_activity),
    Route("/coordinator/activities/new", create_activity, methods=["POST"]),
    Route("/coordinator/activities/{activity_id}", activity_page),
    Route("/coordinator/activities/{activity_id}/edit", edit_activity),
    Route("/coordinator/activities/{activity_id}/edit", update_activity, methods=["POST"]),
    Route("/coordinator/activities/{activity_id}/attendance", attendance, methods=["POST"]),
    Route("/coordinator/activities/{activity_id}/{step}", life_cycle, methods=["POST"]),
    Route("/coordinator/week", week_page),
    Route("/coordinator/week", run_week, methods=["POST"]),
    Route("/coordinator/week/enrol", enrol_placed, methods=["POST"]),
    Route("/coordinator/impact", impact_page),
    Route("/coordinator/impact.csv", impact_csv),
]
