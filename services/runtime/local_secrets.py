"""Secrets the local stack makes once and keeps in its folder, so links signed by one run
still verify in the next (and every process of one machine signs alike)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path


def random_secret() -> str:
    """32 random bytes, urlsafe base64."""
    return secrets.token_urlsafe(32)


def kept_secret(path: Path, make: Callable[[], str] = random_secret) -> str:
    """The secret in ``path``, made with ``make`` on first use (the file owner-only)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()
