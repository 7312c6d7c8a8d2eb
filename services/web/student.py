"""The student's pages: suggestions, an activity, enrolling and cancelling, my activities."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.client import ClientError
from services.web.context import Viewer, redirect, refusal, viewer
from services.web.enrolments import enrolment_of, places_of
from services.web.sessions import calendar_token
from services.web.views import (
    ActivityView,
    EnrolmentView,
    activity_view,
    enrolment_view,
    explain,
)
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as match

SUGGESTIONS = 10


@dataclass(frozen=True, slots=True)
class Row:
    activity: ActivityView
    enrolment: EnrolmentView


async def home(request: Request) -> Response:
    reader = await viewer(request)
    if reader.student_id:
        return RedirectResponse("/suggestions", status_code=303)
    return RedirectResponse("/sign-in", status_code=303)


async def suggestions(request: Request) -> Response:
    reader = await viewer(request, student=True)
    if reader.profile is None:
        return reader.render("suggestions.html.j2", cards=[], diversified=False, no_profile=True)
    try:
        reply = await reader.app.client.recommend(
            reader.student_id, k=SUGGESTIONS, filter=match.RecommendFilter(accept_waitlist=True)
        )
    except ClientError as error:
        if error.code != grpc.StatusCode.NOT_FOUND:
            raise
        reply = []
    cards = [
        {"activity": activity_view(r.activity, reader.t, reader.zone), "why": explain(r, reader.t)}
        for r in reply
    ]
    diversified = any(r.relevance_rank != i for i, r in enumerate(reply, 1))
    return reader.render(
        "suggestions.html.j2", cards=cards, diversified=diversified, no_profile=False
    )


async def _activity(reader: Viewer, activity_id: str) -> cat.Activity:
    try:
        return await reader.app.client.get_activity(activity_id)
    except ClientError as error:
        if error.code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
            raise HTTPException(404, "activity") from error
        raise


async def activity_page(request: Request) -> Response:
    reader = await viewer(request)
    activity = await _activity(reader, request.path_params["activity_id"])
    if activity.state == cat.ACTIVITY_STATE_DRAFT:  # visible to the app, not to students
        raise HTTPException(404, "activity")
    enrolment = None
    if reader.student_id:
        held = await enrolment_of(reader.app.client, activity.id, reader.student_id)
        enrolment = None if held is None else enrolment_view(held, activity, reader.t)
    return reader.render(
        "activity.html.j2",
        activity=activity_view(activity, reader.t, reader.zone),
        enrolment=enrolment,
    )


async def enrol(request: Request) -> Response:
    reader = await viewer(request, student=True)
    await reader.form()
    activity_id = request.path_params["activity_id"]
    page = f"/activities/{activity_id}"
    try:
        reply = await reader.app.client.enrol(activity_id, reader.student_id)
    except ClientError as error:
        if error.unreachable or error.timed_out:
            raise
        return await _refused(reader, activity_id, error)
    await _feedback(reader, activity_id, match.FEEDBACK_KIND_ENROLLED)
    if not reply.created:
        return redirect(page, flash="already")
    if reply.enrolment.status == cat.ENROLMENT_STATUS_WAITLISTED:
        return redirect(page, flash="waitlisted", n=reply.enrolment.waitlist_position)
    return redirect(page, flash="confirmed")


async def cancel(request: Request) -> Response:
    reader = await viewer(request, student=True)
    await reader.form()
    activity_id = request.path_params["activity_id"]
    try:
        await reader.app.client.cancel_enrolment(activity_id, reader.student_id)
    except ClientError as error:
        if error.unreachable or error.timed_out:
            raise
        return await _refused(reader, activity_id, error)
    back = request.query_params.get("back", "")
    return redirect(
        "/my-activities" if back == "mine" else f"/activities/{activity_id}", flash="cancelled"
    )


async def _refused(reader: Viewer, activity_id: str, error: ClientError) -> Response:
    activity = await _activity(reader, activity_id)
    return reader.render(
        "activity.html.j2",
        status=409 if error.code == grpc.StatusCode.FAILED_PRECONDITION else 400,
        activity=activity_view(activity, reader.t, reader.zone),
        enrolment=None,
        refused=reader.t("flash.refused", reason=refusal(error, reader.t)),
    )


async def _feedback(reader: Viewer, activity_id: str, kind: match.FeedbackKind.ValueType) -> None:
    """Tell matching what the student did (it learns from joins); never fails the page."""
    feedback = match.Feedback(student_id=reader.student_id, activity_id=activity_id, kind=kind)
    feedback.occurred_at.FromDatetime(datetime.now(UTC))
    with contextlib.suppress(ClientError):
        await reader.app.client.record_feedback(feedback)


async def my_activities(request: Request) -> Response:
    reader = await viewer(request, student=True)
    places = await places_of(reader.app.client, reader.student_id)
    rows = [
        Row(
            activity_view(p.activity, reader.t, reader.zone),
            enrolment_view(p.enrolment, p.activity, reader.t),
        )
        for p in places
    ]
    upcoming = [r for r in rows if r.activity.ends_at >= reader.now]
    past = [r for r in rows if r.activity.ends_at < reader.now]
    token = calendar_token(reader.app.settings.secret, reader.student_id)
    feed = f"{reader.app.settings.public_url}/calendar/{token}.ics"
    return reader.render(
        "my_activities.html.j2",
        upcoming=upcoming,
        past=list(reversed(past)),
        feed_url=feed,
        webcal_url="webcal://" + feed.split("://", 1)[1],
    )


ROUTES = [
    Route("/", home),
    Route("/suggestions", suggestions),
    Route("/activities/{activity_id}", activity_page),
    Route("/activities/{activity_id}/enrol", enrol, methods=["POST"]),
    Route("/activities/{activity_id}/cancel", cancel, methods=["POST"]),
    Route("/my-activities", my_activities),
]
