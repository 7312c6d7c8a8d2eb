"""Loading the real ESN sections from data/esn_sections.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.kernel.sections import Section, load_sections


@pytest.fixture(scope="module")
def sections() -> list[Section]:
    return load_sections()


def test_loads_every_section_of_the_shipped_csv(sections: list[Section]) -> None:
    """The shipped listing has 513 sections in 45 countries, each with a unique id."""
    assert len(sections) >= 500
    assert len({s.country_code for s in sections}) == 45
    assert len({s.section_id for s in sections}) == len(sections)


def test_parses_fields(sections: list[Section]) -> None:
    """Text columns are kept as written; coordinates become the floats they spell."""
    tirana = next(s for s in sections if s.section_id == "esn-tirana")
    assert tirana == Section(
        section_id="esn-tirana",
        name="ESN Tirana",
        city="Tirana",
        country="Albania",
        country_code="al",
        esn_country="ESN Albania",
        university="",
        latitude=41.3275459,
        longitude=19.8186982,
    )
    yerevan = next(s for s in sections if s.section_id == "esn-yerevan")
    assert yerevan.university == "French University in Armenia (UFAR)"


def test_every_section_has_plausible_coordinates(sections: list[Section]) -> None:
    """ESN's sections lie between Portugal's islands and Kazakhstan."""
    for s in sections:
        assert 25 < s.latitude < 72, s.section_id
        assert -30 < s.longitude < 80, s.section_id
        assert len(s.country_code) == 2 and s.country_code.islower(), s.section_id
        assert s.name and s.city, s.section_id


def test_skips_rows_without_coordinates(tmp_path: Path) -> None:
    """A section the listing gives no place for cannot host activities, so it is left out."""
    csv = tmp_path / "sections.csv"
    csv.write_text(
        "section_id,section_name,city,country,country_code,esn_country,university,"
        "latitude,longitude,accounts_url\n"
        "esn-a,ESN A,Alpha,Spain,es,ESN Spain,Uni A,40.1,-3.5,https://accounts.esn.org/a\n"
        "esn-b,ESN B,Beta,Spain,es,ESN Spain,,,,https://accounts.esn.org/b\n",
        encoding="utf-8",
    )
    assert [s.section_id for s in load_sections(csv)] == ["esn-a"]
