"""Webhook targets the hub may call: HTTPS to public addresses only (no private, loopback, link-
local, multicast or reserved address), checked when an endpoint is registered and again before
each delivery (the name may resolve elsewhere by then), where the checked address is the one
connected to (``pin``: no second resolution, so DNS rebinding cannot slip past).
``allow_private`` (a test setting) admits plain HTTP and local addresses, for receivers on
127.0.0.1."""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from hub.errors import InvalidRequest

Resolver = Callable[[str, int], Iterable[str]]
DEFAULT_PORTS = {"https": 443, "http": 80}


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


@dataclass(frozen=True, slots=True)
class PinnedTarget:
    """A webhook URL with its host resolved and checked: connect to ``url`` (the checked
    address in place of the name), send ``host_header``, and give ``hostname`` as TLS SNI."""

    url: str
    host_header: str
    hostname: str
    address: str


def _parts(url: str, *, allow_private: bool) -> SplitResult:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise InvalidRequest("a webhook URL must use https")
    if not parts.hostname or parts.username or parts.password:
        raise InvalidRequest("a webhook URL needs a host and no user name or password")
    return parts


def _checked_addresses(parts: SplitResult, *, allow_private: bool, resolver: Resolver) -> list[str]:
    """Every address the host resolves to, each checked (one resolution, no other)."""
    host = parts.hostname or ""
    addresses = list(resolver(host, parts.port or DEFAULT_PORTS[parts.scheme]))
    if not addresses:
        raise InvalidRequest(f"the webhook host {host} does not resolve")
    private = [a for a in addresses if not is_public(a)]
    if private and not allow_private:
        raise InvalidRequest(
            f"the webhook host {host} resolves to a non-public address {private[0]}"
        )
    return addresses


def check_target(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> str:
    """``url`` if the hub may deliver to it; else ``InvalidRequest`` saying why."""
    parts = _parts(url, allow_private=allow_private)
    if not allow_private:
        _checked_addresses(parts, allow_private=False, resolver=resolver)
    return url


def pin(url: str, *, allow_private: bool, resolver: Resolver = resolve) -> PinnedTarget:
    """Resolve ``url``'s host once, check every address, and pin the first: the delivery
    connects to that address, so a second answer (DNS rebinding) is never asked for."""
    parts = _parts(url, allow_private=allow_private)
    address = _checked_addresses(parts, allow_private=allow_private, resolver=resolver)[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    return PinnedTarget(
        url=urlunsplit(parts._replace(netloc=netloc)),
        host_header=parts.netloc,
        hostname=parts.hostname or "",
        address=address,
    )
