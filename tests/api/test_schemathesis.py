"""Schemathesis against the app's own OpenAPI, over a seeded demo firm on both backends.

Every operation is called with generated requests, valid and invalid, using a secretary's key;
no answer may be a server error, and every answer must match the documented status codes,
content types, headers and schemas. (The operations are driven from one test with Hypothesis,
through ``APIOperation.as_strategy``: Schemathesis' lazy pytest loader does not run on pytest 9.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.booking_fixtures import *  # noqa: F403  (module-scoped demo firm per backend)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}


def test_the_api_keeps_its_own_contract(api: TestClient, key_for: Any) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    staff = key_for("secretary")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        for mode, examples in EXAMPLES.items():

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                case.call_and_validate(headers=staff, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                continue  # nothing invalid to send (an operation without inputs)
            except Exception as error:
                raise AssertionError(f"{operation.label} ({mode}): {error}") from error
