"""An external identity provider's JWKS, fetched with httpx and cached.

Fetched on first use and again when the cache is older than ``cache_seconds``; a token naming
an unknown ``kid`` (the IdP rotated) refetches at once, but never sooner than
``floor_seconds`` after the previous fetch, so tokens with made-up kids cannot make the hub
hammer the IdP. A failed fetch keeps the keys it had.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx2 as httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class RemoteJwks:
    def __init__(
        self,
        url: str,
        http: httpx.Client,
        clock: Clock,
        *,
        cache_seconds: int = 3600,
        floor_seconds: int = 60,
    ) -> None:
        self.url, self._http, self._clock = url, http, clock
        self._cache = timedelta(seconds=cache_seconds)
        self._floor = timedelta(seconds=floor_seconds)
        self._keys = KeySet([])
        self._fetched_at: datetime | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def key_set(self, kid: str | None) -> KeySet:
        with self._lock:
            now = self._clock()
            if self._should_fetch(kid, now):
                self._fetch(now)
            return self._keys

    def _should_fetch(self, kid: str | None, now: datetime) -> bool:
        if self._fetched_at is None:
            return True
        age = now - self._fetched_at
        unknown = kid is not None and kid not in {k.kid for k in self._keys.keys}
        return age >= self._cache or (unknown and age >= self._floor)

    def _fetch(self, now: datetime) -> None:
        self._fetched_at = now
        self.fetches += 1
        try:
            response = self._http.get(self.url)
            response.raise_for_status()
            self._keys = KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError, JoseError) as exc:
            kept = len(self._keys.keys)
            log.warning("JWKS fetch from %s failed (keeping %d keys): %s", self.url, kept, exc)
