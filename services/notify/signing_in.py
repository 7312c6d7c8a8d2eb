"""Signing in to the web app by a mailed link: sending one, and redeeming it once.

Notify holds the students' addresses, so the web app asks it to mail a link to whoever has an
address (or an id) and never learns whether anyone has: the answer is the same either way, it
does not wait for the mail (which only a known address gets), and a student gets at most one
link a minute. The link is sent at once (not through the schedule: quiet hours must not hold
it, and a retry after it expired would be of no use), to the address, in the language and with
the name of the student's settings. Redeeming remembers the link's id until the link expires,
so it signs in once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from services.kernel.ids import STUDENT_ID_DESCRIPTION, STUDENT_ID_PATTERN
from services.kernel.violations import check_pattern
from services.notify import sign_in
from services.notify.email_channel import EmailChannel
from services.notify.messages import SignInMail
from services.notify.rendering import Renderer
from services.notify.retry import Outcome
from services.notify.store import NotifyStore
from services.notify.validation import check_email
from services.runtime.auth import Principal, Role
from services.runtime.clock import Clock, utc_now
from services.runtime.errors import FailedPrecondition, InvalidArgument, Violations

__all__ = ["LinkSettings", "SignInLinks"]

log = logging.getLogger(__name__)

RESEND_SECONDS: Final = 60
"""At most one link a minute to a student by default: a form anyone can post must not flood a
mailbox."""


@dataclass(frozen=True, slots=True)
class LinkSettings:
    secret: bytes
    url: str
    """The web app's sign-in page; the link adds ``token`` (and ``next``)."""
    minutes: int
    manage_url: str = ""
    resend_seconds: int = RESEND_SECONDS
    """Least time between two links to one student; 0 sends every link asked for."""


class SignInLinks:
    def __init__(
        self,
        store: NotifyStore,
        renderer: Renderer,
        email: EmailChannel | None,
        settings: LinkSettings,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.renderer = renderer
        self.email = email
        self.settings = settings
        self.clock = clock
        self._mailing: set[asyncio.Task[None]] = set()

    @property
    def max_age(self) -> timedelta:
        return timedelta(minutes=self.settings.minutes)

    async def send(
        self, principal: Principal, email: str, student_id: str, return_path: str
    ) -> int:
        """Mail a link to the students of ``email`` (or to ``student_id``); returns how many
        minutes a link works, whoever got one."""
        _validate_request(email, student_id, return_path)
        principal.require_role(Role.OPERATOR, Role.PLATFORM)
        students = [student_id] if student_id else await self.store.students_with_email(email)
        for student in students:
            await self._send_to(student, email, return_path)
        return self.settings.minutes

    async def _send_to(self, student_id: str, asked_email: str, return_path: str) -> None:
        preferences = await self.store.preferences(student_id)
        to = preferences.email
        if not to or (asked_email and to.strip().lower() != asked_email.strip().lower()):
            log.info("sign-in link not sent: no such address in the settings")
            return
        if await self.store.is_erased(student_id):
            return
        if self.email is None:
            log.warning("sign-in link not sent: e-mail is off (SE_SMTP_HOST)")
            return
        interval = self.settings.resend_seconds
        if interval and not await self.store.may_send_sign_in(student_id, interval):
            log.info("sign-in link not sent: one was sent a moment ago")
            return
        token = sign_in.make_token(self.settings.secret, student_id, self.clock())
        mail = SignInMail(
            url=sign_in.link_url(self.settings.url, token, return_path),
            minutes=self.settings.minutes,
            locale=preferences.locale,
            display_name=preferences.display_name,
            manage_url=self.settings.manage_url,
        )
        task = asyncio.create_task(self._mail(self.email, to, mail, token))
        self._mailing.add(task)
        task.add_done_callback(self._mailing.discard)

    async def _mail(self, channel: EmailChannel, to: str, mail: SignInMail, token: str) -> None:
        message = self.renderer.render_sign_in(mail)
        attempt = await channel.send(
            to,
            message.subject,
            text=message.text,
            html=message.html,
            message_id=f"sign-in.{token.rsplit('.', 1)[1][:22]}",
            list_unsubscribe_url="",
        )
        if attempt.outcome is not Outcome.DELIVERED:
            log.warning("sign-in link not sent", extra={"error": attempt.error})

    async def drain(self) -> None:
        """Wait for the mails being sent (at shutdown)."""
        if self._mailing:
            await asyncio.gather(*self._mailing, return_exceptions=True)

    async def redeem(self, principal: Principal, token: str) -> str:
        """The student a link signs in, the first time it is used."""
        principal.require_role(Role.OPERATOR, Role.PLATFORM)
        link = sign_in.read_token(self.settings.secret, token, self.clock(), self.max_age)
        outcome = await self.store.redeem_sign_in(
            link.link_id, link.student_id, int(link.expires_at.timestamp() * 1000)
        )
        if outcome == "erased":
            raise InvalidArgument.single("token", "is not valid any more")
        if outcome == "used":
            raise FailedPrecondition("this sign-in link was used already; ask for a new one")
        return link.student_id


def _validate_request(email: str, student_id: str, return_path: str) -> None:
    v = Violations()
    if email and student_id:
        v.add("student_id", "give an e-mail address or a student id, not both")
    elif not email and not student_id:
        v.add("email", "required (or student_id)")
    elif email:
        check_email(v, "email", email.strip())
    else:
        check_pattern(
            v, "student_id", student_id, STUDENT_ID_PATTERN, STUDENT_ID_DESCRIPTION, required=True
        )
    problem = sign_in.return_path_problem(return_path)
    if problem is not None:
        v.add("return_path", problem)
    v.raise_if_any()
