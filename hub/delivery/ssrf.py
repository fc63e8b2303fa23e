"""Webhook targets the hub may call: HTTPS to public addresses only (no private, loopback,
link-local, multicast or reserved address), checked when an endpoint is registered and again
before each delivery (the name may resolve elsewhere by then). ``allow_private`` (a test
setting) admits plain HTTP and local addresses, for receivers on 127.0.0.1."""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from hub.errors import InvalidRequest

Resolver = Callable[[str, int], Iterable[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an unresolvable name resolves to nothing)."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return sorted({str(info[4][0]) for info in found})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def check_target(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> str:
    """``url`` if the hub may deliver to it; else ``InvalidRequest`` saying why."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise InvalidRequest("a webhook URL must use https")
    if not parts.hostname or parts.username or parts.password:
        raise InvalidRequest("a webhook URL needs a host and no user name or password")
    if allow_private:
        return url
    port = parts.port or 443
    addresses = list(resolver(parts.hostname, port))
    if not addresses:
        raise InvalidRequest(f"the webhook host {parts.hostname} does not resolve")
    private = [a for a in addresses if not is_public(a)]
    if private:
        raise InvalidRequest(
            f"the webhook host {parts.hostname} resolves to a non-public address {private[0]}"
        )
    return url
