"""The services as JSON over HTTP, through the edge, as a platform calls them: the same
tokens, validation and status codes as over gRPC, errors as JSON with the field violations,
and the inbox as a stream."""

from __future__ import annotations

import asyncio
import gzip
import json
import struct
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format

from services.demo_journey import welcome_activity
from services.launcher import SERVICES
from services.runtime.processes import ServiceProcess
from socialerasmus.catalogue.v1 import catalogue_pb2
from tests.edge.conftest import Platform, edge_process, ready, token
from tests.waiting import eventually

CATALOGUE = "/socialerasmus.catalogue.v1.CatalogueService"
NOTIFY = "/socialerasmus.notify.v1.NotifyService"
MATCHING = "/socialerasmus.matching.v1.MatchingService"
UNKNOWN_ACTIVITY = "01JZZZZZZZZZZZZZZZZZZZZZZZ"


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as client:
        yield client


async def call(
    http: httpx.AsyncClient, path: str, body: dict[str, Any], who: str | None
) -> httpx.Response:
    return await http.post(path, json=body, headers=token(who) if who else {})


async def published_activity(http: httpx.AsyncClient) -> dict[str, Any]:
    """A beach clean-up of ESN Valencia UPV, created and published by its coordinator."""
    details = json_format.MessageToDict(welcome_activity(datetime.now(UTC) + timedelta(days=9)))
    created = await call(http, f"{CATALOGUE}/CreateActivity", {"details": details}, "coordinator")
    assert created.status_code == 200, created.text
    activity_id = created.json()["activity"]["id"]
    reply = await call(
        http, f"{CATALOGUE}/PublishActivity", {"activityId": activity_id}, "coordinator"
    )
    assert reply.status_code == 200, reply.text
    activity: dict[str, Any] = reply.json()["activity"]
    return activity


def violations(reply: httpx.Response) -> dict[str, str]:
    """The field violations of a Connect error, decoded from its google.rpc.BadRequest."""
    found: dict[str, str] = {}
    for detail in reply.json().get("details", []):
        if detail["type"] == "google.rpc.BadRequest":
            found |= {v["field"]: v["description"] for v in detail["debug"]["fieldViolations"]}
    return found


async def test_a_coordinator_publishes_and_a_student_enrols(http: httpx.AsyncClient) -> None:
    activity = await published_activity(http)
    assert activity["state"] == "ACTIVITY_STATE_PUBLISHED"  # enums by name
    assert activity["version"] == "2"  # int64 as a string
    assert activity["publishedAt"].endswith("Z")  # timestamps as RFC 3339
    datetime.fromisoformat(activity["publishedAt"])

    listed = await call(
        http,
        f"{CATALOGUE}/ListActivities",
        {"filter": {"countryCodes": ["es"]}, "pageSize": 10},
        "student",
    )
    assert listed.status_code == 200, listed.text
    assert activity["id"] in [a["id"] for a in listed.json()["activities"]]

    enrolled = await call(
        http,
        f"{CATALOGUE}/EnrolStudent",
        {"activity_id": activity["id"], "student_id": "ana"},  # proto names work too
        "student",
    )
    assert enrolled.status_code == 200, enrolled.text
    assert enrolled.json()["enrolment"]["status"] == "ENROLMENT_STATUS_CONFIRMED"


async def test_bad_input_is_400_with_each_field_violation(http: httpx.AsyncClient) -> None:
    reply = await call(http, f"{CATALOGUE}/ListActivities", {"filter": {"sdgs": [18]}}, "student")
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["code"] == "invalid_argument"
    assert violations(reply) == {"filter.sdgs[0]": "must be between 1 and 17"}

    details = {"title": "", "capacity": -1, "sectionId": "esn-valencia-upv"}
    reply = await call(http, f"{CATALOGUE}/CreateActivity", {"details": details}, "coordinator")
    assert reply.status_code == 400
    assert {"details.title", "details.capacity"} <= set(violations(reply)), reply.json()


async def test_json_that_is_not_the_message_is_400(http: httpx.AsyncClient) -> None:
    reply = await call(http, f"{CATALOGUE}/ListActivities", {"pageSize": "many"}, "student")
    assert reply.status_code == 400
    assert reply.json()["code"] == "invalid_argument"


