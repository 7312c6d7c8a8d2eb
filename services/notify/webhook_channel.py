"""Signed webhooks: ONE delivery attempt of a JSON payload to a platform's endpoint.

Retries are not made here (no sleeping): the caller stores the next due time computed by
:class:`services.notify.retry.RetryPolicy` so they survive restarts. Redirects are not followed
(Standard Webhooks: a 3xx is a failure; the endpoint URL should be updated instead), and the
response body is never read.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx

from services.notify.retry import DeliveryAttempt, Outcome, classify
from services.notify.signing import Secrets, secret_keys, sign

DEFAULT_TIMEOUT_SECONDS = 5.0
USER_AGENT = "SocialErasmus-Notify/1"
RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Answers whose ``Retry-After`` header is passed on to the retry policy."""


class WebhookChannel:
    """Delivers signed webhooks through a shared ``httpx.AsyncClient`` (its pool is reused)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        secret: Secrets,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        secret_keys(secret)  # fail fast on a malformed secret
        self._client = client
        self._secret = secret
        self._timeout_seconds = timeout_seconds

    async def deliver(
        self, url: str, message_id: str, payload: bytes, now: datetime
    ) -> DeliveryAttempt:
        """POST ``payload`` once, signed with ``message_id`` and ``now`` (the attempt's time).

        ``message_id`` stays the same across retries so the receiver can deduplicate. The whole
        attempt (connect, send, wait for the status line) is bounded by ``timeout_seconds``.
        """
        headers = {
            **sign(self._secret, message_id, now, payload),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        try:
            async with asyncio.timeout(self._timeout_seconds):
                request = self._client.build_request(
                    "POST",
                    url,
                    content=payload,
                    headers=headers,
                    timeout=httpx.Timeout(self._timeout_seconds),
                )
                response = await self._client.send(request, stream=True, follow_redirects=False)
                await response.aclose()  # the status is all we need; the body is not read
        except (httpx.TimeoutException, TimeoutError):
            return DeliveryAttempt(
                classify(None, timed_out=True),
                error=f"no answer within {self._timeout_seconds:g} s",
            )
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as error:
            return DeliveryAttempt(Outcome.GIVE_UP, error=f"unusable webhook URL: {error}")
        except httpx.TransportError as error:  # refused, reset, DNS failure, protocol error
            return DeliveryAttempt(
                classify(None, timed_out=False),
                error=f"{type(error).__name__}: {error}" if str(error) else type(error).__name__,
            )
        status = response.status_code
        outcome = classify(status, timed_out=False)
        return DeliveryAttempt(
            outcome,
            status_code=status,
            error=None if outcome is Outcome.DELIVERED else f"HTTP {status}",
            retry_after=response.headers.get("retry-after")
            if status in RETRY_AFTER_STATUSES
            else None,
        )
