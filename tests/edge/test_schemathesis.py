"""The API as the OpenAPI document describes it, probed by schemathesis with generated
requests against the edge and the real services (as an operator, who may call every RPC):
no request makes a server error, and every response matches the document."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.edge.openapi import OPENAPI_PATH
from tests.edge.conftest import Platform, token

# WatchInbox streams until the client goes away: the edge tests read it themselves.
schema = schemathesis.openapi.from_path(OPENAPI_PATH).exclude(operation_id="WatchInbox")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
"""Not ``positive_data_acceptance``: a request the schema allows may still break the
services' rules (a page size of 5,000), and answering 400 to it is right."""


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_document(case: schemathesis.Case[Any], platform: Platform) -> None:
    case.call_and_validate(base_url=platform.url, headers=token("operator"), checks=CHECKS)
