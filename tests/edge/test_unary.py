"""Which requests the edge answers in its one-pass unary path, and what it takes from them;
the rest go to connectrpc (tests/edge/test_edge.py shows both answer alike)."""

from __future__ import annotations

from services.edge.unary import plain

JSON = (b"content-type", b"application/json")


def test_plain_json_and_binary_requests_are_answered_in_one_pass() -> None:
    for content_type in (
        b"application/json",
        b"application/proto",
        b"Application/JSON; charset=utf-8",
    ):
        found = plain([(b"content-type", content_type)])
        assert found is not None, content_type
    json_request, binary_request = plain([JSON]), plain([(b"content-type", b"application/proto")])
    assert json_request is not None and json_request.codec.name() == "json"
    assert binary_request is not None and binary_request.codec.name() == "proto"


def test_other_protocols_and_encodings_go_to_connectrpc() -> None:
    for headers in (
        [],
        [(b"content-type", b"application/connect+json")],  # a stream
        [(b"content-type", b"application/grpc-web+proto")],
        [(b"content-type", b"application/grpc")],
        [(b"content-type", b"text/plain")],
        [JSON, (b"content-encoding", b"gzip")],
        [JSON, (b"content-encoding", b"IDENTITY")],  # connectrpc refuses it by that name
        [JSON, (b"connect-protocol-version", b"2")],
        [JSON, (b"connect-timeout-ms", b"soon")],
        [JSON, (b"connect-timeout-ms", b"12345678901")],  # more than ten digits
        [JSON, (b"authorization", b"Bearer \xff")],  # not UTF-8
    ):
        assert plain(headers) is None, headers


def test_the_deadline_and_the_callers_headers_go_along() -> None:
    found = plain(
        [
            JSON,
            (b"Authorization", b"Bearer first"),
            (b"authorization", b"Bearer second"),
            (b"traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            (b"x-request-id", b""),
            (b"cookie", b"session=1"),
            (b"connect-timeout-ms", b"250"),
            (b"connect-protocol-version", b"1"),
            (b"content-encoding", b"identity"),
            (b"accept-encoding", b"zstd, gzip"),
        ]
    )
    assert found is not None
    assert found.timeout == 0.25
    assert found.accept_encoding == "zstd, gzip"
    assert found.metadata == (
        ("authorization", "Bearer first"),  # the first value counts, as in connectrpc
        ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    )
    no_deadline = plain([JSON, (b"connect-timeout-ms", b"")])
    assert no_deadline is not None and no_deadline.timeout is None
