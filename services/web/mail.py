"""The sign-in link by e-mail: text and HTML in the student's language, one SMTP send.

The address is the one of the student's notification settings (notify's preferences), so
only whoever reads that mailbox can sign in as them.
"""

from __future__ import annotations

import logging
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib
from jinja2 import Environment

from services.runtime.smtp import SmtpSettings
from services.web.i18n import Translator

log = logging.getLogger(__name__)

MESSAGE_POLICY = policy.SMTP.clone(max_line_length=998)
"""The link is long and has no space to fold at: RFC 5322's line limit, not 78."""


def sign_in_message(
    sender: str,
    to: str,
    link: str,
    *,
    minutes: int,
    t: Translator,
    templates: Environment,
    display_name: str = "",
) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = t("mail.sign_in.subject")
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid("sign-in", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    name = " ".join(display_name.split())
    greeting = t("mail.greeting.named", name=name) if name else t("mail.greeting")
    values = {"t": t, "lang": t.locale, "link": link, "minutes": minutes, "greeting": greeting}
    message.set_content(templates.get_template("mail/sign_in.txt.j2").render(values))
    message.add_alternative(
        templates.get_template("mail/sign_in.html.j2").render(values), subtype="html"
    )
    return message


async def send(settings: SmtpSettings, message: EmailMessage) -> bool:
    """Send one message; False (logged) when the relay refuses it or cannot be reached."""
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            start_tls=settings.starttls,
            timeout=settings.timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        log.warning("sign-in mail not sent", extra={"error": f"{type(error).__name__}: {error}"})
        return False
    return True
