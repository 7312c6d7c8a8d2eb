"""Standard Webhooks signatures: the reference vector, round trips, and every rejection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.signing import (
    BadSignature,
    InvalidSecret,
    InvalidTimestamp,
    MissingHeader,
    TimestampTooNew,
    TimestampTooOld,
    WebhookVerificationError,
    generate_secret,
    secret_key,
    sign,
    verify,
)

# The vector of the reference implementation's tests (standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py, test_sign_function).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIME = datetime.fromtimestamp(1614265330, UTC)
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

NOW = datetime(2027, 3, 15, 12, 0, 0, tzinfo=UTC)
SECRET = generate_secret()
BODY = b'{"type":"suggestion.created","data":{"activity":"act_1"}}'


def test_the_reference_vector_is_reproduced() -> None:
    headers = sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIME, VECTOR_BODY)

    assert headers == {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": VECTOR_SIGNATURE,
    }
    verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIME)


def test_a_signed_webhook_verifies() -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)

    verify(SECRET, headers, BODY, now=NOW + timedelta(seconds=30))


def test_header_names_are_case_insensitive() -> None:
    headers = {name.title(): value for name, value in sign(SECRET, "msg_01", NOW, BODY).items()}

    verify(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize(
    ("header", "value"),
    [("webhook-id", "msg_02"), ("webhook-timestamp", str(int(NOW.timestamp()) + 1))],
)
def test_tampering_with_the_id_or_timestamp_is_rejected(header: str, value: str) -> None:
    headers = {**sign(SECRET, "msg_01", NOW, BODY), header: value}

    with pytest.raises(BadSignature):
        verify(SECRET, headers, BODY, now=NOW)


def test_a_tampered_body_is_rejected() -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)

    with pytest.raises(BadSignature):
        verify(SECRET, headers, BODY.replace(b"act_1", b"act_2"), now=NOW)


def test_another_secret_is_rejected() -> None:
    headers = sign(generate_secret(), "msg_01", NOW, BODY)

    with pytest.raises(BadSignature, match="no webhook signature matches"):
        verify(SECRET, headers, BODY, now=NOW)


def test_an_old_timestamp_is_rejected_even_with_a_good_signature() -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)

    verify(SECRET, headers, BODY, now=NOW + timedelta(seconds=300))  # at the limit
    with pytest.raises(TimestampTooOld, match="301 s ago"):
        verify(SECRET, headers, BODY, now=NOW + timedelta(seconds=301))
    with pytest.raises(TimestampTooOld):
        verify(SECRET, headers, BODY, now=NOW + timedelta(seconds=61), tolerance_seconds=60)


def test_a_timestamp_in_the_future_is_rejected() -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)

    with pytest.raises(TimestampTooNew):
        verify(SECRET, headers, BODY, now=NOW - timedelta(seconds=301))


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_named(missing: str) -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)
    del headers[missing]

    with pytest.raises(MissingHeader, match=missing):
        verify(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize("stamp", ["soon", "1614265330.5", "-5", "1" * 40])
def test_a_malformed_timestamp_is_rejected(stamp: str) -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)
    headers["webhook-timestamp"] = stamp

    with pytest.raises(InvalidTimestamp):
        verify(SECRET, headers, BODY, now=NOW)


def test_one_matching_signature_among_several_is_enough() -> None:
    good = sign(SECRET, "msg_01", NOW, BODY)["webhook-signature"]
    headers = sign(SECRET, "msg_01", NOW, BODY)
    headers["webhook-signature"] = " ".join(
        [
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==",
            "v1,not-base64!",
            "garbage",
            good,
        ]
    )

    verify(SECRET, headers, BODY, now=NOW)


def test_rotation_signs_with_both_secrets_and_either_verifies() -> None:
    old, new = generate_secret(), generate_secret()
    headers = sign([new, old], "msg_01", NOW, BODY)

    assert len(headers["webhook-signature"].split(" ")) == 2
    verify(old, headers, BODY, now=NOW)  # a receiver that has not switched yet
    verify(new, headers, BODY, now=NOW)  # a receiver that already has
    verify([new, old], sign(old, "msg_01", NOW, BODY), BODY, now=NOW)  # receiver-side rotation
    with pytest.raises(BadSignature):
        verify(generate_secret(), headers, BODY, now=NOW)


def test_a_signature_of_another_version_alone_is_not_accepted() -> None:
    headers = sign(SECRET, "msg_01", NOW, BODY)
    headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v2,")

    with pytest.raises(BadSignature):
        verify(SECRET, headers, BODY, now=NOW)


@pytest.mark.parametrize(
    "secret",
    [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # no prefix
        "whsec_not base64!",
        "whsec_c2hvcnQ=",  # 5 bytes
        "whsec_" + "QUFB" * 30,  # 90 bytes
    ],
)
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(InvalidSecret):
        sign(secret, "msg_01", NOW, BODY)
    with pytest.raises(InvalidSecret):
        verify(secret, sign(SECRET, "msg_01", NOW, BODY), BODY, now=NOW)


def test_a_secret_without_padding_is_accepted() -> None:
    padded = "whsec_" + "A" * 42 + "=="  # 32 bytes
    assert secret_key(padded) == secret_key(padded.rstrip("="))


def test_generated_secrets_follow_the_format() -> None:
    secret = generate_secret()

    assert secret.startswith("whsec_")
    assert len(secret_key(secret)) == 32
    assert generate_secret() != secret


@pytest.mark.parametrize("message_id", ["", "msg.1", "msg\r\nx-evil: 1"])
def test_ids_that_would_make_the_signed_content_ambiguous_are_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="webhook id"):
        sign(SECRET, message_id, NOW, BODY)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(SECRET, "msg_01", NOW.replace(tzinfo=None), BODY)


def test_every_rejection_shares_one_base_class() -> None:
    for error in (MissingHeader, InvalidTimestamp, TimestampTooOld, TimestampTooNew, BadSignature):
        assert issubclass(error, WebhookVerificationError)
