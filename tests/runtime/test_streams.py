"""Stream provisioning against the suite's real NATS."""

from __future__ import annotations

import nats
from nats.js.api import StreamConfig

from services.runtime.streams import DAY_SECONDS, provision_streams
from tests.conftest import Stack


async def test_delivery_and_dead_letter_streams_expire_and_the_catalogue_stays(
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
    finally:
        await client.close()
    assert ages["NOTIFY"] == 30 * DAY_SECONDS
    assert ages["DLQ"] == 90 * DAY_SECONDS
    assert not ages["CATALOGUE"]
    assert not ages["MATCHING"]
