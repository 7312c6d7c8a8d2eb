"""Running an example script and reading the journey it prints."""

from __future__ import annotations

import asyncio
import re

WELCOME_TITLE = "Welcome clean-up at La Malvarrosa beach"


async def run(*command: str) -> tuple[int, str, str]:
    """``command``'s exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def output_of(*command: str) -> str:
    """What ``command`` prints, once it exited 0 (its stderr shown when it did not)."""
    code, stdout, stderr = await run(*command)
    assert code == 0, stdout + stderr
    return stdout


def assert_journey(output: str, student: str, activity_id: str) -> None:
    """The script listed the welcome activity, recommended it first, enrolled ``student``,
    showed its inbox item and the field violation of a page size too large."""
    listed = output.partition("Activities in Spain:\n")[2].partition("Recommended for")[0]
    assert f"  {activity_id}  {WELCOME_TITLE} (Valencia, starts " in listed, output
    assert f"Recommended for {student}:\n  1. {activity_id}  {WELCOME_TITLE} (score " in output
    assert f"Enrolled {student} in {activity_id}: ENROLMENT_STATUS_CONFIRMED\n" in output
    assert re.search(rf"\[enrolment_confirmed\] .+ \(activity {activity_id}\)\n", output), output
    assert (
        "Bad input (pageSize 1000): HTTP 400 invalid_argument\n"
        "  page_size: must be between 1 and 100\n"
    ) in output
