"""Lua scripts with named keys and arguments, against the suite's real Redis."""

from __future__ import annotations

from typing import Any

import pytest
from redis.asyncio import Redis

from services.runtime.events import OutgoingEvent, new_event_id
from services.runtime.outbox import event_from_fields
from services.runtime.scripts import Script, Signature

PACKAGE = "tests.runtime"
SOURCE = """
--! keys: activity outbox
--! args: student_id now_ms
--! events: confirmed waitlisted
--! list items: key:entries excludes
--! list items: kind
--! include: outbox
return 1
"""


def an_event(subject: str = "se.catalogue.activity.published") -> OutgoingEvent:
    return OutgoingEvent(subject, new_event_id(), b"\x00payload\xff", "test.Event", "00-trace")


def test_keys_and_arguments_are_laid_out_in_the_declared_order() -> None:
    signature = Signature.parse(SOURCE)
    assert signature.keys == ("activity", "outbox")
    assert signature.args == ("student_id", "now_ms")
    assert signature.includes == ("outbox",)
    event = an_event()
    keys, args = signature.bind(
        {
            "items": [
                {"entries": "e:1", "excludes": True, "kind": 3},
                {"entries": "e:2", "excludes": False, "kind": 4},
            ],
            "waitlisted": event,
            "now_ms": 17,
            "confirmed": None,
            "outbox": "o",
            "student_id": "ana",
            "activity": "a:1",
        }
    )
    assert keys == ["a:1", "o", "e:1", "e:2"]
    no_event = ["", "", b"", "", "", ""]
    as_args = [event.subject, event.event_id, event.payload, "test.Event", "00-trace", ""]
    assert args == ["ana", 17, *no_event, *as_args, 2, "1", 3, "0", 4]


def test_a_missing_unknown_or_mistyped_value_is_refused() -> None:
    signature = Signature.parse("--! keys: first\n--! args: number\n--! events: event\n")
    with pytest.raises(TypeError, match=r"missing \['event'\], unknown \['other'\]"):
        signature.bind({"first": "k", "number": 1, "other": 2})
    with pytest.raises(TypeError, match="key first must be a str"):
        signature.bind({"first": b"k", "number": 1, "event": None})
    with pytest.raises(TypeError, match="number must be str, bytes, int, float or bool"):
        signature.bind({"first": "k", "number": None, "event": None})
    with pytest.raises(TypeError, match="event must be an OutgoingEvent"):
        signature.bind({"first": "k", "number": 1, "event": "se.x.y.z"})


def test_a_name_declared_twice_or_not_a_lua_name_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Signature.parse("--! keys: first\n--! args: first\n")
    with pytest.raises(ValueError, match="not a Lua name"):
        Signature.parse("--! args: now-ms\n")


async def test_a_script_reads_every_value_by_its_name(redis_client: Redis) -> None:
    echo = Script(redis_client, PACKAGE, "echo")
    event = an_event()
    result: Any = await echo(
        text="hola",
        items=[{"place": "p:1", "label": "one"}, {"place": "p:2", "label": "two"}],
        event=event,
        flag=False,
        number=42,
        outbox="test:outbox",
        first="k:first",
    )
    assert result == [b"k:first", b"42", b"0", b"hola", b"p:1=one,p:2=two", 2]
    # The outbox fragment writes the entry the relay reads back as the same event.
    entries: Any = await redis_client.xrange("test:outbox")
    [(_, fields)] = entries
    assert event_from_fields(fields) == event


async def test_an_absent_event_appends_nothing(redis_client: Redis) -> None:
    echo = Script(redis_client, PACKAGE, "echo")
    await echo(first="k", outbox="test:outbox", number=1, flag=True, text="", event=None, items=[])
    assert await redis_client.xlen("test:outbox") == 0


def test_a_name_the_script_did_not_declare_fails_when_it_is_loaded(redis_client: Redis) -> None:
    with pytest.raises(ValueError, match=r"undeclared key K\.second"):
        Script(redis_client, PACKAGE, "undeclared")


def test_names_become_the_positions_they_stand_for() -> None:
    signature = Signature.parse(SOURCE)
    resolved = signature.resolve(
        "return {K.outbox, A.now_ms, A.waitlisted.event_id, A.confirmed, #A.items,"
        " A.items[i].entries, A.items[i + 1].kind}"
    )
    confirmed = "subject = ARGV[3], event_id = ARGV[4], payload = ARGV[5], type = ARGV[6]"
    assert resolved == (
        "return {KEYS[2], ARGV[2], ARGV[10], {"
        + confirmed
        + ", traceparent = ARGV[7], headers = ARGV[8]}, items_count,"
        " KEYS[items_first_key + ((i) - 1) * 1 + 0], ARGV[items_first_arg + ((i + 1) - 1) * 2 + 1]}"
    )
    assert signature.prologue() == (
        "local items_count = tonumber(ARGV[15])\n"
        "local items_first_key, items_first_arg = 3, 15 + 1\n"
    )
    with pytest.raises(ValueError, match=r"undeclared argument A\.waitlisted\.kind"):
        signature.resolve("return A.waitlisted.kind")
    with pytest.raises(ValueError, match=r"undeclared list field A\.items\[1\]\.rank"):
        signature.resolve("return A.items[1].rank")
    with pytest.raises(ValueError, match=r"undeclared argument A\.items"):
        signature.resolve("return A.items")
