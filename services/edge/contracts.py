"""The public services as the compiled contracts describe them, as protobuf-py descriptors.

protobuf-py's native codec turns messages to and from the proto3 JSON mapping about ten
times faster than google.protobuf's ``json_format``, and builds message types from
descriptors, so the edge needs no generated code of its own: it reads the descriptors that
the generated modules in ``socialerasmus/`` (and googleapis-common-protos, for the
``google.rpc`` error details) register with google.protobuf's default pool.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from google.protobuf import descriptor_pool
from google.rpc import error_details_pb2, status_pb2
from protobuf import DescFile, DescService, Registry
from protobuf._file_registry import create_file_registry
from protobuf.wkt.google.protobuf import descriptor_pb

from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.matching.v1 import matching_pb2
from socialerasmus.notify.v1 import notify_pb2

CONTRACT_FILES = tuple(
    module.DESCRIPTOR.name for module in (catalogue_pb2, matching_pb2, notify_pb2)
)
"""The files whose services the edge serves."""

ERROR_FILES = (status_pb2.DESCRIPTOR.name, error_details_pb2.DESCRIPTOR.name)
"""google.rpc.Status and the details the services attach to errors."""


def json_name(field_name: str) -> str:
    """The proto3 JSON name protoc gives a field: lowerCamelCase of its name."""
    head, *rest = field_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _with_json_names(messages: Iterable[descriptor_pb.DescriptorProto]) -> None:
    # Generated Python embeds descriptors without json_name, which protobuf-py reads as given.
    for message in messages:
        for field in message.field:
            if not field.has_field("json_name"):
                field.json_name = json_name(field.name)
        _with_json_names(message.nested_type)


@functools.cache
def compiled_file(path: str) -> DescFile:
    """A file of google.protobuf's default pool, and its imports, as protobuf-py sees them."""
    compiled = descriptor_pool.Default().FindFileByName(path)
    proto = descriptor_pb.FileDescriptorProto.from_binary(compiled.serialized_pb)
    _with_json_names(proto.message_type)
    found = create_file_registry(proto, compiled_file).file(path)
    assert found is not None
    return found


@functools.cache
def registry() -> Registry:
    """Every message, enum and service of the contracts and of the error details."""
    return Registry(*(compiled_file(path) for path in (*CONTRACT_FILES, *ERROR_FILES)))


def public_services() -> list[DescService]:
    """The services platforms call, in the order of CONTRACT_FILES."""
    return [service for path in CONTRACT_FILES for service in compiled_file(path).services]


def backend_of(service: DescService) -> str:
    """The service process answering ``service``: ``catalogue`` for
    ``socialerasmus.catalogue.v1.CatalogueService``."""
    return service.type_name.split(".")[1]
