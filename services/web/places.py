"""ESN sections by id (the kernel's list), for their names on the pages."""

from __future__ import annotations

import functools

from services.kernel.sections import Section, load_sections


@functools.cache
def sections() -> dict[str, Section]:
    return {section.section_id: section for section in load_sections()}


def section_name(section_id: str) -> str:
    """ "ESN Valencia UPV" for ``esn-valencia-upv``; the id itself when unknown."""
    section = sections().get(section_id)
    return section.name if section is not None else section_id
