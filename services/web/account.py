"""Signing in and out, the language menu, notification settings and unsubscribing."""

from __future__ import annotations

import logging
from typing import Final
from urllib.parse import urlencode

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.client import ClientError
from services.web import sessions
from services.web.context import App, Viewer, app_of, local_path, redirect, refusal, viewer
from services.web.i18n import SUPPORTED_LOCALES, resolve_locale
from services.web.sessions import SessionKind
from socialerasmus.notify.v1 import notify_pb2 as notify

log = logging.getLogger(__name__)

SIGN_IN_MAX_CHARS: Final = 254
"""The longest e-mail address (or student id) the sign-in form takes."""
CAUSES: Final = tuple(range(1, 7))
MINUTES_PER_DAY: Final = 1440


def set_session(response: Response, app: App, kind: SessionKind, value: str) -> Response:
    response.set_cookie(
        sessions.COOKIE,
        sessions.session_cookie(app.settings.secret, kind, value, app.clock()),
        max_age=sessions.max_age_seconds(kind, app.settings.session_days),
        httponly=True,
        samesite="lax",
        secure=app.settings.secure_cookies,
        path="/",
    )
    return response


def _sign_in_page(
    reader: Viewer, next_path: str, *, status: int = 200, problem: str = "", **notes: bool
) -> Response:
    return reader.render(
        "sign_in.html.j2",
        status=status,
        next=next_path,
        invalid=notes.get("invalid", False),
        used=notes.get("used", False),
        required=notes.get("required", False),
        problem=problem,
    )


async def sign_in_form(request: Request) -> Response:
    reader = await viewer(request)
    query = request.query_params
    return _sign_in_page(
        reader,
        local_path(query.get("next", ""), ""),
        invalid=query.get("invalid") == "1",
        used=query.get("used") == "1",
        required=bool(query.get("next")),
    )


async def sign_in(request: Request) -> Response:
    """Ask notify to mail a link to the student of an address (or an id). The page says the
    same whether or not anyone has it: notify tells nobody, the app included."""
    reader = await viewer(request)
    form = await request.form()
    who = str(form.get("who", "")).strip()[:SIGN_IN_MAX_CHARS]
    next_path = local_path(str(form.get("next", "")), "")
    if not who:
        return _sign_in_page(reader, next_path, status=400, problem=reader.t("sign_in.missing_id"))
    by_address = "@" in who
    try:
        minutes = await reader.app.client.send_sign_in_link(
            email=who if by_address else "",
            student_id="" if by_address else who,
            return_path=next_path,
        )
    except ClientError as error:
        if error.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        key = "sign_in.bad_address" if by_address else "sign_in.bad_id"
        return _sign_in_page(reader, next_path, status=400, problem=reader.t(key))
    return reader.render("sign_in_sent.html.j2", minutes=minutes)


async def follow_link(request: Request) -> Response:
    """A mailed link: notify says whom it signs in, once (a second use is refused, and the
    page offers a new link). A HEAD request, as link checkers send, uses nothing up."""
    if request.method == "HEAD":
        return Response(status_code=200)
    app = app_of(request)
    next_path = local_path(request.query_params.get("next", ""), "/suggestions")
    try:
        student_id = await app.client.redeem_sign_in_link(request.query_params.get("token", ""))
    except ClientError as error:
        if error.code == grpc.StatusCode.FAILED_PRECONDITION:
            problem = "used"
        elif error.code == grpc.StatusCode.INVALID_ARGUMENT:
            problem = "invalid"
        else:
            raise
        return RedirectResponse(
            f"/sign-in?{urlencode({problem: '1', 'next': next_path})}", status_code=303
        )
    log.info("student signed in")
    return set_session(
        RedirectResponse(next_path, status_code=303), app, SessionKind.STUDENT, student_id
    )


async def sign_out(request: Request) -> Response:
    reader = await viewer(request)
    if reader.session is not None:
        await reader.form()
    coordinator = reader.session is not None and reader.session.kind is SessionKind.TOKEN
    response = redirect("/coordinator/sign-in" if coordinator else "/sign-in", flash="signed_out")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


