"""Helpers for the OAuth2 tests: register clients as an operator would, make client
assertions and forge access tokens (each one wrong in exactly one way)."""

import base64
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from joserfc import jwk, jwt
from sqlmodel import Session, col, select

from hub import operator
from hub.audit.models import AuditLeaf
from keys import read_client_key, read_public_jwk, write_client_key
from keys.signing import new_private_jwk

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
COUNCIL_SCOPES = ["records:write", "events:write", "notifications:read", "audit:read"]


def add_client(
    app: FastAPI, folder: Path, authority: str, scopes: list[str], alg: str = "Ed25519"
) -> tuple[str, dict[str, Any]]:
    """`keys new-client` then `hub client add`: the client id and its private JWK."""
    files = write_client_key(folder, alg)
    client_id = operator.add_client(
        app.state.hub,
        authority=authority,
        name="test",
        scopes=scopes,
        jwk=read_public_jwk(files.public),
    )
    return client_id, read_client_key(files.private)


def assertion(
    client_id: str, private: dict[str, Any], now: datetime, audience: str, **claims: Any
) -> str:
    at = int(now.timestamp())
    body = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": at,
        "exp": at + 60,
        "jti": uuid.uuid4().hex,
        **claims,
    }
    alg = str(private["alg"])
    return jwt.encode({"alg": alg}, body, jwk.import_key(private), algorithms=[alg])


def token_form(client_assertion: str, scope: str | None = None) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
    }
    return {**form, "scope": scope} if scope else form


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Forger:
    """Access tokens signed by the hub's own key (or deliberately not), for one client."""

    def __init__(self, app: FastAPI, client_id: str) -> None:
        tokens = app.state.hub.services.tokens
        self.private = tokens.keyring.newest
        self.rules, self.client_id = tokens.rules, client_id

    def claims(self, now: datetime, **changes: Any) -> dict[str, Any]:
        at = int(now.timestamp())
        base = {
            "iss": self.rules.issuer,
            "sub": self.client_id,
            "aud": self.rules.audience,
            "client_id": self.client_id,
            "iat": at,
            "nbf": at,
            "exp": at + 300,
            "jti": uuid.uuid4().hex,
            "scope": " ".join(COUNCIL_SCOPES),
        }
        return {k: v for k, v in {**base, **changes}.items() if v is not None}

    def header(self, **changes: Any) -> dict[str, Any]:
        base = {"typ": "at+jwt", "alg": self.private["alg"], "kid": self.private["kid"]}
        return {k: v for k, v in {**base, **changes}.items() if v is not None}

    def sign(self, header: dict[str, Any], claims: dict[str, Any], key: Any = None) -> str:
        chosen = key or jwk.import_key(self.private)
        return jwt.encode(header, claims, chosen, algorithms=[header["alg"]])

    def valid(self, now: datetime, **changes: Any) -> str:
        return self.sign(self.header(), self.claims(now, **changes))

    def variants(self, now: datetime) -> dict[str, str]:
        """Each wrong in one way; every one must be refused."""
        other = new_private_jwk(str(self.private["alg"]), kid=str(self.private["kid"]))
        public = {k: v for k, v in self.private.items() if k != "d"}
        hs_key = jwk.OctKey.import_key(json.dumps(public, sort_keys=True).encode())
        unsigned = (
            ".".join(
                _b64(json.dumps(part).encode())
                for part in (self.header(alg="none"), self.claims(now))
            )
            + "."
        )
        return {
            "expired": self.valid(now - timedelta(hours=1)),
            "not yet valid": self.valid(now, nbf=int(now.timestamp()) + 3600),
            "wrong audience": self.valid(now, aud="urn:someone-else"),
            "wrong issuer": self.valid(now, iss="https://idp.example"),
            "alg none": unsigned,
            "HS256 with the public key": self.sign(
                self.header(alg="HS256"), self.claims(now), hs_key
            ),
            "another key, same kid": self.sign(
                self.header(), self.claims(now), jwk.import_key(other)
            ),
            "typ JWT": self.sign(self.header(typ="JWT"), self.claims(now)),
            "no typ": self.sign(self.header(typ=None), self.claims(now)),
            "no client_id": self.valid(now, client_id=None),
            "unknown client": self.valid(now, client_id="e00000000-000000000000"),
        }


def refusals(app: FastAPI, action: str) -> list[dict[str, Any]]:
    with Session(app.state.hub.engine) as session:
        rows = session.exec(
            select(AuditLeaf).where(col(AuditLeaf.action) == action).order_by(col(AuditLeaf.idx))
        ).all()
    return [{"actor": r.actor, "subject": r.subject, **json.loads(r.leaf)["detail"]} for r in rows]
