"""The shared signed-token scheme: one purpose never verifies as another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.kernel.signed_tokens import (
    ExpiredToken,
    InvalidToken,
    issued_at,
    make_token,
    read_token,
)

SECRET = b"k" * 32
ISSUED = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_token_reads_back_for_its_purpose_only() -> None:
    token = make_token(SECRET, b"web.sign-in", "ana", ISSUED)
    assert read_token(SECRET, b"web.sign-in", token, ISSUED, DAY) == "ana"
    with pytest.raises(InvalidToken):
        read_token(SECRET, b"web.session", token, ISSUED, DAY)
    with pytest.raises(InvalidToken):
        read_token(SECRET, b"socialerasmus.notify.unsubscribe", token, ISSUED, DAY)


def test_expired_is_told_apart_from_forged() -> None:
    token = make_token(SECRET, b"web.sign-in", "ana", ISSUED)
    with pytest.raises(ExpiredToken):
        read_token(SECRET, b"web.sign-in", token, ISSUED + DAY * 2, DAY)
    assert issued_at(SECRET, b"web.sign-in", token) == ISSUED
    with pytest.raises(InvalidToken) as caught:
        read_token(b"other" * 8, b"web.sign-in", token, ISSUED, DAY)
    assert not isinstance(caught.value, ExpiredToken)


def test_subjects_may_hold_colons_and_dots() -> None:
    token = make_token(SECRET, b"web.session", "coordinator:abc.def:ghi", ISSUED)
    assert read_token(SECRET, b"web.session", token, ISSUED, DAY) == "coordinator:abc.def:ghi"


def test_purposes_are_labels() -> None:
    with pytest.raises(ValueError):
        make_token(SECRET, b"", "ana", ISSUED)
    with pytest.raises(ValueError):
        make_token(SECRET, b"a\x00b", "ana", ISSUED)
