"""Activities in the student's calendar: one ``.ics`` per activity, and a personal feed.

The feed's address carries a token naming the student (signed, never expiring: a calendar
app keeps the address it was given), so calendar apps fetch it without a session. It lists
the student's confirmed and waitlisted activities, cancelled ones as ``STATUS:CANCELLED``
(so calendars strike them), each with the activity's version as ``SEQUENCE``: a change shows
at the next refresh.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.client import ClientError
from services.kernel.ics import CONTENT_TYPE, CalendarEvent, calendar
from services.web.context import App, app_of
from services.web.enrolments import places_of
from services.web.i18n import Translator
from services.web.places import section_name
from services.web.sessions import read_calendar_token
from services.web.views import moment
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat


def calendar_event(activity: cat.Activity, public_url: str) -> CalendarEvent:
    details = activity.details
    location = details.location
    place = ", ".join(p for p in (location.venue, location.city) if p.strip())
    return CalendarEvent(
        activity_id=activity.id,
        title=details.title,
        starts_at=moment(details.starts_at),
        ends_at=moment(details.ends_at),
        description=details.description,
        location="Online" if location.online else place,
        url=f"{public_url}/activities/{activity.id}",
        organiser=section_name(details.section_id),
        cancelled=activity.state == cat.ACTIVITY_STATE_CANCELLED,
        sequence=int(activity.version),
        updated_at=moment(activity.updated_at) if activity.HasField("updated_at") else None,
    )


def ics_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )


async def activity_ics(request: Request) -> Response:
    app = app_of(request)
    try:
        activity = await app.client.get_activity(request.path_params["activity_id"])
    except ClientError as error:
        if error.unreachable:
            raise
        raise HTTPException(404, "activity") from error
    if activity.state == cat.ACTIVITY_STATE_DRAFT:
        raise HTTPException(404, "activity")
    event = calendar_event(activity, app.settings.public_url)
    data = calendar([event], name=activity.details.title, now=app.clock())
    return ics_response(data, f"socialerasmus-{activity.id}.ics")


async def feed(request: Request) -> Response:
    app: App = app_of(request)
    student_id = read_calendar_token(app.settings.secret, request.path_params["token"], app.clock())
    if student_id is None:
        raise HTTPException(404, "calendar")
    preferences = await app.client.get_preferences(student_id)
    places = await places_of(app.client, student_id)
    events = [calendar_event(p.activity, app.settings.public_url) for p in places]
    name = Translator(preferences.locale)("calendar.name")
    return ics_response(calendar(events, name=name, now=app.clock()), "socialerasmus.ics")


ROUTES = [
    Route("/activities/{activity_id}/calendar.ics", activity_ics),
    Route("/calendar/{token}.ics", feed),
]
