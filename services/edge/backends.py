"""gRPC channels to the services behind the edge, one per service, made in the server's
event loop on first use and kept for the life of the edge (gRPC reconnects by itself), each
sending calls to every replica of its service in turn (:mod:`services.runtime.replicas`)."""

from __future__ import annotations

from collections.abc import Mapping

import grpc

from services.runtime.replicas import ROUND_ROBIN

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
"""Largest reply taken from a service (an AllocateWeek page), as the Python client does."""


class Backends:
    def __init__(self, addresses: Mapping[str, str]) -> None:
        self.addresses = dict(addresses)
        self._channels: dict[str, grpc.aio.Channel] = {}

    def channel(self, name: str) -> grpc.aio.Channel:
        if name not in self._channels:
            self._channels[name] = grpc.aio.insecure_channel(
                self.addresses[name],
                options=[("grpc.max_receive_message_length", MAX_MESSAGE_BYTES), ROUND_ROBIN],
            )
        return self._channels[name]

    def channels(self) -> dict[str, grpc.aio.Channel]:
        return {name: self.channel(name) for name in self.addresses}

    async def close(self) -> None:
        channels, self._channels = self._channels, {}
        for channel in channels.values():
            await channel.close()
