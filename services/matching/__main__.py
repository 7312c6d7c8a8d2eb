"""``python -m services.matching`` starts the matching service."""

from services.matching.app import DEFAULT_PORT, SERVICE, matching_parts
from services.runtime.lifecycle import run_service

if __name__ == "__main__":
    run_service(SERVICE, DEFAULT_PORT, matching_parts)
