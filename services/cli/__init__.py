"""The ``socialerasmus`` command-line tool."""
