"""What every page handler needs: the services, who is signed in, their language and clock,
and rendering a template with all of it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, Final
from urllib.parse import urlencode

import grpc
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from services.client import ClientError, SocialErasmusClient
from services.runtime.auth import Principal, TokenRegistry
from services.runtime.clock import Clock, utc_now
from services.web import sessions
from services.web.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, Translator, choose_locale
from services.web.places import section_name
from services.web.sessions import Session, SessionKind
from services.web.settings import WebSettings
from services.web.views import zone_of
from socialerasmus.matching.v1 import matching_pb2 as match
from socialerasmus.notify.v1 import notify_pb2 as notify

log = logging.getLogger(__name__)

FLASHES: Final = frozenset(
    {
        "confirmed",
        "waitlisted",
        "already",
        "cancelled",
        "saved",
        "signed_out",
        "coord.created",
        "coord.saved",
        "coord.published",
        "coord.cancelled",
        "coord.completed",
        "coord.attended",
        "coord.enrolled",
    }
)
"""Messages a redirect may ask the next page to show (``?flash=<key>&n=<number>``)."""


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("services.web", "templates"),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.globals["languages"] = LANGUAGE_NAMES
    environment.globals["section_name"] = section_name
    return environment


@dataclass
class App:
    """The parts shared by every request of one process."""

    settings: WebSettings
    client: SocialErasmusClient
    """Authenticated as the web app (a platform), for calls made for a signed-in student."""
    tokens: TokenRegistry
    clock: Clock = utc_now
    templates: Environment = field(default_factory=_environment)

    def as_caller(self, token: str) -> SocialErasmusClient:
        """The client presenting a coordinator's own token: the services decide for them."""
        return self.client.with_options(token=token)


@dataclass
class Viewer:
    """One request's reader: their session, language, clock and form token."""

    request: Request
    app: App
    session: Session | None
    t: Translator
    zone: tzinfo
    preferences: notify.Preferences | None = None
    profile: match.VolunteerProfile | None = None
    principal: Principal | None = None

    @property
    def now(self) -> datetime:
        return self.app.clock()

    @property
    def student_id(self) -> str:
        return self.session.student_id if self.session is not None else ""

    @property
    def form_token(self) -> str:
        if self.session is None:
            return ""
        return sessions.form_token(self.app.settings.secret, self.session)

    def caller(self) -> SocialErasmusClient:
        """The client for this reader's calls: their own token, else the app's."""
        if self.session is not None and self.session.kind is SessionKind.TOKEN:
            return self.app.as_caller(self.session.token)
        return self.app.client

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        flash = self.request.query_params.get("flash", "")
        number = self.request.query_params.get("n", "")
        page = self.app.templates.get_template(template).render(
            t=self.t,
            lang=self.t.locale,
            viewer=self,
            request=self.request,
            path=self.request.url.path,
            flash=flash if flash in FLASHES else "",
            flash_number=int(number) if number.isdigit() else 0,
            supported_locales=SUPPORTED_LOCALES,
            zone_name=getattr(self.zone, "key", "UTC"),
            **values,
        )
        return HTMLResponse(page, status_code=status)

    async def form(self) -> FormData:
        """The posted form, after checking its form token (403 otherwise)."""
        form = await self.request.form()
        presented = str(form.get("form_token", ""))
        if self.session is None or not sessions.form_token_matches(
            self.app.settings.secret, self.session, presented
        ):
            raise HTTPException(403, "form token")
        return form


def redirect(path: str, **query: str | int) -> RedirectResponse:
    """See other (303): the browser GETs ``path`` after a form post."""
    shown = {k: str(v) for k, v in query.items() if v != ""}
    return RedirectResponse(f"{path}?{urlencode(shown)}" if shown else path, status_code=303)


def app_of(request: Request) -> App:
    app: App = request.app.state.web
    return app


def _session(request: Request, app: App) -> Session | None:
    return sessions.read_session(
        app.settings.secret,
        request.cookies.get(sessions.COOKIE, ""),
        app.clock(),
        app.settings.session_days,
    )


async def viewer(request: Request, *, student: bool = False, coordinator: bool = False) -> Viewer:
    """The reader of ``request``: signed in as a student (or else redirected to sign in)
    when ``student``, as a coordinator when ``coordinator``."""
    app = app_of(request)
    session = _session(request, app)
    chosen = request.cookies.get(sessions.LANGUAGE_COOKIE, "")
    accept = request.headers.get("accept-language", "")
    if student and (session is None or session.kind is not SessionKind.STUDENT):
        raise SignInNeeded("/sign-in")
    if coordinator and (session is None or session.kind is not SessionKind.TOKEN):
        raise SignInNeeded("/coordinator/sign-in")
    preferences = profile = None
    principal = None
    if session is not None and session.kind is SessionKind.STUDENT:
        preferences, profile = await _student(app.client, session.student_id)
    elif session is not None:
        try:
            principal = app.tokens.authenticate(f"Bearer {session.token}")
        except Exception:  # a token revoked since sign-in
            if coordinator:
                raise SignInNeeded("/coordinator/sign-in") from None
            session = None
    locale = choose_locale(
        chosen, preferences.locale if preferences else "", accept_language=accept
    )
    zone = zone_of(
        profile.time_zone if profile is not None else "",
        preferences.time_zone if preferences is not None else "",
    )
    return Viewer(request, app, session, Translator(locale), zone, preferences, profile, principal)


async def _student(
    client: SocialErasmusClient, student_id: str
) -> tuple[notify.Preferences | None, match.VolunteerProfile | None]:
    try:
        preferences: notify.Preferences | None = await client.get_preferences(student_id)
    except ClientError as error:
        if error.unreachable:
            raise
        preferences = None
    try:
        profile: match.VolunteerProfile | None = await client.get_profile(student_id)
    except ClientError as error:
        if error.code not in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION):
            raise
        profile = None
    return preferences, profile


class SignInNeeded(Exception):
    """The page needs a signed-in reader of another kind: go to ``path`` first."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def sign_in_redirect(request: Request, path: str) -> Response:
    target = request.url.path
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(f"{path}?{urlencode({'next': target})}", status_code=303)


def local_path(candidate: str, default: str = "/") -> str:
    """``candidate`` when it is a path of this site (never another site's address)."""
    if candidate.startswith("/") and not candidate.startswith(("//", "/\\")):
        return candidate
    return default


def refusal(error: ClientError, t: Translator) -> str:
    """What to tell a person about a refused call, in their words where possible."""
    if error.violations:
        return "; ".join(f"{name}: {why}" for name, why in error.violations.items())
    return error.message or t("error.title")


def stamp_now(clock: Clock = utc_now) -> datetime:
    return clock().astimezone(UTC)


def query_int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name, "")
    return int(raw) if raw.isdigit() else default
