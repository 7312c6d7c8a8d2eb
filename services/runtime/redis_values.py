"""Values read back from Redis, which answers bytes (the clients keep protobuf as bytes)."""

from __future__ import annotations


def as_text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
