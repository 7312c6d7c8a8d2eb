"""Reading the demo's data files, which ship inside the package."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["read_toml"]


def read_toml(*parts: str) -> dict[str, Any]:
    """The TOML file at ``data/<parts...>`` of this package."""
    source = resources.files(__package__ or "services.demo").joinpath("data", *parts)
    return tomllib.loads(source.read_text("utf-8"))
