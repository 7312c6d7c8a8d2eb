"""SMTP e-mail: ONE delivery attempt of a text + HTML message over a reused connection.

One SMTP connection is opened lazily and kept for the next sends; a lock serialises sends on
it. A connection that has been idle for a while is probed with NOOP before use and reopened
when the server has dropped it (nothing has been sent on it yet, so this cannot duplicate a
message). A failed send closes the connection and reports RETRY or GIVE_UP: the caller
schedules the retry with :class:`services.notify.retry.RetryPolicy`.

Replies: 5xx (permanent) gives up, 4xx (temporary), timeouts and connection failures retry.
"""

from __future__ import annotations

import asyncio
import time
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import aiosmtplib

from services.notify.retry import DeliveryAttempt, Outcome
from services.runtime.smtp import SmtpSettings

DEFAULT_PROBE_IDLE_SECONDS = 10.0
ACCEPTED = 250
"""The reply to the end of DATA when a message is accepted (aiosmtplib raises on any other)."""
CLOSING = 421
"""Service not available, closing the transmission channel."""
MESSAGE_POLICY = policy.SMTP.clone(max_line_length=998)
"""RFC 5322's line limit rather than the 78-character advice: a long unsubscribe URL has no
space to fold at, and a 78-character policy turns ``List-Unsubscribe`` into encoded words,
which mail clients do not read as a URL. Bodies still get quoted-printable or base64 whenever
a line is longer. Messages are flattened with it here and sent as bytes, because aiosmtplib's
``send_message`` would flatten them again with its own 78-character policy."""
ENVELOPE_REFUSALS = (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError)
"""Refusals after which aiosmtplib has reset the transaction: the session stays usable."""


def _reply_outcome(code: int) -> Outcome:
    return Outcome.GIVE_UP if 500 <= code <= 599 else Outcome.RETRY


def _message_id_header(message_id: str, sender: str) -> str:
    """``<id@domain>``; a bare id gets the sender's domain, so retries keep one Message-ID."""
    if message_id.startswith("<") and message_id.endswith(">"):
        return message_id
    if "@" in message_id:
        return f"<{message_id}>"
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{message_id}@{domain}>"


class EmailChannel:
    """Sends multipart/alternative e-mail through one reused aiosmtplib connection."""

    def __init__(
        self, settings: SmtpSettings, probe_idle_seconds: float = DEFAULT_PROBE_IDLE_SECONDS
    ) -> None:
        self._settings = settings
        self._probe_idle_seconds = probe_idle_seconds
        self._client: aiosmtplib.SMTP | None = None
        self._last_used = 0.0
        self._lock = asyncio.Lock()
        self.connections_opened = 0
        """How many SMTP connections this channel has opened (for metrics and tests)."""

    def build_message(
        self,
        to: str,
        subject: str,
        *,
        text: str,
        html: str,
        message_id: str,
        list_unsubscribe_url: str,
        calendar: tuple[str, bytes] | None = None,
    ) -> EmailMessage:
        """The MIME message: multipart/alternative, text first, then HTML (RFC 2046: the
        preferred, richest part last), with one-click unsubscribe headers (RFC 8058) unless
        ``list_unsubscribe_url`` is empty (a transactional message, which unsubscribing
        does not stop). ``calendar`` (file name, iCalendar bytes) is attached beside them."""
        message = EmailMessage(policy=MESSAGE_POLICY)
        message["From"] = self._settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = _message_id_header(message_id, self._settings.sender)
        if list_unsubscribe_url:
            message["List-Unsubscribe"] = f"<{list_unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        if calendar is not None:
            filename, data = calendar
            message.add_attachment(data, maintype="text", subtype="calendar", filename=filename)
        return message

    async def send(
        self,
        to: str,
        subject: str,
        *,
        text: str,
        html: str,
        message_id: str,
        list_unsubscribe_url: str,
        calendar: tuple[str, bytes] | None = None,
    ) -> DeliveryAttempt:
        """Send one message to ``to``. ``message_id`` stays the same across retries.

        The bodies and ids are keyword-only: two ``str`` parts (text, html) are easy to swap.

        Header values with line breaks raise ``ValueError`` (from the ``email`` package).
        """
        message = self.build_message(
            to,
            subject,
            text=text,
            html=html,
            message_id=message_id,
            list_unsubscribe_url=list_unsubscribe_url,
            calendar=calendar,
        )
        async with self._lock:
            try:
                client = await self._connection()
                await client.sendmail(
                    parseaddr(self._settings.sender)[1],
                    [to],
                    message.as_bytes(policy=MESSAGE_POLICY),
                )
            except aiosmtplib.SMTPRecipientsRefused as error:
                code = max(refused.code for refused in error.recipients)
                return DeliveryAttempt(_reply_outcome(code), code, f"recipient refused: {code}")
            except aiosmtplib.SMTPResponseException as error:
                if not isinstance(error, ENVELOPE_REFUSALS) or error.code == CLOSING:
                    self._drop()  # the session is in doubt (EHLO, AUTH or the server leaving)
                return DeliveryAttempt(
                    _reply_outcome(error.code),
                    error.code,
                    f"{type(error).__name__}: {error.code} {error.message}",
                )
            except (aiosmtplib.SMTPException, OSError) as error:  # includes timeouts
                self._drop()
                return DeliveryAttempt(Outcome.RETRY, None, f"{type(error).__name__}: {error}")
            except asyncio.CancelledError:
                self._drop()  # cancelled mid-transaction: never reuse that session
                raise
            self._last_used = time.monotonic()
            return DeliveryAttempt(Outcome.DELIVERED, ACCEPTED)

    async def _connection(self) -> aiosmtplib.SMTP:
        client = self._client
        if client is not None and client.is_connected:
            if time.monotonic() - self._last_used < self._probe_idle_seconds:
                return client
            try:
                await client.noop()
                return client
            except (aiosmtplib.SMTPException, OSError):
                self._drop()
        elif client is not None:
            self._drop()
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password,
            start_tls=settings.starttls,
            timeout=settings.timeout,
        )
        await client.connect()  # also logs in when a username is set
        self.connections_opened += 1
        self._client = client
        self._last_used = time.monotonic()
        return client

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def close(self) -> None:
        """QUIT and close the connection, if one is open. The channel may be used again."""
        async with self._lock:
            client, self._client = self._client, None
            if client is None:
                return
            try:
                if client.is_connected:
                    await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                pass
            finally:
                client.close()
