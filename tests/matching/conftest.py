"""Catalogue and matching running in process over the suite's real NATS and Redis."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from services.catalogue.app import catalogue_parts
from services.matching.app import matching_parts
from services.runtime.auth import TokenRegistry
from services.runtime.connections import connected
from services.runtime.server import RunningService, serve
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceStub
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub
from tests.conftest import Stack, channel_to


@dataclass
class Services:
    catalogue: CatalogueServiceStub
    matching: MatchingServiceStub
    matching_server: RunningService
    stack: Stack


@contextlib.asynccontextmanager
async def running_matching(
    stack: Stack, instance: str = "matching-1"
) -> AsyncIterator[tuple[MatchingServiceStub, RunningService]]:
    settings = stack.settings("matching", instance)
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(settings.listen, tokens, await matching_parts(connections, settings), 0.5) as running,
        channel_to(running.address) as channel,
    ):
        yield MatchingServiceStub(channel), running


@pytest.fixture
async def services(clean_stack: Stack) -> AsyncIterator[Services]:
    settings = clean_stack.settings("catalogue")
    tokens = TokenRegistry.from_file(settings.tokens_file)
    async with (
        connected(settings) as connections,
        serve(settings.listen, tokens, await catalogue_parts(connections, settings), 0.5) as cat,
        channel_to(cat.address) as catalogue_channel,
        running_matching(clean_stack) as (matching, matching_server),
    ):
        yield Services(
            CatalogueServiceStub(catalogue_channel), matching, matching_server, clean_stack
        )
