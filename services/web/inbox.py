"""The inbox: notify's ``ListInbox``, kept live by ``WatchInbox`` as server-sent events.

The page lists the latest items; a small script opens ``/inbox/events``, where each item
notify pushes arrives as an event holding its rendered HTML, put on top of the list. The
stream ends with the page (or the session); browsers reconnect by themselves.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from services.client import ClientError
from services.web.context import Viewer, redirect, viewer
from services.web.views import moment
from socialerasmus.notify.v1 import notify_pb2 as notify

PAGE = 30
PING_SECONDS = 15


def _readable(text: str) -> str:
    """The plain-text message without its underlines ("=====", "----"), which a page does
    with headings and rules."""
    kept = [
        line for line in text.splitlines() if not (line.strip() and set(line.strip()) <= {"=", "-"})
    ]
    return "\n".join(kept).strip()


def item_view(item: notify.InboxItem, reader: Viewer) -> dict[str, object]:
    created = moment(item.created_at)
    return {
        "id": item.id,
        "subject": item.subject,
        "text": _readable(item.text),
        "activity_id": item.activity_id,
        "read": item.read,
        "when": reader.t.moment(created, reader.zone),
        "iso": created.isoformat(),
    }


async def inbox_page(request: Request) -> Response:
    reader = await viewer(request, student=True)
    page = await reader.app.client.list_inbox(reader.student_id, page_size=PAGE)
    items = [item_view(item, reader) for item in page.items]
    return reader.render("inbox.html.j2", items=items, unread=any(not i["read"] for i in items))


async def mark_read(request: Request) -> Response:
    reader = await viewer(request, student=True)
    await reader.form()
    page = await reader.app.client.list_inbox(reader.student_id, unread_only=True, page_size=100)
    if page.items:
        await reader.app.client.mark_read(reader.student_id, [i.id for i in page.items])
    return redirect("/inbox")


async def events(request: Request) -> Response:
    reader = await viewer(request, student=True)
    template = reader.app.templates.get_template("_inbox_item.html.j2")

    async def stream() -> AsyncIterator[dict[str, str]]:
        try:
            async for item in reader.app.client.watch_inbox(reader.student_id):
                html = template.render(item=item_view(item, reader), t=reader.t)
                yield {"event": "item", "id": item.id, "data": json.dumps({"html": html})}
        except ClientError:
            return  # notify went away: the browser reconnects and the page lists again

    return EventSourceResponse(stream(), ping=PING_SECONDS, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/inbox", inbox_page),
    Route("/inbox/read", mark_read, methods=["POST"]),
    Route("/inbox/events", events),
]
