"""Whether an address a leader gives is acceptable as a feed, judged from the address alone.

The fetcher checks again, with name resolution, at every fetch and every redirect; this first look refuses at
once what is plainly wrong (not http(s), credentials, a private or loopback address or name).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_URL = 2000
_PRIVATE_NAMES = ("localhost", "localhost.localdomain")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def feed_url_problem(url: str, *, allow_private: bool = False) -> str | None:
    """None if the address can be tried, else the message key that explains why not."""
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return "feed_url_invalid"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "feed_url_invalid"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return "feed_url_invalid"
    if port == 0:
        return "feed_url_invalid"
    if allow_private:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host in _PRIVATE_NAMES or host.endswith(_PRIVATE_SUFFIXES) or "." not in host and ":" not in host:
        return "feed_url_private"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast:
        return "feed_url_private"
    return None
