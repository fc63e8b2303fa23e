"""The OpenAPI document tells what the hub answers: the OAuth2 scheme (declared by
``hub.api.deps``), and per route every problem status it can return, each with the problem body;
the token endpoint's refusals are OAuth2 error bodies (RFC 6749 section 5.2).

Routes declare their statuses with ``problems(...)``; ``install_openapi`` adds the ``Problem``
schema they refer to.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from hub.api import bodies
from hub.api.problems import PROBLEM_MEDIA_TYPE

EDGE = (413, 422, 500)  # any route: the gate's body limit and query check, an unexpected error
API = (401, 403, *EDGE)  # any route under /v1: credentials and scopes
DESCRIPTIONS = {
    401: "No valid credentials (the same answer whatever was wrong)",
    403: "The credential does not allow this",
    404: "No such resource among yours",
    409: "Idempotency key reused for a different request",
    413: "Request body too large, however it was sent",
    422: "The request is not valid",
    429: "Daily quota of keyed reports exceeded",
    500: "Unexpected error (logged and audited at the hub)",
    503: "Not ready: the database cannot be reached or its schema is not this release's",
}


class OAuthError(BaseModel):
    """A token endpoint's refusal (RFC 6749 section 5.2)."""

    error: str
    error_description: str | None = None


def oauth_errors() -> dict[int | str, dict[str, Any]]:
    """The token endpoint's own refusals: a bad request or client authentication failed."""
    schema = OAuthError.model_json_schema()
    return {
        status: {"description": description, "content": {"application/json": {"schema": schema}}}
        for status, description in (
            (400, "The token request is not valid, or the client is not authenticated"),
            (401, "Client authentication failed"),
        )
    }


class Problem(BaseModel):
    """An RFC 9457 problem; ``code`` is stable, ``detail`` lists the fields of an invalid
    request."""

    type: str
    title: str
    status: int
    code: str
    detail: str | list[dict[str, Any]]


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that can refuse with these statuses."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "description": DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for status in sorted(set(statuses))
    }


def install_openapi(app: FastAPI) -> None:
    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema()
            for name, body in bodies.schemas().items():  # bodies a route parses itself
                components.setdefault(name, body)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]  # FastAPI's documented override
