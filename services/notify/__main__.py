"""``python -m services.notify`` starts the notify service."""

from services.notify.app import DEFAULT_PORT, SERVICE, notify_parts
from services.runtime.lifecycle import run_service

if __name__ == "__main__":
    run_service(SERVICE, DEFAULT_PORT, notify_parts)
