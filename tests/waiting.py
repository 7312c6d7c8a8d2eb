"""Waiting, in tests, for something another task or process will make true."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], what: str = "the condition", timeout: float = 10
) -> None:
    """Wait until ``check`` (plain or async) holds, failing with ``what`` after ``timeout``
    seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if await result if inspect.isawaitable(result) else result:
            return
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
