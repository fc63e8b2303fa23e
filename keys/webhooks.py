"""Standard Webhooks signatures (https://www.standardwebhooks.com): ``v1`` HMAC-SHA256 under a
per-endpoint ``whsec_`` secret, ``v1a`` Ed25519 under the hub's signing key (its public half,
``whpk_``, is published with the hub's JWKS).

The signed content is ``msg_id.timestamp.body`` over the exact bytes sent. One header carries
every signature, space separated: during a secret rotation both secrets sign, so a receiver
holding either verifies.
"""

import base64
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from keys import _primitives as p

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
PUBLIC_PREFIX = "whpk_"
SECRET_BYTES = 32


class WebhookSignatureError(ValueError):
    """The signature does not verify (one opaque answer, whatever went wrong)."""


def new_webhook_secret() -> str:
    """A fresh endpoint secret, ``whsec_`` + standard base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _secret_bytes(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def _content(msg_id: str, timestamp: int, body: bytes) -> bytes:
    if "." in msg_id:
        raise ValueError("a webhook id must not contain '.'")
    return f"{msg_id}.{timestamp}.".encode() + body


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def ed25519_private_bytes(jwk: Mapping[str, Any]) -> bytes:
    """The raw private key of an Ed25519 OKP JWK (the hub's signing key)."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "d" not in jwk:
        raise ValueError("v1a needs a private Ed25519 (OKP) key")
    return p.b64decode(str(jwk["d"]))


def public_key_text(jwk: Mapping[str, Any]) -> str:
    """``whpk_`` + base64 of the Ed25519 public key of ``jwk``: what receivers configure."""
    return PUBLIC_PREFIX + _b64(p.b64decode(str(jwk["x"])))


def sign(
    msg_id: str,
    timestamp: int,
    body: bytes,
    *,
    endpoint_secrets: Sequence[str],
    ed25519_key: bytes | None = None,
) -> str:
    """The ``webhook-signature`` header: ``v1,<b64>`` per secret, then ``v1a,<b64>``."""
    content = _content(msg_id, timestamp, body)
    parts = [f"v1,{_b64(p.hmac_sha256(_secret_bytes(s), content))}" for s in endpoint_secrets]
    if ed25519_key is not None:
        parts.append(f"v1a,{_b64(p.ed25519_sign(ed25519_key, content))}")
    return " ".join(parts)


def verify_v1a(public_key: str, msg_id: str, timestamp: int, body: bytes, header: str) -> None:
    """Check a ``v1a`` signature against a ``whpk_`` key; raises ``WebhookSignatureError``."""
    try:
        key = base64.b64decode(public_key.removeprefix(PUBLIC_PREFIX))
        content = _content(msg_id, timestamp, body)
        for part in header.split(" "):
            version, _, signature = part.partition(",")
            if version == "v1a" and p.ed25519_verify(key, base64.b64decode(signature), content):
                return
    except ValueError:
        pass
    raise WebhookSignatureError("no valid v1a signature")