async def language(request: Request) -> Response:
    chosen = resolve_locale(request.query_params.get("lang", ""))
    response = RedirectResponse(local_path(request.query_params.get("next", "")), status_code=303)
    if chosen is not None:
        response.set_cookie(
            sessions.LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 86400,
            samesite="lax",
            secure=app_of(request).settings.secure_cookies,
            path="/",
        )
    return response


# --- Notification settings ----------------------------------------------------------------


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit()):
        return 0
    return min(int(hours) * 60 + int(minutes), MINUTES_PER_DAY - 1)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _settings_page(
    reader: Viewer, preferences: notify.Preferences, error: str = "", status: int = 200
) -> Response:
    return reader.render(
        "preferences.html.j2",
        status=status,
        prefs=preferences,
        causes=CAUSES,
        locales=SUPPORTED_LOCALES,
        quiet_from=_clock(preferences.quiet_hours.start_minute),
        quiet_to=_clock(preferences.quiet_hours.end_minute),
        error=error,
    )


async def preferences_page(request: Request) -> Response:
    reader = await viewer(request, student=True)
    preferences = await reader.app.client.get_preferences(reader.student_id)
    return _settings_page(reader, preferences)


async def save_preferences(request: Request) -> Response:
    reader = await viewer(request, student=True)
    form = await reader.form()
    current = await reader.app.client.get_preferences(reader.student_id)
    wanted = notify.Preferences()
    wanted.CopyFrom(current)
    wanted.ClearField("updated_at")
    wanted.email = str(form.get("email", "")).strip()
    wanted.display_name = str(form.get("display_name", "")).strip()
    wanted.in_app = form.get("in_app") == "on"
    wanted.locale = str(form.get("locale", "")) or current.locale
    wanted.time_zone = str(form.get("time_zone", "")).strip()
    frequency = str(form.get("frequency", ""))
    wanted.frequency = int(frequency) if frequency in ("1", "2", "3") else current.frequency  # type: ignore[assignment]
    wanted.quiet_hours.start_minute = _minutes(str(form.get("quiet_from", "")))
    wanted.quiet_hours.end_minute = _minutes(str(form.get("quiet_to", "")))
    budget = str(form.get("budget", ""))
    wanted.weekly_suggestion_budget = int(budget) if budget.isdigit() else 0
    chosen = [str(c) for c in form.getlist("muted")]
    muted = [int(c) for c in chosen if c.isdigit() and int(c) in CAUSES]
    del wanted.muted_causes[:]
    wanted.muted_causes.extend(muted)  # type: ignore[arg-type]
    wanted.unsubscribed = form.get("suggestions") != "on"
    try:
        await reader.app.client.set_preferences(wanted)
    except ClientError as error:
        if error.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        return _settings_page(reader, wanted, refusal(error, reader.t), status=400)
    response = redirect("/notifications", flash="saved")
    response.delete_cookie(sessions.LANGUAGE_COOKIE, path="/")  # the settings choose it now
    return response


# --- Unsubscribing ------------------------------------------------------------------------


async def unsubscribe_page(request: Request) -> Response:
    reader = await viewer(request)
    token = request.query_params.get("token", "")
    return reader.render("unsubscribe.html.j2", token=token, done=False, invalid=not token)


async def unsubscribe(request: Request) -> Response:
    """The form of the landing page, and RFC 8058 one-click posts from mail clients (the token
    in the query, ``List-Unsubscribe=One-Click`` in the body)."""
    reader = await viewer(request)
    form = await request.form()
    token = str(form.get("token", "")) or request.query_params.get("token", "")
    try:
        await reader.app.client.with_options(token="").unsubscribe(token)
    except ClientError as error:
        if error.code != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        return reader.render("unsubscribe.html.j2", status=400, token="", done=False, invalid=True)
    return reader.render("unsubscribe.html.j2", token="", done=True, invalid=False)


ROUTES = [
    Route("/sign-in", sign_in_form),
    Route("/sign-in", sign_in, methods=["POST"]),
    Route("/sign-in/link", follow_link),
    Route("/sign-out", sign_out, methods=["POST"]),
    Route("/language", language),
    Route("/notifications", preferences_page),
    Route("/notifications", save_preferences, methods=["POST"]),
    Route("/unsubscribe", unsubscribe_page),
    Route("/unsubscribe", unsubscribe, methods=["POST"]),
]
