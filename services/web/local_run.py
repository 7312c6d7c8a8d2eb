"""The web app under the run command: its process and the links mails lead to (the run
command prints a sign-in link for the demo student too, which notify signs)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from services.runtime.processes import ServiceProcess
from services.web.settings import DEFAULT_PORT, web_secret

WEB: Final = ServiceProcess("web", "services.web", DEFAULT_PORT)
LOCAL_SIGN_IN_MINUTES: Final = "1440"
"""Under the run command a sign-in link works for a day, so the one printed at start still
works when someone clicks it later; elsewhere the app's default (15 minutes) applies."""


def web_url(web: ServiceProcess, env: Mapping[str, str]) -> str:
    return (env.get("SE_WEB_PUBLIC_URL") or f"http://127.0.0.1:{web.port}").rstrip("/")


def mail_links(url: str) -> dict[str, str]:
    """Where notify's links lead: the web app's activity, settings, unsubscribe and sign-in
    pages."""
    return {
        "SE_NOTIFY_ACTIVITY_URL": f"{url}/activities/{{activity_id}}",
        "SE_NOTIFY_PREFERENCES_URL": f"{url}/notifications",
        "SE_NOTIFY_UNSUBSCRIBE_URL": f"{url}/unsubscribe",
        "SE_NOTIFY_SIGN_IN_URL": f"{url}/sign-in/link",
    }


def local_defaults(
    web: ServiceProcess, env: dict[str, str], local_dir: Path, platform_token: str
) -> None:
    """Point mails at the web app, let sign-in links last, and give the app the local
    platform token and signing secret (also with servers of one's own), unless the caller
    chose."""
    for name, value in mail_links(web_url(web, env)).items():
        env.setdefault(name, value)
    env.setdefault("SE_NOTIFY_SIGN_IN_MINUTES", LOCAL_SIGN_IN_MINUTES)
    env.setdefault("SE_WEB_TOKEN", platform_token)
    env.setdefault("SE_WEB_SECRET", web_secret(local_dir, env).decode())
