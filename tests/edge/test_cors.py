"""Browsers on the allowed origins may call the API (preflight included); others may not;
credentials stay off."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.edge.conftest import PAGE_ORIGIN, Platform, token

LIST = "/socialerasmus.catalogue.v1.CatalogueService/ListActivities"
CONNECT_HEADERS = "authorization, content-type, connect-protocol-version, connect-timeout-ms"


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        yield client


def preflight(origin: str, headers: str = CONNECT_HEADERS) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": headers,
    }


async def test_a_preflight_from_an_allowed_origin_is_allowed(http: httpx.AsyncClient) -> None:
    reply = await http.options(LIST, headers=preflight(PAGE_ORIGIN))
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == PAGE_ORIGIN
    assert "POST" in reply.headers["access-control-allow-methods"]
    allowed = {h.strip().lower() for h in reply.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in CONNECT_HEADERS.split(",")} <= allowed
    assert "access-control-allow-credentials" not in reply.headers
    assert int(reply.headers["access-control-max-age"]) > 0


async def test_a_preflight_from_another_origin_is_refused(http: httpx.AsyncClient) -> None:
    reply = await http.options(LIST, headers=preflight("https://evil.example"))
    assert reply.status_code == 400
    assert "access-control-allow-origin" not in reply.headers


async def test_a_preflight_for_a_header_not_listed_is_refused(http: httpx.AsyncClient) -> None:
    reply = await http.options(LIST, headers=preflight(PAGE_ORIGIN, "x-forwarded-user"))
    assert reply.status_code == 400


async def test_calls_from_the_allowed_origin_may_be_read(http: httpx.AsyncClient) -> None:
    reply = await http.post(
        LIST, json={"pageSize": 1}, headers={"Origin": PAGE_ORIGIN, **token("student")}
    )
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == PAGE_ORIGIN
    assert "Origin" in reply.headers["vary"]
    assert "grpc-status" in reply.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in reply.headers

    refused = await http.post(LIST, json={"pageSize": 1}, headers={"Origin": PAGE_ORIGIN})
    assert refused.status_code == 401  # errors, too, reach the page that made the call
    assert refused.headers["access-control-allow-origin"] == PAGE_ORIGIN


async def test_calls_from_another_origin_may_not_be_read(http: httpx.AsyncClient) -> None:
    reply = await http.post(
        LIST, json={"pageSize": 1}, headers={"Origin": "https://evil.example", **token("student")}
    )
    assert "access-control-allow-origin" not in reply.headers
