"""Which ESN sections an activity reaches: the students reverse matching considers."""

from __future__ import annotations

import numpy as np

from services.kernel.geo import distances_km
from services.kernel.sections import Section, load_sections
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity


class SectionMap:
    """The real ESN sections with their coordinates, searchable by distance."""

    def __init__(self, sections: list[Section] | None = None) -> None:
        self._sections = sections if sections is not None else load_sections()
        self._by_id = {s.section_id: s for s in self._sections}
        self._latitudes = np.array([s.latitude for s in self._sections])
        self._longitudes = np.array([s.longitude for s in self._sections])

    def get(self, section_id: str) -> Section | None:
        return self._by_id.get(section_id)

    def within(self, latitude: float, longitude: float, radius_km: float) -> list[str]:
        distances = distances_km(latitude, longitude, self._latitudes, self._longitudes)
        return [self._sections[i].section_id for i in np.flatnonzero(distances <= radius_km)]

    def reaching(self, activity: Activity, radius_km: float) -> list[str]:
        """Organiser, co-organisers, and sections within ``radius_km`` of the place; for an
        online activity, every section of the organiser's country."""
        details = activity.details
        found = {details.section_id, *details.co_organiser_section_ids}
        if details.location.online:
            organiser = self.get(details.section_id)
            if organiser is not None:
                found |= {
                    s.section_id for s in self._sections if s.country_code == organiser.country_code
                }
        elif details.location.HasField("coordinates"):
            point = details.location.coordinates
            found |= set(self.within(point.latitude, point.longitude, radius_km))
        return sorted(found)
