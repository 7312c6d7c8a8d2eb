"""Who is calling: bearer tokens mapped to principals from a token file.

The token file is JSON: ``{"tokens": [{"sha256": "<hex of the token>", "role": "coordinator",
"section_id": "esn-tirana", "name": "Tirana coordinators"}, ...]}``. Only hashes are stored,
so the file can be read by operators without exposing tokens. ``student`` entries carry
``student_id``; ``coordinator`` entries carry ``section_id``.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from services.runtime.errors import PermissionDenied, Unauthenticated


class Role(enum.StrEnum):
    OPERATOR = "operator"
    PLATFORM = "platform"
    COORDINATOR = "coordinator"
    STUDENT = "student"
    ANONYMOUS = "anonymous"
    """Callers of the few methods that need no token; they may act on nothing by role."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of one request."""

    role: Role
    name: str = ""
    section_id: str = ""
    student_id: str = ""

    @property
    def acts_for_anyone(self) -> bool:
        """Operators and ESN platforms act on behalf of any section or student."""
        return self.role in (Role.OPERATOR, Role.PLATFORM)

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise PermissionDenied(f"role {self.role} may not do this")

    def require_section(self, section_id: str) -> None:
        """Coordinators only manage their own section's activities."""
        if self.acts_for_anyone:
            return
        if self.role is Role.COORDINATOR and self.section_id == section_id:
            return
        raise PermissionDenied(f"only coordinators of {section_id} may manage this activity")

    def require_student(self, student_id: str) -> None:
        """Students act only for themselves."""
        if self.acts_for_anyone:
            return
        if self.role is Role.STUDENT and self.student_id == student_id:
            return
        raise PermissionDenied("students may act only for themselves")


ANONYMOUS = Principal(Role.ANONYMOUS, name="anonymous")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRegistry:
    """Maps presented bearer tokens to principals."""

    def __init__(self, principals_by_digest: dict[str, Principal]) -> None:
        self._by_digest = dict(principals_by_digest)

    @classmethod
    def from_file(cls, path: Path) -> TokenRegistry:
        document = json.loads(path.read_text())
        entries: dict[str, Principal] = {}
        for index, entry in enumerate(document.get("tokens", [])):
            role = Role(entry["role"])
            if role is Role.ANONYMOUS:
                raise ValueError(f"{path}: token {index} cannot be anonymous")
            principal = Principal(
                role=role,
                name=entry.get("name", ""),
                section_id=entry.get("section_id", ""),
                student_id=entry.get("student_id", ""),
            )
            if role is Role.COORDINATOR and not principal.section_id:
                raise ValueError(f"{path}: token {index} is a coordinator without section_id")
            if role is Role.STUDENT and not principal.student_id:
                raise ValueError(f"{path}: token {index} is a student without student_id")
            entries[entry["sha256"]] = principal
        return cls(entries)

    def authenticate(self, authorization: str | None) -> Principal:
        """Resolve an ``authorization`` metadata value (``Bearer <token>``)."""
        if not authorization:
            raise Unauthenticated("missing bearer token in 'authorization' metadata")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("authorization must be 'Bearer <token>'")
        principal = self._by_digest.get(token_digest(token.strip()))
        if principal is None:
            raise Unauthenticated("unknown bearer token")
        return principal
