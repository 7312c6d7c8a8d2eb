"""The edge's container probe: ``python -m services.edge.healthcheck [URL]`` exits 0 when
the edge answers 200 at URL (by default its own /healthz on port 8080), else 1."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8080/healthz"
TIMEOUT_SECONDS = 3


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as reply:
            return bool(reply.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    raise SystemExit(0 if healthy(url) else 1)


if __name__ == "__main__":
    main()
