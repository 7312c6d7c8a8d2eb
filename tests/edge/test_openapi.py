"""The OpenAPI document: made from the compiled contracts, served by the edge with a
reference page that works without the internet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.edge.openapi import OPENAPI_PATH
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2
from socialerasmus.notify.v1 import notify_pb2
from tests.edge.conftest import Platform


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url) as client:
        yield client


@pytest.fixture
async def document(http: httpx.AsyncClient) -> dict[str, Any]:
    reply = await http.get("/openapi.json")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.content == OPENAPI_PATH.read_bytes()
    served: dict[str, Any] = reply.json()
    return served


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


async def test_every_rpc_of_the_contracts_has_its_operation(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    expected = {
        f"/{service.full_name}/{method.name}"
        for module in (catalogue_pb2, matching_pb2, notify_pb2)
        for service in module.DESCRIPTOR.services_by_name.values()
        for method in service.methods
    }
    assert expected <= set(document["paths"])
    recommend = document["paths"]["/socialerasmus.matching.v1.MatchingService/Recommend"]["post"]
    body = recommend["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/socialerasmus.matching.v1.RecommendRequest"}
    unsubscribe = document["paths"]["/socialerasmus.notify.v1.NotifyService/Unsubscribe"]["post"]
    assert unsubscribe["security"] == []  # signed links need no bearer token


async def test_types_follow_the_proto3_json_mapping(document: dict[str, Any]) -> None:
    activity = schema(document, "socialerasmus.catalogue.v1.Activity")["properties"]
    assert activity["version"]["type"] == "string"  # int64
    assert activity["createdAt"]["format"] == "date-time"
    assert activity["seatsLeft"]["type"] == "integer"
    state = schema(document, "socialerasmus.catalogue.v1.ActivityState")
    assert "ACTIVITY_STATE_PUBLISHED" in state["enum"]
    # Descriptions come from the comments in the .proto files.
    assert "expected_version" in activity["version"]["description"]


async def test_errors_are_described_with_their_details(document: dict[str, Any]) -> None:
    error = schema(document, "Error")
    debug = error["properties"]["details"]["items"]["properties"]["debug"]
    assert {"$ref": "#/components/schemas/google.rpc.BadRequest"} in debug["anyOf"]
    violation = schema(document, "google.rpc.BadRequest.FieldViolation")
    assert {"field", "description"} <= set(violation["properties"])


async def test_the_reference_page_needs_nothing_from_elsewhere(http: httpx.AsyncClient) -> None:
    page = await http.get("/docs")
    assert page.status_code == 200
    assert "/openapi.json" in page.text
    assert "https://" not in page.text
    for asset in ("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"):
        reply = await http.get(asset)
        assert reply.status_code == 200, asset
        assert len(reply.content) > 10_000
