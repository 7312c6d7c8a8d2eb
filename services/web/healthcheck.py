"""Container probe of the web app: ``python -m services.web.healthcheck [URL]`` exits 0 when
``/healthz`` answers 200 (the process serves), else 1."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def main(argv: list[str] | None = None) -> int:
    url = (argv if argv is not None else sys.argv[1:] or [DEFAULT_URL])[0]
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            return 0 if reply.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
