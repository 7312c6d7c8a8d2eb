"""The real ESN sections (``data/esn_sections.csv``), as plain values."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "esn_sections.csv"


@dataclass(frozen=True, slots=True)
class Section:
    """One local ESN section, as accounts.esn.org lists it."""

    section_id: str
    """accounts.esn.org organisation id, e.g. ``esn-tirana``."""
    name: str
    city: str
    country: str
    country_code: str
    """ISO 3166-1 alpha-2, lower case (``es``)."""
    esn_country: str
    """National organisation, e.g. ``ESN Spain``."""
    university: str
    """Host university; empty when the listing names none."""
    latitude: float
    longitude: float


def load_sections(path: Path | None = None) -> list[Section]:
    """Reads the sections CSV in file order, skipping rows without coordinates."""
    with (path or DEFAULT_PATH).open(newline="", encoding="utf-8") as f:
        return [
            Section(
                section_id=row["section_id"].strip(),
                name=row["section_name"].strip(),
                city=row["city"].strip(),
                country=row["country"].strip(),
                country_code=row["country_code"].strip().lower(),
                esn_country=row["esn_country"].strip(),
                university=row["university"].strip(),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(f)
            if row["latitude"].strip() and row["longitude"].strip()
        ]
