"""The OpenAPI 3.1 document of the edge, made from the compiled contracts.

Each RPC is ``POST /<package>.<Service>/<Method>`` with the request message as the JSON body
and the response message as the JSON reply (the Connect protocol's unary calls), in the proto3
JSON mapping: fields by their JSON name, 64-bit integers as strings, enums by name, timestamps
as RFC 3339 strings. Descriptions are the comments of the ``.proto`` files, so the descriptor
set must be compiled with source info (scripts/gen_openapi.py does).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
"""The committed document, which the edge serves (scripts/gen_openapi.py writes it)."""

Json = dict[str, Any]
Type = descriptor_pb2.FieldDescriptorProto

SERVICE_PACKAGES = (
    "socialerasmus.catalogue.v1",
    "socialerasmus.matching.v1",
    "socialerasmus.notify.v1",
)

PUBLIC_METHODS = frozenset({"socialerasmus.notify.v1.NotifyService.Unsubscribe"})
"""Methods that need no bearer token (notify's ServiceParts.public_methods)."""

ERROR_DETAILS = ("google.rpc.BadRequest", "google.rpc.PreconditionFailure", "google.rpc.RetryInfo")
"""The details the services attach to errors (services.runtime.status)."""

# Source-info paths (descriptor.proto's field numbers).
FILE_MESSAGES, FILE_ENUMS, FILE_SERVICES = 4, 5, 6
MESSAGE_FIELDS, MESSAGE_NESTED, MESSAGE_ENUMS = 2, 3, 4
ENUM_VALUES, SERVICE_METHODS = 2, 2

INT32_RANGE = {"minimum": -(2**31), "maximum": 2**31 - 1}
SCALARS: dict[int, Json] = {
    Type.TYPE_STRING: {"type": "string"},
    Type.TYPE_BOOL: {"type": "boolean"},
    Type.TYPE_BYTES: {"type": "string", "contentEncoding": "base64"},
    Type.TYPE_DOUBLE: {"type": "number", "format": "double"},
    Type.TYPE_FLOAT: {"type": "number", "format": "float"},
    Type.TYPE_INT32: {"type": "integer", "format": "int32", **INT32_RANGE},
    Type.TYPE_SINT32: {"type": "integer", "format": "int32", **INT32_RANGE},
    Type.TYPE_SFIXED32: {"type": "integer", "format": "int32", **INT32_RANGE},
    Type.TYPE_UINT32: {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
    Type.TYPE_FIXED32: {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
    **{
        kind: {"type": "string", "format": "int64", "pattern": "^-?[0-9]{1,19}$"}
        for kind in (Type.TYPE_INT64, Type.TYPE_SINT64, Type.TYPE_SFIXED64)
    },
    **{
        kind: {"type": "string", "format": "uint64", "pattern": "^[0-9]{1,20}$"}
        for kind in (Type.TYPE_UINT64, Type.TYPE_FIXED64)
    },
}
"""proto3 JSON: 64-bit integers are strings (JavaScript numbers lose precision past 2^53)."""

WELL_KNOWN: dict[str, Json] = {
    "google.protobuf.Timestamp": {
        "type": "string",
        "format": "date-time",
        "description": 'RFC 3339, UTC with a Z ("2027-03-14T10:00:00Z").',
    },
    "google.protobuf.Duration": {
        "type": "string",
        "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$",
        "description": 'Seconds with an s suffix ("1.5s").',
    },
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "description": "A message of the type named by @type, with its fields beside it.",
    },
}

CONNECT_CODES = (
    "canceled",
    "unknown",
    "invalid_argument",
    "deadline_exceeded",
    "not_found",
    "already_exists",
    "permission_denied",
    "resource_exhausted",
    "failed_precondition",
    "aborted",
    "out_of_range",
    "unimplemented",
    "internal",
    "unavailable",
    "data_loss",
    "unauthenticated",
)

ERROR_STATUSES = {
    "400": "INVALID_ARGUMENT (with the field violations) or FAILED_PRECONDITION",
    "401": "UNAUTHENTICATED: no valid bearer token",
    "403": "PERMISSION_DENIED: the token's role or section may not do this",
    "404": "NOT_FOUND",
    "409": "ALREADY_EXISTS, or ABORTED (a stale expected_version)",
    "429": "RESOURCE_EXHAUSTED",
    "503": "UNAVAILABLE: the service, or a server it needs, is down; retry later",
}

INTRODUCTION = """\
Every RPC of the SocialErasmus Match services (catalogue, matching, notify) as JSON over HTTP:
the [Connect protocol](https://connectrpc.com/docs/protocol) in front of the same gRPC
services, with the same bearer tokens, validation and status codes.

- Call `POST /<package>.<Service>/<Method>` with `Content-Type: application/json`, the request
  message as the body and `Authorization: Bearer <token>`. The reply is the response message.
- JSON is the proto3 JSON mapping: field names in lowerCamelCase (the proto names are accepted
  too), 64-bit integers as strings, enums by name, timestamps as RFC 3339 strings; fields
  left at their default are omitted. Unknown fields are ignored.
- An error has an HTTP status and a JSON body with `code` (`invalid_argument`, `not_found`,
  ...), `message` and `details`; for `invalid_argument` the `google.rpc.BadRequest` detail
  names each bad field in `debug.fieldViolations`.
- `Connect-Timeout-Ms` sets the call's deadline. `WatchInbox` streams with Connect's
  streaming framing (`Content-Type: application/connect+json`; see its description).
"""


@dataclass
class Comments:
    """The comments of one ``.proto`` file, by source path."""

    by_path: dict[tuple[int, ...], str] = field(default_factory=dict)

    @classmethod
    def of(cls, file: descriptor_pb2.FileDescriptorProto) -> Comments:
        return cls(
            {
                tuple(location.path): _cleaned(location.leading_comments)
                for location in file.source_code_info.location
                if location.leading_comments.strip()
            }
        )

    def at(self, *path: int) -> str:
        return self.by_path.get(path, "")


def _cleaned(comment: str) -> str:
    return "\n".join(line.removeprefix(" ") for line in comment.strip().splitlines()).strip()


@dataclass
class Contracts:
    """Messages, enums and services of a descriptor set, by full name, with comments."""

    messages: dict[str, tuple[descriptor_pb2.DescriptorProto, str, Comments, tuple[int, ...]]]
    enums: dict[str, tuple[descriptor_pb2.EnumDescriptorProto, Comments, tuple[int, ...]]]
    services: list[tuple[str, descriptor_pb2.ServiceDescriptorProto, Comments, int]]

    @classmethod
    def of(cls, files: descriptor_pb2.FileDescriptorSet) -> Contracts:
        contracts = cls({}, {}, [])
        for file in files.file:
            comments = Comments.of(file)
            for index, message in enumerate(file.message_type):
                contracts._add_message(file.package, message, comments, (FILE_MESSAGES, index))
            for index, enum in enumerate(file.enum_type):
                contracts.enums[f"{file.package}.{enum.name}"] = (
                    enum,
                    comments,
                    (FILE_ENUMS, index),
                )
            if file.package in SERVICE_PACKAGES:
                for index, service in enumerate(file.service):
                    contracts.services.append((file.package, service, comments, index))
        return contracts

    def _add_message(
        self,
        scope: str,
        message: descriptor_pb2.DescriptorProto,
        comments: Comments,
        path: tuple[int, ...],
    ) -> None:
        name = f"{scope}.{message.name}"
        self.messages[name] = (message, name, comments, path)
        for index, nested in enumerate(message.nested_type):
            self._add_message(name, nested, comments, (*path, MESSAGE_NESTED, index))
        for index, enum in enumerate(message.enum_type):
            self.enums[f"{name}.{enum.name}"] = (enum, comments, (*path, MESSAGE_ENUMS, index))


class Schemas:
    """JSON schemas of the messages and enums a document refers to, made as referred."""

    def __init__(self, contracts: Contracts) -> None:
        self.contracts = contracts
        self.components: dict[str, Json] = {}

    def ref(self, type_name: str) -> Json:
        name = type_name.lstrip(".")
        if name in WELL_KNOWN:
            return dict(WELL_KNOWN[name])
        if name not in self.components:
            self.components[name] = {}  # placeholder: messages may refer to themselves
            if name in self.contracts.enums:
                self.components[name] = self._enum(name)
            else:
                self.components[name] = self._message(name)
        return {"$ref": f"#/components/schemas/{name}"}

    def _enum(self, name: str) -> Json:
        enum, comments, path = self.contracts.enums[name]
        values = [value.name for value in enum.value]
        described = [
            f"- `{value.name}`: {text}"
            for index, value in enumerate(enum.value)
            if (text := comments.at(*path, ENUM_VALUES, index))
        ]
        description = "\n".join(filter(None, [comments.at(*path), *described]))
        return {"type": "string", "enum": values, **_described(description)}

    def _message(self, name: str) -> Json:
        message, _, comments, path = self.contracts.messages[name]
        properties = {}
        for index, declared in enumerate(message.field):
            schema = self._field(message, declared)
            text = comments.at(*path, MESSAGE_FIELDS, index)
            properties[declared.json_name] = {**schema, **_described(text)}
        return {
            "type": "object",
            "title": message.name,
            **_described(comments.at(*path)),
            "properties": properties,
        }

    def _field(
        self, message: descriptor_pb2.DescriptorProto, declared: descriptor_pb2.FieldDescriptorProto
    ) -> Json:
        entry = self._map_entry(message, declared)
        if entry is not None:
            return {"type": "object", "additionalProperties": self._singular(entry.field[1])}
        singular = self._singular(declared)
        if declared.label == Type.LABEL_REPEATED:
            return {"type": "array", "items": singular}
        return singular

    def _singular(self, declared: descriptor_pb2.FieldDescriptorProto) -> Json:
        if declared.type in (Type.TYPE_MESSAGE, Type.TYPE_ENUM):
            return self.ref(declared.type_name)
        return dict(SCALARS[declared.type])

    def _map_entry(
        self, message: descriptor_pb2.DescriptorProto, declared: descriptor_pb2.FieldDescriptorProto
    ) -> descriptor_pb2.DescriptorProto | None:
        if declared.label != Type.LABEL_REPEATED or declared.type != Type.TYPE_MESSAGE:
            return None
        entry_name = declared.type_name.rpartition(".")[2]
        for nested in message.nested_type:
            if nested.name == entry_name and nested.options.map_entry:
                return nested
        return None


def _described(text: str) -> Json:
    return {"description": text} if text else {}


def _summary(text: str) -> str:
    first = text.split("\n\n", maxsplit=1)[0].replace("\n", " ")
    return first.split(". ")[0].rstrip(".")


def error_schema(schemas: Schemas) -> Json:
    return {
        "type": "object",
        "title": "Connect error",
        "description": "What a failed call answers, whatever its HTTP status.",
        "required": ["code"],
        "properties": {
            "code": {"type": "string", "enum": list(CONNECT_CODES)},
            "message": {"type": "string", "description": "For people, in English."},
            "details": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "value"],
                    "properties": {
                        "type": {
                            "type": "string",
                            "description": "The detail's message type (google.rpc.BadRequest).",
                        },
                        "value": {
                            "type": "string",
                            "contentEncoding": "base64",
                            "description": "The detail in the protobuf binary format.",
                        },
                        "debug": {
                            "description": "The same detail as JSON.",
                            "anyOf": [schemas.ref(name) for name in ERROR_DETAILS],
                        },
                    },
                },
            },
        },
    }


