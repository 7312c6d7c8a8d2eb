"""Lua scripts called with named keys and arguments.

Every script is a file of a service's ``lua/`` folder that declares, in ``--!`` lines at its
top, the names of what it takes, in the order Redis receives them::

    --! keys: activity confirmed outbox      -- KEYS, in this order
    --! args: student_id now_ms              -- then ARGV, in this order
    --! events: confirmed_event              -- outbox events (services.runtime.outbox)
    --! list items: key:entries activity_id  -- repeated: a count, then each item's values
    --! include: outbox tombstone            -- fragments of lua/, here or in the runtime's

The script reads them by name, ``K.activity``, ``A.student_id``, ``A.confirmed_event.subject``,
``A.items[i].entries`` (for ``i = 1, #A.items``), and a caller passes them by name:
``await script(activity=..., student_id=..., confirmed_event=event, items=[...])``. Nobody
counts positions: :class:`Script` lays the values out in the declared order, and when the
script is loaded each ``K.name`` and ``A.name`` becomes the ``KEYS[n]`` or ``ARGV[n]`` it
stands for (a name the script did not declare fails then), so names cost nothing per call:
nothing is copied into tables (a prologue only counts where each repeated group starts).
Included fragments (shared functions, such as the outbox append of
``services/runtime/lua/outbox.lua``) are prepended at load time too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from redis.asyncio import Redis

from services.runtime.events import OutgoingEvent
from services.runtime.outbox import EVENT_FIELDS, event_args

__all__ = ["Script", "Signature"]

RUNTIME = "services.runtime"
_DIRECTIVE = re.compile(r"^--!\s*(keys|args|events|include|list\s+\w+)\s*:(.*)$")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_REFERENCE = re.compile(r"\b([KA])\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?")
_ITEM_FIELD = re.compile(r"\bA\.(\w+)\[([^\[\]]+)\]\.(\w+)")
_COUNT = re.compile(r"#A\.(\w+)")

Value = str | bytes | int | float


@dataclass(frozen=True, slots=True)
class ListSpec:
    """A repeated group: each item's keys (appended to KEYS) and arguments (to ARGV)."""

    name: str
    keys: tuple[str, ...]
    args: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Signature:
    """What a script takes, by name, in the order Redis receives it."""

    keys: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    lists: tuple[ListSpec, ...] = ()
    includes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, source: str) -> Signature:
        found: dict[str, list[str]] = {"keys": [], "args": [], "events": [], "include": []}
        lists: dict[str, list[str]] = {}
        for line in source.splitlines():
            matched = _DIRECTIVE.match(line.strip())
            if matched is None:
                continue
            what, names = matched.group(1), matched.group(2).split()
            if what.startswith("list"):
                lists.setdefault(what.split()[1], []).extend(names)
            else:
                found[what].extend(names)
        signature = cls(
            keys=tuple(found["keys"]),
            args=tuple(found["args"]),
            events=tuple(found["events"]),
            lists=tuple(
                ListSpec(
                    name,
                    tuple(f.removeprefix("key:") for f in fields if f.startswith("key:")),
                    tuple(f for f in fields if not f.startswith("key:")),
                )
                for name, fields in lists.items()
            ),
            includes=tuple(found["include"]),
        )
        signature._check()
        return signature

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a caller passes."""
        return (*self.keys, *self.args, *self.events, *(spec.name for spec in self.lists))

    def _check(self) -> None:
        names = list(self.names)
        for spec in self.lists:
            if len(set(spec.keys + spec.args)) != len(spec.keys + spec.args):
                raise ValueError(f"list {spec.name} names a field twice")
            names += [*spec.keys, *spec.args]
        for name in names:
            if not _NAME.match(name):
                raise ValueError(f"{name!r} is not a Lua name for a key or argument")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"a name is declared twice in {self.names}")

    def bind(self, named: Mapping[str, object]) -> tuple[list[str], list[Value]]:
        """KEYS and ARGV for the values ``named``, in the declared order."""
        missing = [name for name in self.names if name not in named]
        unknown = [name for name in named if name not in self.names]
        if missing or unknown:
            raise TypeError(f"script arguments: missing {missing}, unknown {unknown}")
        keys = [_key(name, named[name]) for name in self.keys]
        args = [_value(name, named[name]) for name in self.args]
        for name in self.events:
            event = named[name]
            if event is not None and not isinstance(event, OutgoingEvent):
                raise TypeError(f"{name} must be an OutgoingEvent or None, not {type(event)}")
            args += event_args(event)
        for spec in self.lists:
            items = named[spec.name]
            if not isinstance(items, Sequence):
                raise TypeError(f"{spec.name} must be a sequence of mappings")
            args.append(len(items))
            for item in items:
                if not isinstance(item, Mapping) or set(item) != {*spec.keys, *spec.args}:
                    raise TypeError(f"each of {spec.name} takes {spec.keys + spec.args}")
                keys += [_key(field, item[field]) for field in spec.keys]
                args += [_value(field, item[field]) for field in spec.args]
        return keys, args

    def resolve(self, source: str) -> str:
        """``source`` with each name replaced by the ``KEYS[n]`` or ``ARGV[n]`` it stands
        for: ``K.name``, ``A.name``, ``A.event.field`` (an event named whole becomes a table
        of its fields), ``A.list[i].field`` and ``#A.list`` (positions the :meth:`prologue`
        counts). A name not declared, or used otherwise, raises ``ValueError``."""
        keys = {name: f"KEYS[{n}]" for n, name in enumerate(self.keys, 1)}
        args = {name: f"ARGV[{n}]" for n, name in enumerate(self.args, 1)}
        events: dict[str, dict[str, str]] = {}
        position = len(self.args) + 1
        for name in self.events:
            events[name] = {f: f"ARGV[{position + n}]" for n, f in enumerate(EVENT_FIELDS)}
            position += len(EVENT_FIELDS)
        lists = {spec.name: spec for spec in self.lists}

        def item_field(match: re.Match[str]) -> str:
            name, index, field = match.group(1), match.group(2), match.group(3)
            spec = lists.get(name)
            if spec is None or field not in spec.keys + spec.args:
                raise ValueError(f"undeclared list field {match.group(0)}")
            if field in spec.keys:
                offset = f"(({index}) - 1) * {len(spec.keys)} + {spec.keys.index(field)}"
                return f"KEYS[{name}_first_key + {offset}]"
            offset = f"(({index}) - 1) * {len(spec.args)} + {spec.args.index(field)}"
            return f"ARGV[{name}_first_arg + {offset}]"

        def count(match: re.Match[str]) -> str:
            if match.group(1) not in lists:
                raise ValueError(f"undeclared list {match.group(0)}")
            return f"{match.group(1)}_count"

        def named(match: re.Match[str]) -> str:
            table, name, field = match.group(1), match.group(2), match.group(3)
            if table == "K" and name in keys and field is None:
                return keys[name]
            if table == "A" and name in args and field is None:
                return args[name]
            if table == "A" and name in events:
                fields = events[name]
                if field is None:
                    return "{" + ", ".join(f"{f} = {v}" for f, v in fields.items()) + "}"
                if field in fields:
                    return fields[field]
            what = "key" if table == "K" else "argument"
            raise ValueError(f"undeclared {what} {match.group(0)} (a list: A.name[i].field)")

        source = _ITEM_FIELD.sub(item_field, source)
        source = _COUNT.sub(count, source)
        return _REFERENCE.sub(named, source)

    def prologue(self) -> str:
        """Lua locating each repeated group: ``<list>_count`` items, whose keys start at
        ``KEYS[<list>_first_key]`` and arguments at ``ARGV[<list>_first_arg]``. Nothing is
        copied: :meth:`resolve` turns ``A.list[i].field`` into its position."""
        lines = []
        next_key = str(len(self.keys) + 1)
        next_arg = str(len(self.args) + len(self.events) * len(EVENT_FIELDS) + 1)
        for spec in self.lists:
            n = spec.name
            lines += [
                f"local {n}_count = tonumber(ARGV[{next_arg}])",
                f"local {n}_first_key, {n}_first_arg = {next_key}, {next_arg} + 1",
            ]
            next_key = f"{n}_first_key + {n}_count * {len(spec.keys)}"
            next_arg = f"{n}_first_arg + {n}_count * {len(spec.args)}"
        return "".join(f"{line}\n" for line in lines)


def _key(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"key {name} must be a str, not {type(value)}")
    return value


def _value(name: str, value: object) -> Value:
    if isinstance(value, bool):  # Lua compares strings: '1' and '0'
        return "1" if value else "0"
    if not isinstance(value, str | bytes | int | float):
        raise TypeError(f"argument {name} must be str, bytes, int, float or bool, not {value!r}")
    return value


def _lua_file(package: str, name: str) -> str | None:
    path = resources.files(package).joinpath("lua", f"{name}.lua")
    return path.read_text() if path.is_file() else None


@functools.cache
def load(package: str, name: str) -> tuple[Signature, str]:
    """The signature of ``<package>/lua/<name>.lua`` and the source Redis runs: the prologue,
    the included fragments (of the package's ``lua/``, else the runtime's) and the script,
    its names resolved."""
    source = _lua_file(package, name)
    if source is None:
        raise FileNotFoundError(f"no script {name} in {package}/lua")
    signature = Signature.parse(source)
    parts = [signature.prologue()]
    for include in signature.includes:
        fragment = _lua_file(package, include) or _lua_file(RUNTIME, include)
        if fragment is None:
            raise FileNotFoundError(f"{name} includes {include}, found in no lua/ folder")
        parts.append(fragment)
    parts.append(source)
    return signature, signature.resolve("\n".join(parts))


class Script:
    """A script of ``<package>/lua/``, registered with ``redis`` (run by its SHA, loaded
    again after a Redis restart) and called with its keys and arguments by name."""

    def __init__(self, redis: Redis, package: str, name: str) -> None:
        self.signature, self.source = load(package, name)
        self._registered = redis.register_script(self.source)

    async def __call__(self, **named: object) -> Any:
        keys, args = self.signature.bind(named)
        return await self._registered(keys=keys, args=args)
