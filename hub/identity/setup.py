"""The authenticator a hub's settings ask for: JWT access tokens from the hub itself (and from
an external identity provider when one is configured), plus the first release's bearer
credentials while ``allow_legacy_bearer`` is true."""

from collections.abc import Callable
from datetime import datetime

import httpx2 as httpx

from hub.identity.bearer import BearerAuthenticator
from hub.identity.interfaces import Authenticator
from hub.identity.jwks import RemoteJwks
from hub.identity.jwt_auth import (
    CompositeAuthenticator,
    JwtAuthenticator,
    StaticKeys,
    TrustedIssuer,
)
from hub.identity.tokens import AccessTokenSigner
from hub.settings import HubSettings
from keys import HubKeyring

Clock = Callable[[], datetime]


def trusted_issuers(
    settings: HubSettings, signer: AccessTokenSigner, clock: Clock
) -> list[TrustedIssuer]:
    own = TrustedIssuer(settings.issuer, StaticKeys(signer.public_jwks()), tuple(signer.algorithms))
    if not (settings.external_issuer and settings.external_jwks_url):
        return [own]
    remote = RemoteJwks(
        settings.external_jwks_url,
        httpx.Client(timeout=10.0),
        clock,
        cache_seconds=settings.jwks_cache_seconds,
        floor_seconds=settings.jwks_refetch_floor_seconds,
    )
    external = TrustedIssuer(
        settings.external_issuer,
        remote,
        settings.external_algorithms,
        frozenset(t.lower() for t in settings.external_token_types),
    )
    return [own, external]


def build_authenticator(
    settings: HubSettings, signer: AccessTokenSigner, hub_keys: HubKeyring, clock: Clock
) -> Authenticator:
    tokens = JwtAuthenticator(
        trusted_issuers(settings, signer, clock),
        settings.audience,
        clock,
        leeway=settings.clock_leeway_seconds,
    )
    legacy = BearerAuthenticator(hub_keys) if settings.allow_legacy_bearer else None
    return CompositeAuthenticator(tokens, legacy)
