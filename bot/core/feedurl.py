"""The one rule for the address of a feed a leader gives: what may be read, decided from the address alone.

`feed_url_problem` judges a written address: an http(s) address without credentials, of a sane length, whose
host is not a private name and, when the host is an IP address, a global one. IP addresses are read the way the
system resolver reads them, so that the shorthand, octal and hexadecimal spellings of IPv4 (`127.1`,
`0177.0.0.1`, `0x7f.1`, `2130706433`...) are judged as the addresses they are.

`is_global_address` is the same rule for one IP address; the fetcher applies it to every address a name
resolves to, at the moment of connecting, and connects to that very address (see `bot/adapters/netguard.py`),
so that what `/feeds add` accepts is what the refresh reads.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

MAX_URL = 2048
_PRIVATE_NAMES = ("localhost", "localhost.localdomain")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".invalid", ".test")
_NUMBER = re.compile(r"(0[xX][0-9a-fA-F]+|[0-9]+)\Z")

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: the last 32 bits are an IPv4 address
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use translation: never a public host
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def feed_url_problem(url: str, *, allow_private: bool = False) -> str | None:
    """None if the address can be tried, else the message key that explains why not.

    "feed_url_invalid": not a plain http(s) address (or credentials in it, or an IPv4 spelling no resolver
    reads); "feed_url_private": a private name or a non-global IP address (lifted by `allow_private`).
    """
    if not url or len(url) > MAX_URL or any(c.isspace() or not c.isprintable() for c in url):
        return "feed_url_invalid"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "feed_url_invalid"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return "feed_url_invalid"
    if port == 0:
        return "feed_url_invalid"
    host = parts.hostname.lower()
    if "%" in host:  # an IPv6 zone ("fe80::1%eth0") only means something on this machine
        return "feed_url_invalid" if allow_private else "feed_url_private"
    try:
        address = host_address(host)
    except ValueError:
        return "feed_url_invalid"
    if allow_private:
        return None
    if address is not None:
        return None if is_global_address(address) else "feed_url_private"
    name = host.rstrip(".")
    if name in _PRIVATE_NAMES or name.endswith(_PRIVATE_SUFFIXES) or "." not in name:
        return "feed_url_private"
    return None


def host_address(host: str) -> Address | None:
    """The IP address a URL's host names, read as the system resolver does, or None for a name.

    ValueError for a host that looks like an IPv4 address (its last label is a number) but is none: the
    resolver would not read it as an address, and no DNS name ends with a number.
    """
    host = host.strip("[]")
    if ":" in host:
        return ipaddress.IPv6Address(host.split("%", 1)[0])
    labels = host.rstrip(".").split(".")  # "127.0.0.1." is the same address to the resolver
    if not _NUMBER.match(labels[-1]):
        return None
    return loose_ipv4(host.rstrip("."))


def loose_ipv4(text: str) -> ipaddress.IPv4Address:
    """An IPv4 address in any spelling inet_aton accepts; ValueError for anything else.

    One to four parts separated by dots, each decimal, octal (a leading 0) or hexadecimal (0x); the last part
    fills the bytes left: `127.1` is 127.0.0.1, `0x7f000001` and `2130706433` are too.
    """
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        raise ValueError(text)
    numbers = [_number(part) for part in parts]
    *leading, last = numbers
    if any(number > 0xFF for number in leading) or last >= 1 << (8 * (5 - len(numbers))):
        raise ValueError(text)
    value = last
    for index, number in enumerate(leading):
        value |= number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int:
    if not _NUMBER.match(part):
        raise ValueError(part)
    if part[:2].lower() == "0x":
        return int(part[2:], 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)  # ValueError for 8 or 9, as inet_aton
    return int(part)


def is_global_address(address: Address | str) -> bool:
    """Whether an IP address is a public unicast one that a feed may be read from.

    Refused: loopback, private, shared, link-local, site-local, unique-local, multicast, unspecified, reserved,
    documentation; IPv4-mapped, -compatible and -translated IPv6; Teredo and local-use NAT64; NAT64 and 6to4
    addresses are judged by the IPv4 address they embed.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0]) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64:
            return is_global_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(ip in net for net in (_IPV4_COMPATIBLE, _IPV4_MAPPED, _IPV4_TRANSLATED, _TEREDO, _NAT64_LOCAL)):
            return False
        if ip in _SIX_TO_FOUR and (ip.sixtofour is None or not is_global_address(ip.sixtofour)):
            return False
        if ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
