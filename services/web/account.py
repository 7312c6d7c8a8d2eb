"""Signing in and out, the language menu, notification settings and unsubscribing."""

from __future__ import annotations

import logging
import time
from typing import Final
from urllib.parse import urlencode

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services.client import ClientError
from services.web import mail, sessions
from services.web.context import App, Viewer, app_of, local_path, redirect, refusal, viewer
from services.web.i18n import SUPPORTED_LOCALES, Translator, choose_locale, resolve_locale
from services.web.sessions import SessionKind
from socialerasmus.notify.v1 import notify_pb2 as notify

log = logging.getLogger(__name__)

STUDENT_ID_MAX_CHARS: Final = 128
MAIL_INTERVAL_SECONDS: Final = 60.0
"""At most one sign-in mail per student and minute from one replica: a form anyone can post
must not flood a student's mailbox."""
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


async def sign_in_form(request: Request) -> Response:
    reader = await viewer(request)
    return reader.render(
        "sign_in.html.j2",
        next=local_path(request.query_params.get("next", ""), ""),
        invalid=request.query_params.get("invalid") == "1",
        required=bool(request.query_params.get("next")),
        missing=False,
    )


class _Recent:
    """When each student was last sent a link by this replica."""

    def __init__(self) -> None:
        self._sent: dict[str, float] = {}

    def allow(self, student_id: str) -> bool:
        now = time.monotonic()
        if len(self._sent) > 10_000:
            self._sent = {k: v for k, v in self._sent.items() if now - v < MAIL_INTERVAL_SECONDS}
        if now - self._sent.get(student_id, -MAIL_INTERVAL_SECONDS) < MAIL_INTERVAL_SECONDS:
            return False
        self._sent[student_id] = now
        return True


_RECENT = _Recent()


async def sign_in(request: Request) -> Response:
    reader = await viewer(request)
    form = await request.form()
    student_id = str(form.get("student_id", "")).strip()[:STUDENT_ID_MAX_CHARS]
    next_path = local_path(str(form.get("next", "")), "")
    if not student_id:
        return reader.render(
            "sign_in.html.j2",
            status=400,
            next=next_path,
            invalid=False,
            required=False,
            missing=True,
        )
    await send_link(reader.app, student_id, next_path, reader.t)
    return reader.render("sign_in_sent.html.j2", minutes=reader.app.settings.sign_in_minutes)


def sign_in_link(app: App, student_id: str, next_path: str = "") -> str:
    token = sessions.sign_in_token(app.settings.secret, student_id, app.clock())
    query = {"token": token} | ({"next": next_path} if next_path else {})
    return f"{app.settings.public_url}/sign-in/link?{urlencode(query)}"


async def send_link(app: App, student_id: str, next_path: str, t: Translator) -> None:
    """Mail a sign-in link to the student's address, if they have one; say nothing either way
    (the page never tells whether an id is known)."""
    if app.settings.smtp is None:
        log.warning("sign-in link not sent: no SMTP relay is set (SE_SMTP_HOST)")
        return
    if not _RECENT.allow(student_id):
        log.info("sign-in link not sent: one was sent a moment ago")
        return
    try:
        preferences = await app.client.get_preferences(student_id)
    except ClientError as error:
        if error.unreachable:
            raise
        log.info("sign-in link not sent: %s", error.code_name)
        return
    if not preferences.email:
        log.info("sign-in link not sent: no e-mail address in the notification settings")
        return
    language = Translator(choose_locale(preferences.locale, t.locale))
    message = mail.sign_in_message(
        app.settings.smtp.sender,
        preferences.email,
        sign_in_link(app, student_id, next_path),
        minutes=app.settings.sign_in_minutes,
        t=language,
        templates=app.templates,
        display_name=preferences.display_name,
    )
    await mail.send(app.settings.smtp, message)


async def follow_link(request: Request) -> Response:
    app = app_of(request)
    student_id = sessions.read_sign_in_link(
        app.settings.secret,
        request.query_params.get("token", ""),
        app.clock(),
        app.settings.sign_in_minutes,
    )
    next_path = local_path(request.query_params.get("next", ""), "/suggestions")
    if student_id is None:
        return RedirectResponse(
            f"/sign-in?{urlencode({'invalid': '1', 'next': next_path})}", status_code=303
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
