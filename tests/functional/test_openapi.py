"""The OpenAPI document matches the hub: its scheme, statuses and bodies are what the hub does.

Schemathesis generates requests from the document and sends them in-process to the real app
(real database, a real council credential); every answer must be documented and none a 500."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from hub.api.problems import PROBLEM_MEDIA_TYPE
from tests.functional.conftest import bearer, register_authority

HOME = "E08000025"
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}
# Per operation and database: under a minute in all (HOMEWARD_API_EXAMPLES=300 for a deeper run).
EXAMPLES = int(os.environ.get("HOMEWARD_API_EXAMPLES", "50"))


def operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


SCOPE = {
    ("POST", "/v1/records"): ["records:write"],
    ("GET", "/v1/records/summary"): ["records:write"],
    ("POST", "/v1/events"): ["events:write"],
    ("GET", "/v1/notifications"): ["notifications:read"],
    ("POST", "/v1/notifications/ack"): ["notifications:read"],
    ("POST", "/v1/notifications/{notification_id}/disposition"): ["notifications:read"],
    ("POST", "/v1/events/{reference}/interview"): ["events:write"],
    ("GET", "/v1/webhooks"): ["notifications:read"],
    ("GET", "/v1/audit"): ["audit:read"],
    ("GET", "/v1/audit/verify"): ["audit:read"],
    ("GET", "/v1/audit/checkpoint"): ["audit:read"],
    ("POST", "/v1/audit/checkpoint"): ["audit:read"],
    ("GET", "/v1/audit/checkpoints"): ["audit:read"],
    ("GET", "/v1/audit/key"): ["audit:read"],
    ("GET", "/v1/audit/entries"): ["audit:read"],
    ("GET", "/v1/audit/proof/inclusion"): ["audit:read"],
    ("GET", "/v1/audit/proof/consistency"): ["audit:read"],
    ("POST", "/v1/audit/checkpoint/cosignature"): ["audit:read"],
    ("POST", "/v1/audit/subject"): ["audit:read"],
    ("GET", "/v1/hub"): [],  # any valid token
}


def test_the_api_declares_the_oauth2_scheme_and_scope_on_every_operation(
    hub_app: FastAPI,
) -> None:
    document = hub_app.openapi()
    (name,) = document["components"]["securitySchemes"]
    scheme = document["components"]["securitySchemes"][name]
    assert (name, scheme["type"]) == ("oauth2", "oauth2")
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    for method, path, operation in operations(hub_app):
        expected = [{"oauth2": SCOPE[(method, path)]}] if path.startswith("/v1/") else None
        assert operation.get("security") == expected, (method, path)
        names = {p["name"].lower() for p in operation.get("parameters", [])}
        assert "authorization" not in names, (method, path)


def test_every_refusal_is_documented_as_a_problem(hub_app: FastAPI) -> None:
    extra = {
        ("POST", "/v1/records"): {"409", "429"},
        ("POST", "/v1/events"): {"429"},
        ("POST", "/v1/notifications/ack"): {"404"},
        ("POST", "/v1/notifications/{notification_id}/disposition"): {"404"},
        ("POST", "/v1/events/{reference}/interview"): {"404"},
        ("GET", "/v1/audit/proof/inclusion"): {"404"},
        ("GET", "/v1/audit/proof/consistency"): {"404"},
        ("POST", "/v1/audit/checkpoint/cosignature"): {"404"},
        ("POST", "/v1/audit/subject"): {"404"},
    }
    for method, path, operation in operations(hub_app):
        refusals = {"413", "422", "500"} | ({"503"} if path == "/readyz" else set())
        if path.startswith("/v1/"):
            refusals |= {"401", "403"} | extra.get((method, path), set())
        oauth = {"400", "401"} if path == "/oauth/token" else set()
        assert set(operation["responses"]) == {"200", *refusals, *oauth}, (method, path)
        for status in refusals:
            content = operation["responses"][status]["content"]
            assert content == {PROBLEM_MEDIA_TYPE: PROBLEM}, (method, path, status)


def test_an_upload_requires_an_idempotency_key(hub_app: FastAPI) -> None:
    upload = hub_app.openapi()["paths"]["/v1/records"]["post"]
    (key,) = [p for p in upload["parameters"] if p["name"] == "idempotency-key"]
    assert key["in"] == "header"
    assert key["required"] is True


@pytest.fixture
def council(hub_app: FastAPI) -> dict[str, str]:
    return bearer(register_authority(hub_app, HOME))


OPERATIONS = [
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/oauth/token"),
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("POST", "/v1/records"),
    ("GET", "/v1/records/summary"),
    ("POST", "/v1/events"),
    ("GET", "/v1/notifications"),
    ("POST", "/v1/notifications/ack"),
    ("POST", "/v1/notifications/{notification_id}/disposition"),
    ("POST", "/v1/events/{reference}/interview"),
    ("GET", "/v1/webhooks"),
    ("GET", "/v1/audit"),
    ("GET", "/v1/audit/verify"),
    ("GET", "/v1/audit/checkpoint"),
    ("POST", "/v1/audit/checkpoint"),
    ("GET", "/v1/audit/checkpoints"),
    ("GET", "/v1/audit/key"),
    ("GET", "/v1/audit/entries"),
    ("GET", "/v1/audit/proof/inclusion"),
    ("GET", "/v1/audit/proof/consistency"),
    ("POST", "/v1/audit/checkpoint/cosignature"),
    ("POST", "/v1/audit/subject"),
    ("GET", "/v1/hub"),
]


def test_every_operation_is_exercised(hub_app: FastAPI) -> None:
    assert sorted(OPERATIONS) == sorted((m, p) for m, p, _ in operations(hub_app))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_hub_answers_as_its_document_says(
    hub_app: FastAPI, council: dict[str, str], method: str, path: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", hub_app)
    # NUL is valid JSON but no database stores it: the hub refuses it with 422, which
    # tests/functional/test_hostile_input.py checks; here it would read as valid data refused.
    schema.config.generation.update(allow_x00=False)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case: Any) -> None:
        case.call_and_validate(headers=council)

    answers_as_documented()
