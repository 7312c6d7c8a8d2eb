"""The edge's settings, from environment variables read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.runtime.config import LEVELS, SettingsError

DEFAULT_LISTEN = "0.0.0.0:8080"
DEFAULT_BACKENDS = {
    "catalogue": "127.0.0.1:50051",
    "matching": "127.0.0.1:50052",
    "notify": "127.0.0.1:50053",
}


@dataclass(frozen=True, slots=True)
class EdgeSettings:
    listen: str = DEFAULT_LISTEN
    """HTTP ``host:port`` (SE_HTTP_LISTEN)."""
    backends: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_BACKENDS))
    """gRPC address of each service (SE_CATALOGUE_ADDRESS, SE_MATCHING_ADDRESS,
    SE_NOTIFY_ADDRESS)."""
    allowed_origins: tuple[str, ...] = ()
    """Origins whose pages may call the API (SE_HTTP_ALLOWED_ORIGINS, comma-separated;
    ``*`` for any); none by default, so browsers on other origins are refused."""
    allow_credentials: bool = False
    """Whether browsers may send cookies or HTTP authentication along
    (SE_HTTP_ALLOW_CREDENTIALS); the API authenticates with bearer tokens, so off."""
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError("SE_HTTP_LISTEN must be host:port")
        for origin in self.allowed_origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise SettingsError(
                    f"SE_HTTP_ALLOWED_ORIGINS: {origin!r} is not an origin such as"
                    " https://esn.example.org"
                )
        if self.allow_credentials and "*" in self.allowed_origins:
            raise SettingsError("SE_HTTP_ALLOW_CREDENTIALS needs explicit origins, not *")
        if self.log_level not in LEVELS:
            raise SettingsError(f"SE_LOG_LEVEL must be one of {', '.join(LEVELS)}")

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> EdgeSettings:
        env = os.environ if env is None else env
        origins = tuple(
            o.strip().rstrip("/") for o in env.get("SE_HTTP_ALLOWED_ORIGINS", "").split(",")
        )
        credentials = env.get("SE_HTTP_ALLOW_CREDENTIALS", "").strip().lower()
        if credentials not in ("", "true", "false"):
            raise SettingsError("SE_HTTP_ALLOW_CREDENTIALS must be true or false")
        return cls(
            listen=env.get("SE_HTTP_LISTEN") or DEFAULT_LISTEN,
            backends={
                name: env.get(f"SE_{name.upper()}_ADDRESS") or address
                for name, address in DEFAULT_BACKENDS.items()
            },
            allowed_origins=tuple(o for o in origins if o),
            allow_credentials=credentials == "true",
            log_level=(env.get("SE_LOG_LEVEL") or "INFO").upper(),
        )
