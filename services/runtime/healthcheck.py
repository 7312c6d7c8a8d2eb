"""``python -m services.runtime.healthcheck [address] [--service NAME]``: one gRPC health probe.

Calls ``grpc.health.v1.Health/Check`` and exits 0 when the answer is SERVING, 1 otherwise:
NOT_SERVING (during graceful shutdown, or while Redis or a loop the service needs is down),
an unknown service name, a refused connection
or no answer within the timeout. It prints exactly one line and never a traceback, so it
suits container health checks (Docker reserves exit code 2, which is therefore never used,
not even for a bad command line).

The default ``--service ""`` asks about the server as a whole; a full gRPC service name such
as ``socialerasmus.catalogue.v1.CatalogueService`` asks about that service alone, and
``liveness`` whether the process serves at all (services.runtime.readiness). Health
methods need no bearer token (see services.runtime.interceptors).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

DEFAULT_ADDRESS = "127.0.0.1:50051"
DEFAULT_TIMEOUT_SECONDS = 2.0

HEALTHY = 0
UNHEALTHY = 1


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line on one line with exit code 1 instead of argparse's 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(UNHEALTHY)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check(
    address: str, service: str = "", timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> tuple[bool, str]:
    """Ask ``address`` about ``service``; return (serving, one-line description)."""
    target = f"{address} {service}" if service else address
    try:
        # Never through an HTTP proxy from the environment: the probe asks its own host.
        with grpc.insecure_channel(address, options=[("grpc.enable_http_proxy", 0)]) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()
        details = _one_line(str(error.details() or ""))
        if code is grpc.StatusCode.NOT_FOUND:
            return False, f"{target}: unknown service"
        if code is grpc.StatusCode.DEADLINE_EXCEEDED:
            return False, f"{target}: no answer within {timeout:g} s"
        return False, f"{target}: {code.name}: {details}" if details else f"{target}: {code.name}"
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    serving: bool = response.status == health_pb2.HealthCheckResponse.SERVING
    return serving, f"{target}: {status}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m services.runtime.healthcheck",
        description="Exit 0 if a gRPC server reports SERVING, else 1.",
    )
    parser.add_argument(
        "address",
        nargs="?",
        default=DEFAULT_ADDRESS,
        help=f"gRPC target, host:port (default {DEFAULT_ADDRESS})",
    )
    parser.add_argument(
        "--service",
        default="",
        metavar="NAME",
        help="full gRPC service name; empty (the default) means the whole server",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"deadline of the call (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    try:
        serving, line = check(args.address, args.service, args.timeout)
    except Exception as error:  # a probe reports, it does not crash
        serving, line = False, f"{args.address}: {type(error).__name__}: {_one_line(str(error))}"
    print(line, file=sys.stdout if serving else sys.stderr)
    return HEALTHY if serving else UNHEALTHY


if __name__ == "__main__":
    raise SystemExit(main())