def _operations(schemas: Schemas) -> Iterator[tuple[str, Json]]:
    for package, service, comments, service_index in schemas.contracts.services:
        full_service = f"{package}.{service.name}"
        for index, method in enumerate(service.method):
            text = comments.at(FILE_SERVICES, service_index, SERVICE_METHODS, index)
            full_method = f"{full_service}.{method.name}"
            if method.server_streaming:
                operation = _streaming(schemas, method, text)
            else:
                operation = _unary(schemas, method, text)
            operation = {
                "operationId": method.name,
                "tags": [service.name],
                **({"summary": _summary(text)} if text else {}),
                **operation,
            }
            if full_method in PUBLIC_METHODS:
                operation["security"] = []
            yield f"/{full_service}/{method.name}", {"post": operation}


def _errors() -> Json:
    return {
        **{code: {"$ref": "#/components/responses/Error"} for code in ERROR_STATUSES},
        "415": {
            "description": "The body is neither JSON (`application/json`) nor binary protobuf"
            " (`application/proto`), or no Content-Type says which; nothing else is sent."
        },
        "default": {"$ref": "#/components/responses/Error"},
    }


def _unary(schemas: Schemas, method: descriptor_pb2.MethodDescriptorProto, text: str) -> Json:
    return {
        **_described(text),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.ref(method.input_type)}},
        },
        "responses": {
            "200": {
                "description": "The response message.",
                "content": {"application/json": {"schema": schemas.ref(method.output_type)}},
            },
            **_errors(),
        },
    }


