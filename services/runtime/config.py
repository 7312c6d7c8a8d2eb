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
    instance: str = field(default_factory=lambda: f"{os.uname().nodename}-{os.getpid()}")
    """Replica name, unique per process (outbox and consumer bookkeeping)."""
    grace_seconds: float = 5.0
    """How long in-flight RPCs may finish on shutdown."""

    def __post_init__(self) -> None:
        if self.log_level not in LEVELS:
            raise SettingsError(f"SE_LOG_LEVEL must be one of {', '.join(LEVELS)}")
        if not 1 <= self.stream_replicas <= 5:
            raise SettingsError("SE_STREAM_REPLICAS must be between 1 and 5")
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError(f"SE_{self.service.upper()}_LISTEN must be host:port")

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

        return cls(
            service=service,
            listen=env.get(f"SE_{service.upper()}_LISTEN") or f"0.0.0.0:{default_port}",
            nats_url=env.get("SE_NATS_URL") or None,
            redis_url=env.get("SE_REDIS_URL") or None,
            tokens_file=Path(env.get("SE_TOKENS_FILE") or local_dir / "tokens.json"),
            local_dir=local_dir,
            log_level=(env.get("SE_LOG_LEVEL") or "INFO").upper(),
            stream_replicas=number("SE_STREAM_REPLICAS", "1"),
            instance=env.get("SE_INSTANCE") or f"{os.uname().nodename}-{os.getpid()}",
            grace_seconds=float(env.get("SE_GRACE_SECONDS") or 5),
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
            "instance": self.instance,
        }


def redact(url: str) -> str:
    """Hide the password of a URL such as redis://user:secret@host."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
