"""The container health probe against a real in-process gRPC health server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.runtime import healthcheck
from services.runtime.localstack import free_port

SERVICE = "socialerasmus.test.v1.Probe"


@pytest.fixture
async def health_server() -> AsyncIterator[tuple[str, health.aio.HealthServicer]]:
    server = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield f"127.0.0.1:{port}", servicer
    finally:
        await server.stop(None)


@pytest.fixture
def silent_listener() -> Iterator[str]:
    """A TCP port that accepts connections but never speaks HTTP/2."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"127.0.0.1:{listener.getsockname()[1]}"


async def probe(*argv: str) -> int:
    # The probe is a blocking client: run it off the loop that serves the health server.
    return await asyncio.to_thread(healthcheck.main, list(argv))


async def test_serving_exits_0(
    health_server: tuple[str, health.aio.HealthServicer], capsys: pytest.CaptureFixture[str]
) -> None:
    address, servicer = health_server
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)

    assert await probe(address) == 0
    out, err = capsys.readouterr()
    assert out == f"{address}: SERVING\n"
    assert err == ""


async def test_not_serving_exits_1(
    health_server: tuple[str, health.aio.HealthServicer], capsys: pytest.CaptureFixture[str]
) -> None:
    address, servicer = health_server
    await servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)

    assert await probe(address) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{address}: NOT_SERVING\n"


async def test_graceful_shutdown_turns_unhealthy(
    health_server: tuple[str, health.aio.HealthServicer],
) -> None:
    address, servicer = health_server
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    assert await probe(address) == 0

    await servicer.enter_graceful_shutdown()

    assert await probe(address) == 1


async def test_named_service(
    health_server: tuple[str, health.aio.HealthServicer], capsys: pytest.CaptureFixture[str]
) -> None:
    address, servicer = health_server
    await servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    await servicer.set(SERVICE, health_pb2.HealthCheckResponse.SERVING)

    assert await probe(address, "--service", SERVICE) == 0
    assert capsys.readouterr().out == f"{address} {SERVICE}: SERVING\n"

    assert await probe(address, "--service", "socialerasmus.test.v1.Unknown") == 1
    assert capsys.readouterr().err.endswith(": unknown service\n")


async def test_unreachable_exits_1_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{free_port()}"  # nothing listens there

    assert await probe(address) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{address}: UNAVAILABLE")
    assert err.count("\n") == 1
    assert "Traceback" not in err


async def test_silent_server_times_out(
    silent_listener: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await probe(silent_listener, "--timeout", "0.3") == 1
    assert capsys.readouterr().err == f"{silent_listener}: no answer within 0.3 s\n"


def test_default_address_is_the_catalogue_port() -> None:
    assert healthcheck.DEFAULT_ADDRESS == "127.0.0.1:50051"
    assert healthcheck.DEFAULT_TIMEOUT_SECONDS == 2.0


@pytest.mark.parametrize("argv", [["--bogus"], ["--timeout", "0"], ["a:1", "b:2"]])
def test_bad_command_line_exits_1_not_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        healthcheck.main(argv)
    assert exited.value.code == 1
    assert capsys.readouterr().err.count("\n") == 1