STREAM_FRAMING = """\
Connect server streaming: the request and each reply are enveloped, one byte of flags (0;
2 on the last envelope) and four bytes of length (big-endian) before the JSON of a message.
The last envelope carries `{}` when the stream ended well, or `{"error": {...}}` with a
Connect error. `fetch` reads it from `response.body`; `@connectrpc/connect-web` does it all.
"""


def _streaming(schemas: Schemas, method: descriptor_pb2.MethodDescriptorProto, text: str) -> Json:
    return {
        "description": "\n\n".join(filter(None, [text, STREAM_FRAMING])),
        "requestBody": {
            "required": True,
            "content": {
                "application/connect+json": {
                    "schema": {"type": "string", "format": "binary"},
                    "x-connect-message": schemas.ref(method.input_type),
                }
            },
        },
        "responses": {
            "200": {
                "description": "A stream of enveloped response messages.",
                "content": {
                    "application/connect+json": {
                        "schema": {"type": "string", "format": "binary"},
                        "x-connect-message": schemas.ref(method.output_type),
                    }
                },
            },
            **_errors(),
        },
    }


HEALTH = {
    "/healthz": {
        "get": {
            "operationId": "Healthz",
            "tags": ["Health"],
            "summary": "The edge answers (liveness)",
            "security": [],
            "responses": {
                "200": {
                    "description": "Serving.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"type": "string", "enum": ["SERVING"]}},
                                "required": ["status"],
                            }
                        }
                    },
                }
            },
        }
    }
}


def document(files: descriptor_pb2.FileDescriptorSet) -> Json:
    """The OpenAPI document of every service in SERVICE_PACKAGES within ``files``."""
    schemas = Schemas(Contracts.of(files))
    paths = dict(_operations(schemas))
    ids = [op["post"]["operationId"] for op in paths.values()]
    assert len(ids) == len(set(ids)), "method names must be unique across the services"
    error = error_schema(schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SocialErasmus Match API",
            "version": "v1",
            "description": INTRODUCTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/", "description": "This edge"}],
        "security": [{"bearer": []}],
        "tags": [
            {"name": service.name, **_described(comments.at(FILE_SERVICES, index))}
            for _, service, comments, index in schemas.contracts.services
        ],
        "paths": {**paths, **HEALTH},
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token of a principal: operator, platform, coordinator"
                    " of a section, or student.",
                }
            },
            "responses": {
                "Error": {
                    "description": "A Connect error: "
                    + "; ".join(f"{k} {v}" for k, v in ERROR_STATUSES.items()),
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {"Error": error, **dict(sorted(schemas.components.items()))},
        },
    }
