"""The notify service: suggestions, digests, confirmations and reminders students trust."""
