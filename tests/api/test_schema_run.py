"""A schema-driven run: Schemathesis reads the API's own OpenAPI schema and
sends generated requests (valid and invalid parameters, identifiers that
exist and ones that do not) to every operation, as the TMU through a token:
no answer may be a server error, and every answer must match the schema."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from actors.models import Role, RoleAssignment


@pytest.fixture
def api_schema(mali: Any, costed: Any, alice: Any, settings: Any) -> Iterator[Any]:
    from operations.actions import adopt
    from tests.api.test_permissions import some_of_everything

    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # the WSGI client's host
    adopt(costed, by=alice)
    some_of_everything(mali)
    document = Client().get("/api/v1/schema/?format=json").json()
    loaded = schemathesis.openapi.from_dict(document)
    # A fresh application: middleware reads the test's settings when it is made.
    loaded.app = WSGIHandler()
    # As Django's test client does: the end of a request must not close the
    # test's database connection (it holds the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield loaded
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: Any) -> str:
    user = User.objects.create_user("api-robot")
    RoleAssignment.objects.create(user=user, role=Role.ME_OFFICER)
    return Token.objects.create(user=user).key


def test_no_operation_answers_with_a_server_error(api_schema: Any, token: str) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20
    statuses: Counter[int] = Counter()

    for operation in operations:

        @given(case=operation.as_strategy())
        @examples(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,  # the same requests on every run: CI stays reproducible
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        def run(case: Any) -> None:
            response = case.call_and_validate(
                headers={"Authorization": f"Token {token}"},
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
            )
            statuses[response.status_code // 100 * 100] += 1

        run()
    # The run reached the views: answers and refusals, no redirect.
    assert statuses[200] > 100 and statuses[400] > 10 and set(statuses) <= {200, 400}, statuses