async def test_without_a_valid_token_is_401(http: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        reply = await http.post(f"{CATALOGUE}/ListActivities", json={}, headers=headers)
        assert reply.status_code == 401
        assert reply.json()["code"] == "unauthenticated"


async def test_another_section_or_student_is_403(http: httpx.AsyncClient) -> None:
    activity = await published_activity(http)
    cancelled = await call(
        http,
        f"{CATALOGUE}/CancelActivity",
        {"activityId": activity["id"], "reason": "not ours"},
        "other_coordinator",  # ESN Tirana
    )
    assert cancelled.status_code == 403
    assert cancelled.json()["code"] == "permission_denied"
    inbox = await call(http, f"{NOTIFY}/ListInbox", {"studentId": "ana"}, "other_student")
    assert inbox.status_code == 403
    assert inbox.json()["code"] == "permission_denied"


async def test_an_unknown_activity_is_404(http: httpx.AsyncClient) -> None:
    reply = await call(
        http, f"{CATALOGUE}/GetActivity", {"activityId": UNKNOWN_ACTIVITY}, "student"
    )
    assert reply.status_code == 404
    assert reply.json() == {"code": "not_found", "message": reply.json()["message"]}


async def test_an_unknown_method_is_404(http: httpx.AsyncClient) -> None:
    reply = await call(http, f"{CATALOGUE}/DropEverything", {}, "operator")
    assert reply.status_code == 404


async def both_paths(
    http: httpx.AsyncClient, path: str, body: bytes, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """The same request as the edge answers it in one pass, and compressed, which only
    connectrpc's general path takes."""
    plain = await http.post(path, content=body, headers=headers)
    general = await http.post(
        path, content=gzip.compress(body), headers={**headers, "Content-Encoding": "gzip"}
    )
    return plain, general


async def test_the_one_pass_path_answers_as_connectrpc_does(http: httpx.AsyncClient) -> None:
    activity = await published_activity(http)
    json_headers = {"Content-Type": "application/json"}
    for path, body, who in (
        (f"{CATALOGUE}/ListActivities", {"pageSize": 5}, "student"),
        (f"{CATALOGUE}/GetActivity", {"activityId": activity["id"]}, "student"),
        (f"{CATALOGUE}/ListActivities", {"filter": {"sdgs": [18]}}, "student"),
        (f"{CATALOGUE}/ListActivities", {"pageSize": "many"}, "student"),
        (f"{CATALOGUE}/GetActivity", {"activityId": UNKNOWN_ACTIVITY}, "student"),
        (f"{CATALOGUE}/ListActivities", {}, None),
        (
            f"{CATALOGUE}/CancelActivity",
            {"activityId": activity["id"], "reason": "not ours"},
            "other_coordinator",
        ),
    ):
        headers = {**json_headers, **(token(who) if who else {})}
        plain, general = await both_paths(http, path, json.dumps(body).encode(), headers)
        assert plain.status_code == general.status_code, (path, body, plain.text)
        for header in ("content-type", "content-encoding", "vary"):
            assert plain.headers.get(header) == general.headers.get(header), (path, header)
        assert plain.json() == general.json(), (path, body)
    assert plain.status_code == 403  # the last one, as a reminder that errors were compared


async def test_binary_requests_and_replies_go_through_as_protobuf(
    http: httpx.AsyncClient,
) -> None:
    headers = {"Content-Type": "application/proto", **token("student")}
    request = catalogue_pb2.ListActivitiesRequest(page_size=3).SerializeToString()
    plain, general = await both_paths(http, f"{CATALOGUE}/ListActivities", request, headers)
    assert plain.status_code == general.status_code == 200
    assert plain.headers["content-type"] == "application/proto"
    assert catalogue_pb2.ListActivitiesResponse.FromString(
        plain.content
    ) == catalogue_pb2.ListActivitiesResponse.FromString(general.content)

    malformed = b"\x0a\xff"  # a length past the end of the message
    plain, general = await both_paths(http, f"{CATALOGUE}/ListActivities", malformed, headers)
    assert plain.status_code == general.status_code == 400  # not INTERNAL from the service
    assert plain.json()["code"] == general.json()["code"] == "invalid_argument"


async def test_replies_are_compressed_as_the_client_accepts(http: httpx.AsyncClient) -> None:
    body = {"pageSize": 20}
    headers = {**token("student"), "Accept-Encoding": "br, gzip"}
    compressed = await http.post(f"{CATALOGUE}/ListActivities", json=body, headers=headers)
    headers["Accept-Encoding"] = "identity"
    uncompressed = await http.post(f"{CATALOGUE}/ListActivities", json=body, headers=headers)
    assert compressed.headers["content-encoding"] == "gzip"
    assert uncompressed.headers["content-encoding"] == "identity"
    assert compressed.json() == uncompressed.json()  # httpx decompressed the first
    assert compressed.num_bytes_downloaded < uncompressed.num_bytes_downloaded / 2


def envelope(message: dict[str, Any], flags: int = 0) -> bytes:
    data = json.dumps(message).encode()
    return struct.pack(">BI", flags, len(data)) + data


async def envelopes(response: httpx.Response) -> AsyncIterator[tuple[int, dict[str, Any]]]:
    """The (flags, JSON) envelopes of a Connect stream, as they arrive."""
    buffer = b""
    async for chunk in response.aiter_bytes():
        buffer += chunk
        while len(buffer) >= 5:
            flags, length = struct.unpack(">BI", buffer[:5])
            if len(buffer) < 5 + length:
                break
            yield flags, json.loads(buffer[5 : 5 + length])
            buffer = buffer[5 + length :]


STREAM_HEADERS = {"Content-Type": "application/connect+json", "Connect-Protocol-Version": "1"}


async def test_watch_inbox_streams_each_new_item(http: httpx.AsyncClient) -> None:
    preferences = {
        "studentId": "ana",
        "inApp": True,
        "locale": "en",
        "timeZone": "Europe/Madrid",
        "frequency": "FREQUENCY_INSTANT",
        "weeklySuggestionBudget": 10,
    }
    reply = await call(http, f"{NOTIFY}/SetPreferences", {"preferences": preferences}, "student")
    assert reply.status_code == 200, reply.text
    activity = await published_activity(http)
    received: list[dict[str, Any]] = []

    async def watch() -> None:
        async with http.stream(
            "POST",
            f"{NOTIFY}/WatchInbox",
            content=envelope({"studentId": "ana"}),
            headers={**STREAM_HEADERS, **token("student")},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/connect+json"
            async for flags, message in envelopes(response):
                assert flags == 0, message  # not the end of the stream
                received.append(message)
                return

    watching = asyncio.create_task(watch())
    enrolment = {"activityId": activity["id"], "studentId": "ana"}

    async def an_item_arrived() -> bool:
        # The stream carries items made after it opened, and it says when it opened only
        # with its first item: enrol (again) until one arrives.
        await call(http, f"{CATALOGUE}/CancelEnrolment", enrolment, "student")
        await call(http, f"{CATALOGUE}/EnrolStudent", enrolment, "student")
        return bool(received) or watching.done()

    await eventually(an_item_arrived, "an inbox item on the stream", timeout=30)
    await watching
    item = received[0]["item"]
    assert item["activityId"] == activity["id"]
    assert item["createdAt"].endswith("Z")


async def test_a_stream_ends_with_its_error(http: httpx.AsyncClient) -> None:
    async with http.stream(
        "POST",
        f"{NOTIFY}/WatchInbox",
        content=envelope({"studentId": "ben"}),
        headers={**STREAM_HEADERS, **token("student")},  # ana may not watch ben's inbox
    ) as response:
        assert response.status_code == 200  # Connect streams report errors at their end
        ends = [message async for flags, message in envelopes(response) if flags & 2]
    assert ends[0]["error"]["code"] == "permission_denied"


async def test_the_deadline_goes_along(http: httpx.AsyncClient) -> None:
    async with http.stream(
        "POST",
        f"{NOTIFY}/WatchInbox",
        content=envelope({"studentId": "ana"}),
        headers={**STREAM_HEADERS, **token("student"), "Connect-Timeout-Ms": "300"},
    ) as response:
        ends = [message async for flags, message in envelopes(response) if flags & 2]
    assert ends[0]["error"]["code"] == "deadline_exceeded"


async def test_a_service_that_is_down_is_503(tmp_path: Path) -> None:
    closed = [ServiceProcess(s.name, s.module, 1) for s in SERVICES]  # nothing listens on 1
    with edge_process(closed, tmp_path) as url:
        await ready(url)
        async with httpx.AsyncClient(base_url=url) as http:
            reply = await call(http, f"{MATCHING}/Recommend", {"studentId": "ana"}, "student")
            health = await http.get("/healthz/backends")
    assert reply.status_code == 503
    assert reply.json()["code"] == "unavailable"
    assert health.status_code == 503
    assert health.json()["backends"] == {s.name: "UNAVAILABLE" for s in closed}


async def test_http2_serves_the_same(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.url, http1=False, http2=True) as http:
        listed = await call(http, f"{CATALOGUE}/ListActivities", {"pageSize": 1}, "student")
        missing = await call(
            http, f"{CATALOGUE}/GetActivity", {"activityId": UNKNOWN_ACTIVITY}, "student"
        )
    assert listed.http_version == missing.http_version == "HTTP/2"
    assert listed.status_code == 200
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


async def test_grpc_web_clients_are_answered_too(http: httpx.AsyncClient) -> None:
    request = catalogue_pb2.GetActivityRequest(activity_id=UNKNOWN_ACTIVITY).SerializeToString()
    reply = await http.post(
        f"{CATALOGUE}/GetActivity",
        content=struct.pack(">BI", 0, len(request)) + request,
        headers={
            "Content-Type": "application/grpc-web+proto",
            "X-Grpc-Web": "1",
            **token("student"),
        },
    )
    assert reply.status_code == 200  # gRPC-Web carries the status in its trailers
    trailers = reply.content[5:] if reply.content[:1] == b"\x80" else b""
    assert b"grpc-status: 5" in trailers.lower() or reply.headers.get("grpc-status") == "5"
