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
from protobuf import DescService, Registry
from protobuf.wkt import FileDescriptorSet
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


def compiled_files(paths: Iterable[str]) -> list[descriptor_pb.FileDescriptorProto]:
    """The files of google.protobuf's default pool, each after the files it imports."""
    ordered: dict[str, descriptor_pb.FileDescriptorProto] = {}

    def visit(path: str) -> None:
        if path in ordered:
            return
        compiled = descriptor_pool.Default().FindFileByName(path)
        for imported in compiled.dependencies:
            visit(imported.name)
        proto = descriptor_pb.FileDescriptorProto.from_binary(compiled.serialized_pb)
        _with_json_names(proto.message_type)
        ordered[path] = proto

    for path in paths:
        visit(path)
    return list(ordered.values())


@functools.cache
def registry() -> Registry:
    """Every message, enum and service of the contracts and of the error details."""
    files = compiled_files((*CONTRACT_FILES, *ERROR_FILES))
    found: Registry = FileDescriptorSet(file=files).to_registry()
    return found


def public_services() -> list[DescService]:
    """The services platforms call, in the order of CONTRACT_FILES."""
    files = [registry().file(path) for path in CONTRACT_FILES]
    return [service for file in files if file is not None for service in file.services]


def backend_of(service: DescService) -> str:
    """The service process answering ``service``: ``catalogue`` for
    ``socialerasmus.catalogue.v1.CatalogueService``."""
    return service.type_name.split(".")[1]
