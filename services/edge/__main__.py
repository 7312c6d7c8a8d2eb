"""``python -m services.edge`` serves the HTTP edge (settings in services.edge.settings)."""

from __future__ import annotations

import sys

from services.edge.server import serve
from services.edge.settings import EdgeSettings
from services.runtime.config import SettingsError
from services.runtime.logs import configure_logging


def main() -> None:
    try:
        settings = EdgeSettings.from_env()
    except SettingsError as error:
        print(f"edge: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    configure_logging("edge", settings.log_level)
    serve(settings)


if __name__ == "__main__":
    main()
