"""Stream provisioning against the suite's real NATS."""

from __future__ import annotations

import nats
from nats.js.api import StreamConfig

from services.runtime.config import PERSONAL_DATA_RETENTION_SECONDS
from services.runtime.streams import provision_streams
from tests.conftest import Stack


async def test_streams_naming_students_expire_after_the_window_and_the_catalogue_stays(
    clean_stack: Stack,
) -> None:
    client = await nats.connect(clean_stack.nats_url)
    try:
        js = client.jetstream()
        # A NOTIFY stream made before it had an age limit gets one on the next start.
        await js.add_stream(StreamConfig(name="NOTIFY", subjects=["se.notify.>"]))
        await provision_streams(js)
        await provision_streams(js)  # idempotent
        ages = {
            name: (await js.stream_info(name)).config.max_age
            for name in ("CATALOGUE", "MATCHING", "NOTIFY", "DLQ")
        }
        # A shorter window applies on the next start; duplicates are remembered no longer.
        await provision_streams(js, personal_retention_seconds=30)
        short = await js.stream_info("MATCHING")
    finally:
        await client.close()
    assert ages["MATCHING"] == ages["NOTIFY"] == ages["DLQ"] == PERSONAL_DATA_RETENTION_SECONDS
    assert not ages["CATALOGUE"]
    assert (short.config.max_age, short.config.duplicate_window) == (30, 30)
