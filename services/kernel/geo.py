"""Great-circle distance on a spherical Earth, for one pair of points or for arrays of them.

Both forms do the same arithmetic (haversine, in the same order): the scalar one with the C
library's functions, the array one with numpy's, which may differ from them in the last bit.
"""

from __future__ import annotations

import math
from typing import Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

from socialerasmus.common.v1.common_pb2 import GeoPoint

__all__ = ["EARTH_RADIUS_KM", "Origin", "distances_km", "haversine_km"]

EARTH_RADIUS_KM: Final = 6371.0088
"""Mean Earth radius (IUGG), the usual choice for great-circle distances on a sphere."""

FloatArray = NDArray[np.float64]


class Origin(NamedTuple):
    """A point in radians with the cosine of its latitude, to measure many distances from."""

    lat: float
    lon: float
    cos_lat: float

    @classmethod
    def at(cls, latitude: float, longitude: float) -> Origin:
        lat = math.radians(latitude)
        return cls(lat, math.radians(longitude), math.cos(lat))

    def km_to(self, latitude: float, longitude: float) -> float:
        """Distance in km to a WGS 84 point given in degrees."""
        lat = math.radians(latitude)
        lon = math.radians(longitude)
        h = (
            math.sin((lat - self.lat) / 2) ** 2
            + self.cos_lat * math.cos(lat) * math.sin((lon - self.lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance between two WGS 84 points on a spherical Earth, in km."""
    return Origin.at(a.latitude, a.longitude).km_to(b.latitude, b.longitude)


def distances_km(
    latitude: float | FloatArray,
    longitude: float | FloatArray,
    latitudes: FloatArray,
    longitudes: FloatArray,
) -> FloatArray:
    """Distances in km from the origin to each point (degrees). Arrays broadcast as numpy
    does: one origin and many points, pairs of equal arrays, or a column against a row."""
    lat0, lon0 = np.radians(latitude), np.radians(longitude)
    lat, lon = np.radians(latitudes), np.radians(longitudes)
    half_chord = (
        np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    )
    distance: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(half_chord, 1.0)))
    return distance
