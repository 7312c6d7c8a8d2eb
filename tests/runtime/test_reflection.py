"""Server reflection answers as v1 (what grpcurl and buf curl try first) and as v1alpha."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_reflection.v1alpha import reflection_pb2 as v1alpha

from services.runtime.auth import TokenRegistry
from services.runtime.reflection import V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME, register_v1_file
from services.runtime.server import Registration, ServiceParts, serve
from socialerasmus.catalogue.v1 import catalogue_pb2_grpc
from tests.conftest import channel_to

CATALOGUE = "socialerasmus.catalogue.v1.CatalogueService"


def v1_message(name: str) -> type:
    register_v1_file()
    found = descriptor_pool.Default().FindMessageTypeByName(f"grpc.reflection.v1.{name}")
    message: type = message_factory.GetMessageClass(found)
    return message


@pytest.fixture
async def address() -> AsyncIterator[str]:
    registration = Registration(
        lambda server: catalogue_pb2_grpc.add_CatalogueServiceServicer_to_server(
            catalogue_pb2_grpc.CatalogueServiceServicer(),  # type: ignore[abstract]  # unimplemented
            server,
        ),
        CATALOGUE,
    )
    parts = ServiceParts(registrations=[registration])
    async with serve("127.0.0.1:0", TokenRegistry({}), parts, 0.1) as running:
        yield running.address


async def ask(address: str, service: str, request: object, reply_type: type) -> object:
    async with channel_to(address) as channel:
        call = channel.stream_stream(
            f"/{service}/ServerReflectionInfo",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=reply_type.FromString,  # type: ignore[attr-defined]
        )
        replies = [reply async for reply in call(iter([request]))]
    assert len(replies) == 1
    return replies[0]


async def test_v1_lists_the_services_and_describes_itself(address: str) -> None:
    request, response = (
        v1_message("ServerReflectionRequest"),
        v1_message("ServerReflectionResponse"),
    )

    listed = await ask(address, V1_SERVICE_NAME, request(list_services=""), response)
    names = {s.name for s in listed.list_services_response.service}  # type: ignore[attr-defined]
    assert {CATALOGUE, "grpc.health.v1.Health", V1_SERVICE_NAME, V1ALPHA_SERVICE_NAME} <= names

    described = await ask(
        address, V1_SERVICE_NAME, request(file_containing_symbol=V1_SERVICE_NAME), response
    )
    files = described.file_descriptor_response.file_descriptor_proto  # type: ignore[attr-defined]
    file = descriptor_pb2.FileDescriptorProto.FromString(files[0])
    assert file.name == "grpc/reflection/v1/reflection.proto"
    assert file.service[0].method[0].input_type == ".grpc.reflection.v1.ServerReflectionRequest"

    contract = await ask(
        address, V1_SERVICE_NAME, request(file_containing_symbol=CATALOGUE), response
    )
    files = contract.file_descriptor_response.file_descriptor_proto  # type: ignore[attr-defined]
    assert "socialerasmus/catalogue/v1/catalogue.proto" in {
        descriptor_pb2.FileDescriptorProto.FromString(f).name for f in files
    }


async def test_v1alpha_still_answers(address: str) -> None:
    listed = await ask(
        address,
        V1ALPHA_SERVICE_NAME,
        v1alpha.ServerReflectionRequest(list_services=""),
        v1alpha.ServerReflectionResponse,
    )
    names = {s.name for s in listed.list_services_response.service}  # type: ignore[attr-defined]
    assert CATALOGUE in names
