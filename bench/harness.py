"""What every benchmark needs: real servers in a temp folder, a service process, timing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from services.runtime.auth import token_digest
from services.runtime.localstack import LocalStack, free_port
from services.runtime.processes import wait_until_serving

RESULTS = Path(__file__).resolve().parent / "results"
BENCH_TOKEN = "bench-operator-token"


@dataclass(frozen=True, slots=True)
class Rate:
    """Throughput and latency of one measured operation."""

    name: str
    concurrency: int
    operations: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float


async def measure(
    name: str, operation: Callable[[int], Awaitable[object]], total: int, concurrency: int
) -> Rate:
    """Run ``operation(i)`` for i in range(total) with ``concurrency`` workers."""
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker() -> None:
        for index in counter:
            started = time.perf_counter()
            await operation(index)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return Rate(
        name,
        concurrency,
        total,
        round(elapsed, 3),
        round(total / elapsed, 1),
        round(quantiles[49] * 1000, 3),
        round(quantiles[98] * 1000, 3),
    )


@contextlib.contextmanager
def bench_stack() -> Iterator[tuple[LocalStack, Path]]:
    with tempfile.TemporaryDirectory(prefix="se-bench-") as tmp:
        data = Path(tmp)
        stack = LocalStack(
            data, nats_port=free_port(), redis_port=free_port(), mail_port=free_port()
        )
        stack.start()
        tokens = data / "tokens.json"
        tokens.write_text(
            json.dumps({"tokens": [{"sha256": token_digest(BENCH_TOKEN), "role": "operator"}]})
        )
        try:
            yield stack, tokens
        finally:
            stack.stop()


def spawn(module: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", module], env=env)


@contextlib.asynccontextmanager
async def service_process(
    module: str,
    name: str,
    stack: LocalStack,
    tokens: Path,
    ready_timeout: float = 30.0,
    *,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[tuple[str, int]]:
    """Start ``python -m module`` as production would, with ``env`` (``SE_*`` settings)
    added; yield its address and pid."""
    port = free_port()
    environment = {
        **os.environ,
        "SE_NATS_URL": stack.nats_url,
        "SE_REDIS_URL": stack.redis_url,
        "SE_TOKENS_FILE": str(tokens),
        f"SE_{name.upper()}_LISTEN": f"127.0.0.1:{port}",
        "SE_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    process = spawn(module, environment)
    try:
        address = f"127.0.0.1:{port}"
        if not await wait_until_serving(address, ready_timeout):
            raise RuntimeError(f"{module} did not start")
        yield address, process.pid
    finally:
        process.terminate()
        process.wait(15)


def machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def save(name: str, results: dict[str, object]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **results}, indent=2) + "\n")
    return path


def as_dict(rate: Rate) -> dict[str, object]:
    return asdict(rate)


def print_rates(rates: Iterable[Mapping[str, Any]]) -> None:
    """One line per rate (as ``as_dict`` saved it): name, concurrency, throughput, p50, p99."""
    for rate in rates:
        print(
            f"{rate['name']:<20} c={rate['concurrency']:<3} {rate['per_second']:>9.1f}/s"
            f"  p50 {rate['p50_ms']:.2f} ms  p99 {rate['p99_ms']:.2f} ms"
        )


def resident_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process, in MiB (Linux); ``VmHWM`` for its peak so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0
