"""Who may push reports: the sending address checked against the allowlist, before anything is read or stored.

The sending address is the connection's peer. Only when that peer is a trusted proxy is X-Forwarded-For
believed, read from the right (the hop the proxy itself saw) past every further trusted proxy; a hop that
is not an address at all counts as an unknown sender and is refused. Without a trusted proxy the header is
ignored, so a sender cannot claim to be Infobank by writing it.
"""

import ipaddress
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.receiver.settings import IPNetwork

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

FORBIDDEN = b"Forbidden: this endpoint only takes reports from Infobank's servers\n"


def parse_address(text: str) -> IPAddress | None:
    """An address as written in a peer or an X-Forwarded-For hop (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`,
    `::ffff:1.2.3.4`), IPv4-mapped IPv6 as IPv4; None when it is no address."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class AccessPolicy:
    """The allowlist and the proxies trusted to say who is behind them."""

    allow: tuple[IPNetwork, ...]
    trusted_proxies: tuple[IPNetwork, ...] = ()

    def __post_init__(self) -> None:
        # Senders are few (Infobank's two servers): remember each answer.
        object.__setattr__(self, "_allowed", lru_cache(maxsize=1024)(self._in_allow))

    def _in_allow(self, text: str) -> bool:
        address = parse_address(text)
        return address is not None and _within(address, self.allow)

    def sender(self, peer: str | None, forwarded_for: list[str]) -> str | None:
        """The address a request comes from: the peer, or what a trusted proxy peer forwards."""
        if peer is None or not forwarded_for or not self.trusted_proxies:
            return peer
        address = parse_address(peer)
        if address is None or not _within(address, self.trusted_proxies):
            return peer
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            hop_address = parse_address(hop)
            if hop_address is None or not _within(hop_address, self.trusted_proxies):
                return hop
        return hops[0] if hops else peer

    def admits(self, sender: str | None) -> bool:
        """Whether reports from `sender` are taken."""
        return sender is not None and self._allowed(sender)  # type: ignore[attr-defined]


def _within(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


class AllowlistMiddleware:
    """ASGI middleware: 403 for a sender outside the allowlist, before the request is routed or read."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        forwarded = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
        sender = self.policy.sender(client[0] if client else None, forwarded)
        if not self.policy.admits(sender):
            log.warning("refused a request from %s (not in INFOBANK_RECEIVER_ALLOW)", _printable(sender))
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(FORBIDDEN)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": FORBIDDEN})
            return
        scope.setdefault("state", {})["sender"] = sender
        await self.app(scope, receive, send)


def _printable(sender: str | None) -> str:
    """A sender for the log: at most 64 characters, control characters escaped."""
    if sender is None:
        return "an unknown address"
    return sender[:64].encode("unicode_escape").decode("ascii")
