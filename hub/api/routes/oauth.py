"""The authorization server's endpoints: the token endpoint (client credentials with
``private_key_jwt``), its JWKS and its RFC 8414 metadata. No bearer token needed."""

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from hub.api import openapi
from hub.api.deps import HubDep, NowDep, SessionDep
from hub.identity.interfaces import Scope
from hub.identity.oauth_server import PRIVATE_KEY_JWT, issue_token
from hub.identity.tokens import JWKS_PATH, METADATA_PATH, TOKEN_PATH
from keys.signing import ALGORITHMS

router = APIRouter(tags=["oauth2"])
FORM = "application/x-www-form-urlencoded"
TOKEN_REQUEST_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type", "client_assertion_type", "client_assertion"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {"type": "string"},
                        "client_assertion_type": {"type": "string"},
                        "client_assertion": {"type": "string"},
                    },
                }
            }
        },
    }
}


async def token_form(request: Request) -> dict[str, str]:
    """The form of a token request; empty (so refused as such) when it is not a form or
    repeats a parameter (RFC 6749 section 3.2)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        return {}
    pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    form = dict(pairs)
    return form if len(form) == len(pairs) else {}


TokenForm = Annotated[dict[str, str], Depends(token_form)]


@router.post(
    TOKEN_PATH,
    openapi_extra=TOKEN_REQUEST_DOC,
    response_model=None,
    responses={**openapi.oauth_errors(), **openapi.problems(*openapi.EDGE)},
)
def token(
    hub: HubDep, db: SessionDep, now: NowDep, request: Request, form: TokenForm
) -> JSONResponse:
    """An access token (RFC 9068 JWT) for a client authenticated with ``private_key_jwt``."""
    services = hub.services
    answer = issue_token(
        db, services.audit, services.tokens, now, headers=dict(request.headers), form=form
    )
    return JSONResponse(answer.body, status_code=answer.status, headers=dict(answer.headers))


@router.get(JWKS_PATH, responses=openapi.problems(*openapi.EDGE))
def jwks(hub: HubDep) -> dict[str, list[dict[str, Any]]]:
    """The public keys of every signing key version."""
    return hub.services.tokens.public_jwks()


@router.get(METADATA_PATH, responses=openapi.problems(*openapi.EDGE))
def metadata(hub: HubDep) -> dict[str, Any]:
    """Authorization server metadata (RFC 8414), as much as a client-credentials hub has."""
    rules = hub.services.tokens.rules
    return {
        "issuer": rules.issuer,
        "token_endpoint": rules.token_endpoint,
        "jwks_uri": rules.issuer.rstrip("/") + JWKS_PATH,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": [PRIVATE_KEY_JWT],
        "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
        "scopes_supported": [s.value for s in Scope],
        "resource": rules.audience,
    }
