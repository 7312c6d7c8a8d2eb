"""Settings from environment variables, read once at start-up.

Every variable is listed in ``.env.example``. Secrets (URLs may hold passwords) are never
logged: ``describe()`` redacts them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

PERSONAL_DATA_RETENTION_SECONDS = 7 * 24 * 3600.0
"""A week: consumers acknowledge in milliseconds, so this only has to cover an outage."""

LOCAL_METRICS_PORTS = {"catalogue": 9101, "matching": 9102, "notify": 9103}
"""Where each service serves its metrics when it runs on the local stack and no
``SE_METRICS_LISTEN`` is set (127.0.0.1 only)."""


class SettingsError(ValueError):
    """A variable is malformed; the message names it."""


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class RuntimeSettings:
    """What every service needs to start."""

    service: str
    """Service name, used in logs, consumer names and key prefixes."""
    listen: str
    """gRPC listen address, ``host:port``; port 0 picks a free one."""
    nats_url: str | None = None
    """NATS URL(s), comma-separated; empty starts the local stack."""
    redis_url: str | None = None
    """Redis URL; empty starts the local stack."""
    tokens_file: Path = field(default_factory=lambda: project_root() / ".local" / "tokens.json")
    """JSON file mapping token hashes to principals (see services.runtime.auth)."""
    local_dir: Path = field(default_factory=lambda: project_root() / ".local")
    """Where the local stack keeps its data, logs and dev tokens."""
    log_level: str = "INFO"
    stream_replicas: int = 1
    """JetStream replicas per stream: 1 locally, 3 in a cluster."""
    personal_data_retention_seconds: float = PERSONAL_DATA_RETENTION_SECONDS
    """How long the streams that carry personal data keep a message (services.runtime.streams);
    the same for every service, as each provisions the streams at start-up."""
    instance: str = field(default_factory=lambda: f"{os.uname().nodename}-{os.getpid()}")
    """Replica name, unique per process (outbox and consumer bookkeeping)."""
    grace_seconds: float = 5.0
    """How long in-flight RPCs may finish on shutdown."""
    metrics_listen: str | None = None
    """HTTP ``host:port`` serving Prometheus metrics at /metrics; None serves none."""
    metrics_best_effort: bool = False
    """True for the local stack's default metrics port: if it is taken (say, by another
    checkout's services), the service runs without metrics instead of failing."""

    def __post_init__(self) -> None:
        if self.log_level not in LEVELS:
            raise SettingsError(f"SE_LOG_LEVEL must be one of {', '.join(LEVELS)}")
        if not 1 <= self.stream_replicas <= 5:
            raise SettingsError("SE_STREAM_REPLICAS must be between 1 and 5")
        if self.personal_data_retention_seconds < 1:
            raise SettingsError("SE_PERSONAL_DATA_RETENTION_SECONDS must be at least 1")
        if not _is_host_port(self.listen):
            raise SettingsError(f"SE_{self.service.upper()}_LISTEN must be host:port")
        if self.metrics_listen is not None and not _is_host_port(self.metrics_listen):
            raise SettingsError(
                f"SE_{self.service.upper()}_METRICS_LISTEN or SE_METRICS_LISTEN must be"
                " host:port or off"
            )

    @property
    def uses_local_stack(self) -> bool:
        return not (self.nats_url and self.redis_url)

    @classmethod
    def from_env(
        cls, service: str, default_port: int, env: Mapping[str, str] | None = None
    ) -> RuntimeSettings:
        env = os.environ if env is None else env
        root = project_root()
        local_dir = Path(env.get("SE_LOCAL_DIR") or root / ".local")

        def number(name: str, default: str) -> int:
            raw = env.get(name) or default
            if not raw.isdigit():
                raise SettingsError(f"{name} must be a whole number, got {raw!r}")
            return int(raw)

        metrics_listen, best_effort = metrics_listen_from_env(
            service, env, local_stack=not (env.get("SE_NATS_URL") and env.get("SE_REDIS_URL"))
        )
        return cls(
            service=service,
            listen=env.get(f"SE_{service.upper()}_LISTEN") or f"0.0.0.0:{default_port}",
            nats_url=env.get("SE_NATS_URL") or None,
            redis_url=env.get("SE_REDIS_URL") or None,
            tokens_file=Path(env.get("SE_TOKENS_FILE") or local_dir / "tokens.json"),
            local_dir=local_dir,
            log_level=(env.get("SE_LOG_LEVEL") or "INFO").upper(),
            stream_replicas=number("SE_STREAM_REPLICAS", "1"),
            personal_data_retention_seconds=number(
                "SE_PERSONAL_DATA_RETENTION_SECONDS", str(int(PERSONAL_DATA_RETENTION_SECONDS))
            ),
            instance=env.get("SE_INSTANCE") or f"{os.uname().nodename}-{os.getpid()}",
            grace_seconds=float(env.get("SE_GRACE_SECONDS") or 5),
            metrics_listen=metrics_listen,
            metrics_best_effort=best_effort,
        )

    def describe(self) -> dict[str, str]:
        """Settings safe to log."""
        return {
            "service": self.service,
            "listen": self.listen,
            "nats_url": redact(self.nats_url or "local stack"),
            "redis_url": redact(self.redis_url or "local stack"),
            "tokens_file": str(self.tokens_file),
            "stream_replicas": str(self.stream_replicas),
            "personal_data_retention_seconds": str(self.personal_data_retention_seconds),
            "instance": self.instance,
            "metrics_listen": self.metrics_listen or "off",
        }


def metrics_listen_from_env(
    service: str, env: Mapping[str, str], *, local_stack: bool
) -> tuple[str | None, bool]:
    """Where to serve metrics, and whether that is the best-effort local default.

    ``SE_<SERVICE>_METRICS_LISTEN`` (for several services sharing one environment, as
    under ``make run``), else ``SE_METRICS_LISTEN``; ``off`` turns metrics off. Unset, a
    service on the local stack serves on 127.0.0.1 at its port in LOCAL_METRICS_PORTS, and
    one with external NATS and Redis serves none.
    """
    configured = (
        env.get(f"SE_{service.upper()}_METRICS_LISTEN") or env.get("SE_METRICS_LISTEN") or ""
    ).strip()
    if configured.lower() == "off":
        return None, False
    if configured:
        return configured, False
    if local_stack and service in LOCAL_METRICS_PORTS:
        return f"127.0.0.1:{LOCAL_METRICS_PORTS[service]}", True
    return None, False


def _is_host_port(address: str) -> bool:
    host, _, port = address.rpartition(":")
    return bool(host) and port.isdigit()


def redact(url: str) -> str:
    """Hide the password of a URL such as redis://user:secret@host."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
