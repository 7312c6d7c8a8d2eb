"""W3C traceparent values: parsing, formatting, new traces and child spans."""

from __future__ import annotations

import re

import pytest

from services.runtime import tracing
from services.runtime.events import OutgoingEvent, event_of
from services.runtime.tracing import TraceContext
from socialerasmus.catalogue.v1 import events_pb2

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"
VALID = f"00-{TRACE}-{SPAN}-01"
SHAPE = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")


def test_a_valid_traceparent_parses_into_its_parts_and_formats_back() -> None:
    context = tracing.parse(VALID)

    assert context == TraceContext(TRACE, SPAN, "01")
    assert tracing.format_traceparent(context) == VALID
    assert context.traceparent == VALID


def test_the_sampled_flag_is_kept_and_other_flags_are_dropped() -> None:
    assert tracing.parse(f"00-{TRACE}-{SPAN}-00") == TraceContext(TRACE, SPAN, "00")
    assert tracing.parse(f"00-{TRACE}-{SPAN}-03") == TraceContext(TRACE, SPAN, "01")
    assert tracing.parse(f"00-{TRACE}-{SPAN}-02") == TraceContext(TRACE, SPAN, "00")


def test_surrounding_whitespace_is_tolerated() -> None:
    assert tracing.parse(f"  {VALID} ") == TraceContext(TRACE, SPAN, "01")


def test_a_later_version_may_append_fields_which_are_ignored() -> None:
    assert tracing.parse(f"01-{TRACE}-{SPAN}-01-what-comes-next") == TraceContext(TRACE, SPAN, "01")
    assert tracing.parse(f"01-{TRACE}-{SPAN}-01") == TraceContext(TRACE, SPAN, "01")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        f"00-{TRACE}-{SPAN}",  # no flags
        f"00-{TRACE}-{SPAN}-01-extra",  # version 00 has exactly four fields
        f"00-{TRACE}-{SPAN}-01-",
        f"ff-{TRACE}-{SPAN}-01",  # version ff is forbidden
        f"00-{'0' * 32}-{SPAN}-01",  # all-zero trace id
        f"00-{TRACE}-{'0' * 16}-01",  # all-zero span id
        f"00-{TRACE.upper()}-{SPAN}-01",  # uppercase hex
        f"00-{TRACE[:-1]}-{SPAN}-01",  # short trace id
        f"00-{TRACE}x-{SPAN}-01",
        f"00-{TRACE}-{SPAN[:-1]}g-01",  # not hex
        f"0-{TRACE}-{SPAN}-01",
        f"00_{TRACE}_{SPAN}_01",
    ],
)
def test_invalid_values_parse_as_none(value: str | None) -> None:
    assert tracing.parse(value) is None


def test_a_new_trace_is_sampled_with_fresh_random_ids() -> None:
    first, second = tracing.new_trace(), tracing.new_trace()

    assert SHAPE.fullmatch(first.traceparent)
    assert first.flags == "01"
    assert tracing.parse(first.traceparent) == first
    assert first.trace_id != second.trace_id
    assert first.span_id != second.span_id


def test_a_child_keeps_the_trace_and_flags_with_a_new_span() -> None:
    parent = TraceContext(TRACE, SPAN, "00")

    first, second = tracing.child(parent), tracing.child(parent)

    assert (first.trace_id, first.flags) == (TRACE, "00")
    assert first.span_id != SPAN
    assert first.span_id != second.span_id
    assert tracing.parse(first.traceparent) == first


def test_continue_from_continues_a_valid_parent_and_starts_over_otherwise() -> None:
    continued = tracing.continue_from(VALID)
    assert continued.trace_id == TRACE
    assert continued.span_id != SPAN

    for missing_or_bad in (None, "", f"ff-{TRACE}-{SPAN}-01"):
        fresh = tracing.continue_from(missing_or_bad)
        assert fresh.trace_id != TRACE
        assert SHAPE.fullmatch(fresh.traceparent)


def test_events_raised_inside_a_trace_carry_it_and_others_carry_none() -> None:
    """event_of stamps the current trace; headers() sends it only when there is one."""
    message = events_pb2.ActivityPublished(event_id="01J0000000000000000000000A")
    outside = event_of("se.catalogue.activity.published", message)
    assert outside.traceparent == ""
    assert tracing.HEADER not in outside.headers()

    token = tracing.current.set(TraceContext(TRACE, SPAN))
    try:
        inside = event_of("se.catalogue.activity.published", message)
    finally:
        tracing.current.reset(token)

    assert inside.traceparent == VALID
    assert inside.headers()[tracing.HEADER] == VALID
    assert tracing.current_traceparent() == ""


def test_an_event_built_by_hand_has_no_trace_unless_given_one() -> None:
    plain = OutgoingEvent("se.x", "id", b"", "t.T")
    traced = OutgoingEvent("se.x", "id", b"", "t.T", traceparent=VALID)

    assert plain.headers() == {
        "Nats-Msg-Id": "id",
        "Content-Type": "application/protobuf",
        "Se-Event-Type": "t.T",
    }
    assert traced.headers() == {**plain.headers(), "traceparent": VALID}
