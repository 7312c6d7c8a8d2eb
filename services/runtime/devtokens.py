"""Development tokens for the local stack: one per role, written once, printed on start."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from services.runtime.auth import token_digest

DEV_PRINCIPALS = {
    "operator": {"role": "operator", "name": "Local operator"},
    "platform": {"role": "platform", "name": "Local ESN platform"},
    "coordinator": {
        "role": "coordinator",
        "name": "ESN Valencia UPV coordinator",
        "section_id": "esn-valencia-upv",
    },
    "student": {"role": "student", "name": "Demo student", "student_id": "demo-student"},
}


def dev_tokens_path(local_dir: Path) -> Path:
    return local_dir / "dev-tokens.json"


def ensure_dev_tokens(local_dir: Path, tokens_file: Path) -> dict[str, str]:
    """Return the dev tokens by role, creating them and the token file on first use."""
    plain_path = dev_tokens_path(local_dir)
    if plain_path.exists() and tokens_file.exists():
        plain: dict[str, str] = json.loads(plain_path.read_text())
        return plain
    local_dir.mkdir(parents=True, exist_ok=True)
    plain = {name: secrets.token_urlsafe(24) for name in DEV_PRINCIPALS}
    entries = [
        {"sha256": token_digest(plain[name]), **principal}
        for name, principal in DEV_PRINCIPALS.items()
    ]
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    tokens_file.write_text(json.dumps({"tokens": entries}, indent=2) + "\n")
    plain_path.write_text(json.dumps(plain, indent=2) + "\n")
    plain_path.chmod(0o600)
    return plain
