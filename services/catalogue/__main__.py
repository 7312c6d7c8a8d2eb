"""``python -m services.catalogue`` starts the catalogue service."""

from services.catalogue.app import DEFAULT_PORT, SERVICE, catalogue_parts
from services.runtime.lifecycle import run_service

if __name__ == "__main__":
    run_service(SERVICE, DEFAULT_PORT, catalogue_parts)
