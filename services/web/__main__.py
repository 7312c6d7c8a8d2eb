"""``python -m services.web`` serves the web app (settings in services.web.settings)."""

from __future__ import annotations

import sys

from services.runtime.config import SettingsError
from services.runtime.logs import configure_logging
from services.web.server import serve
from services.web.settings import WebSettings


def main() -> None:
    try:
        settings = WebSettings.from_env()
    except SettingsError as error:
        print(f"web: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    configure_logging("web", settings.log_level)
    serve(settings)


if __name__ == "__main__":
    main()
