"""gzip for the edge's replies, made by ISA-L rather than zlib.

A platform's HTTP client, a browser or curl with ``--compressed`` asks for gzip, and the
reply of ``Recommend`` (about 19 kB of JSON for ten activities) or a page of
``ListActivities`` (25 kB) is worth compressing on the way to them. connectrpc's own gzip is
the standard library's at level 6, which took 0.3 ms a reply here: a fifth of all the time
the edge spent on a ``Recommend``. ISA-L's igzip at level 1 makes the same format, nearly as
small (4.5 kB where zlib's level 6 made 4.0 kB), about ten times faster; any gzip reader
decompresses it.
"""

from __future__ import annotations

from connectrpc.compression import Compression
from connectrpc.compression.gzip import GzipCompression
from isal import igzip

LEVEL = 1
"""igzip's levels go from 0 to 3; 1 compresses as well as 2 here, in the same time."""


class FastGzip(GzipCompression):
    """``gzip`` as Connect negotiates it: compressed by igzip, decompressed (requests, with
    the size limit) as connectrpc does."""

    def compress(self, data: bytes | bytearray | memoryview) -> bytes:
        return igzip.compress(data, compresslevel=LEVEL)


COMPRESSIONS: tuple[Compression, ...] = (FastGzip(),)
"""What the edge offers besides identity, as connectrpc's default offers it."""
