"""What the observability tests look at: JSON log lines as a service writes them, metric
values in the process registry, and scrapes of the HTTP endpoint."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from services.runtime import metrics
from services.runtime.logs import JsonFormatter


class JsonLines(logging.Handler):
    """Keeps each record as the JSON object the service's formatter makes of it, formatted
    when it is emitted (so in the context, and with the trace, of the code that logged)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter("test"))
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def where(self, **fields: Any) -> list[dict[str, Any]]:
        return [line for line in self.lines if fields.items() <= line.items()]


@contextlib.contextmanager
def json_logs(debug: tuple[str, ...] = ()) -> Iterator[JsonLines]:
    """Capture INFO and above from every logger, and DEBUG from the loggers in ``debug``."""
    handler = JsonLines()
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in debug}
    root_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in debug:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def value(name: str, **labels: str) -> float:
    """A sample of the process registry; 0 for a series not yet created."""
    found = metrics.REGISTRY.get_sample_value(name, labels)
    return 0.0 if found is None else found


async def scrape(url: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False, timeout=5.0) as client:
        response = await client.get(url)
    response.raise_for_status()
    return response


def exposed(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a text exposition, or None when it is not there."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def series(text: str, name: str) -> list[dict[str, str]]:
    """The label sets of every sample called ``name`` in a text exposition."""
    return [
        dict(sample.labels)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]
