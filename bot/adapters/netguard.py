"""Connecting only to public addresses: a network backend that resolves a name once and connects to what it checked.

Checking an address and then letting the HTTP library resolve the name again when it connects leaves a gap: a
name can answer a public address to the check and a private one to the connection (DNS rebinding). Here the
check happens where the connection is made, in an httpcore network backend: `connect_tcp` resolves the host
once, refuses the connection if any address it resolves to is not global (the core's `is_global_address`, the
same rule as `/feeds add`), and connects to that very address. TLS still uses the host name (httpcore starts
TLS with the request's host for SNI and the certificate check), and every redirect hop is a new request that
goes through the same backend. The feeds adapter puts this pool under httpx's own transport; no proxy is ever
used there (a proxy would connect on our behalf). This module reaches httpcore only, never httpx.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore

from bot.core.feedurl import is_global_address

Network = httpcore.AsyncNetworkBackend

# Answers the addresses a host name resolves to, in the order to try them (IP addresses as text).
Resolver = Callable[[str, int], Awaitable[list[str]]]


class BlockedAddress(Exception):
    """The host resolves to an address that is not global: nothing was connected."""


class UnresolvedHost(Exception):
    """The host name does not resolve."""


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of a host from the system resolver (getaddrinfo, off the event loop)."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnresolvedHost(host) from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that connects only to global addresses (unless `allow_private`), resolving once."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        network: Network | None = None,
    ) -> None:
        self.allow_private = allow_private
        self._resolve = resolver or system_resolver
        self._network = network or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port)
        if not addresses:
            raise UnresolvedHost(host)
        if not self.allow_private and not all(is_global_address(address) for address in addresses):
            raise BlockedAddress(host)
        problem: Exception | None = None
        for address in addresses:
            try:
                return await self._network.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                problem = error
        assert problem is not None
        raise problem

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def guarded_pool(
    *,
    ssl_context: ssl.SSLContext,
    max_connections: int,
    allow_private: bool = False,
    resolver: Resolver | None = None,
    network: Network | None = None,
) -> httpcore.AsyncConnectionPool:
    """A connection pool whose every connection goes through a GuardedBackend (for httpx's transport)."""
    return httpcore.AsyncConnectionPool(
        ssl_context=ssl_context,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        network_backend=GuardedBackend(allow_private=allow_private, resolver=resolver, network=network),
    )
