"""W3C trace context: one trace id follows a request through RPCs and events.

A ``traceparent`` value reads ``00-<trace id, 32 hex>-<span id, 16 hex>-<flags, 2 hex>``
(https://www.w3.org/TR/trace-context/). It arrives in gRPC metadata and in NATS headers
under the name ``traceparent``. Each service continues the trace it is given with a span
of its own (same trace id, new span id) or starts a new one, keeps it in ``current`` for
the duration of the RPC or event, and writes it into the events it publishes meanwhile.
The JSON logs carry the current trace and span ids, so one request can be followed
across services by its trace id.

The functions here are pure apart from drawing random ids (not secrets: ids need only be
unique, and the ``random`` module is reseeded in forked processes).
"""

from __future__ import annotations

import contextvars
import random
import re
from dataclasses import dataclass

HEADER = "traceparent"
"""Name of the gRPC metadata key and of the NATS header."""

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16
_SAMPLED = "01"
_NOT_SAMPLED = "00"


@dataclass(frozen=True, slots=True)
class TraceContext:
    """Where the current work sits: its trace, its own span, and the trace flags."""

    trace_id: str
    span_id: str
    flags: str = _SAMPLED

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


current: contextvars.ContextVar[TraceContext | None] = contextvars.ContextVar("trace", default=None)
"""The trace of the RPC or event being handled; None outside of one."""


def parse(value: str | None) -> TraceContext | None:
    """The context a ``traceparent`` value names, or None when it is absent or invalid.

    Follows the specification's rules: lowercase hex only, version ``ff`` and all-zero
    ids are invalid, and only versions above 00 may append fields after the flags. Of the
    flags only ``sampled`` is kept; the others are not understood here.
    """
    if not value:
        return None
    found = _TRACEPARENT.fullmatch(value.strip())
    if found is None:
        return None
    version, trace_id, span_id, flags, rest = found.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return TraceContext(trace_id, span_id, _SAMPLED if int(flags, 16) & 1 else _NOT_SAMPLED)


def format_traceparent(context: TraceContext) -> str:
    """The ``traceparent`` value of a context (always version 00)."""
    return context.traceparent


def _span_id() -> str:
    return f"{random.getrandbits(64) or 1:016x}"


def new_trace() -> TraceContext:
    """The root span of a new, sampled trace."""
    return TraceContext(f"{random.getrandbits(128) or 1:032x}", _span_id(), _SAMPLED)


def child(parent: TraceContext) -> TraceContext:
    """A new span in the parent's trace, with the parent's flags."""
    return TraceContext(parent.trace_id, _span_id(), parent.flags)


def continue_from(traceparent: str | None) -> TraceContext:
    """A span continuing the given trace, or the root of a new one when there is none."""
    parent = parse(traceparent)
    return child(parent) if parent is not None else new_trace()


def current_traceparent() -> str:
    """The ``traceparent`` to send on from here; empty outside of a trace."""
    context = current.get()
    return context.traceparent if context is not None else ""
