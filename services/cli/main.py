"""Entry point of the ``socialerasmus`` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("socialerasmus: no commands yet", file=sys.stderr)
    return 2
