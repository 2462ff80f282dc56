"""The one address rule (core) and the transport that applies it to the address actually connected to."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpcore
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.feeds import FeedFetcher, FeedSource
from bot.adapters.netguard import BlockedAddress, GuardedBackend
from bot.core.feedstate import FeedState
from bot.core.feedurl import feed_url_problem, is_global_address, loose_ipv4
from tests.conftest import utc
from tests.support.feed_server import FeedServer

NOW = utc(2026, 11, 23, 6, 0)
PUBLIC_IP = "93.184.216.34"  # never reached: a stand-in network sends it to the local publisher


# The rule, on written addresses

REFUSED_IN_THE_ISSUE = [
    "http://0x7f.1/",
    "http://127.1/",
    "http://0177.0.0.1/",
    "http://127.000.000.001/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/",
    "http://127.0.0.1/",
    "http://localhost/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/",
]
REFUSED_TOO = [
    "http://127.0.0.1./",  # a trailing dot is the same address to the resolver
    "http://0/",
    "http://10.1/",  # 10.0.0.1
    "http://0xa9.0xfe.0xa9.0xfe/",  # 169.254.169.254
    "http://0251.0376.0251.0376/",
    "http://192.168.0x1.1/",
    "http://100.64.0.1/",  # shared address space
    "http://[::ffff:8.8.8.8]/",  # IPv4-mapped, even of a public address
    "http://[::8.8.8.8]/",  # IPv4-compatible
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
    "http://[64:ff9b:1::a00:1]/",  # local-use NAT64
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://[::]/",
    "http://[2001:db8::1]/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://intranet/",
    "http://printer.local/",
    "http://metadata.google.internal/",
    "http://app.localhost/",
]
ACCEPTED = [
    f"https://{PUBLIC_IP}/feed.xml",
    "http://8.8.2056/",  # 8.8.8.8 in shorthand: public, so acceptable
    "http://0x08080808/",
    "http://[2606:4700:4700::1111]/feed",
    "http://[64:ff9b::808:808]/",  # NAT64 of a public address
    "http://[2002:808:808::1]/",  # 6to4 of a public address
    "https://www.lemonde.fr/rss/une.xml",
]


@pytest.mark.parametrize("url", REFUSED_IN_THE_ISSUE + REFUSED_TOO)
def test_every_spelling_of_a_non_public_address_is_refused(url: str):
    assert feed_url_problem(url) == "feed_url_private"
    assert feed_url_problem(url, allow_private=True) is None


@pytest.mark.parametrize("url", ACCEPTED)
def test_public_addresses_are_accepted_whatever_their_spelling(url: str):
    assert feed_url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    ["http://1.2.3.4.5/", "http://0x100000000/", "http://256.1.1.1/", "http://1.256.1.1/", "http://08.1.1.1/",
     "http://1.2.65536/", "http://example.123/", "http://[1::2::3]/", "https://" + "a" * 2100 + ".com/",
     "http://user:pw@example.com/", "http://@example.com/", "gopher://example.com/", "http://example.com:0/"],
)
def test_what_no_resolver_reads_as_an_address_is_invalid(url: str):
    assert feed_url_problem(url) == "feed_url_invalid"


NUMERIC = st.text(alphabet="0123456789xXabcdefABCDEF.", min_size=1, max_size=20)


@settings(max_examples=500)
@given(NUMERIC)
def test_ipv4_spellings_are_read_exactly_as_the_system_reads_them(text: str):
    try:
        expected = ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        expected = None
    try:
        ours = loose_ipv4(text)
    except ValueError:
        ours = None
    assert ours == expected


def spellings(address: ipaddress.IPv4Address) -> st.SearchStrategy[str]:
    """Ways of writing an IPv4 address that inet_aton (and so getaddrinfo) reads."""
    octets = address.packed
    number = int(address)

    def part(value: int, style: str) -> str:
        return {"dec": str(value), "oct": "0" + format(value, "o"), "hex": hex(value)}[style]

    styles = st.sampled_from(["dec", "oct", "hex"])
    return st.one_of(
        styles.map(lambda s: part(number, s)),
        st.tuples(styles, styles).map(lambda s: f"{part(octets[0], s[0])}.{part(number & 0xFFFFFF, s[1])}"),
        st.tuples(styles, styles, styles).map(
            lambda s: f"{part(octets[0], s[0])}.{part(octets[1], s[1])}.{part(number & 0xFFFF, s[2])}"
        ),
        st.tuples(styles, styles, styles, styles).map(
            lambda s: ".".join(part(octets[i], s[i]) for i in range(4))
        ),
    )


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses(v=4).flatmap(lambda a: st.tuples(st.just(a), spellings(a))))
def test_what_add_accepts_is_what_the_connection_would_reach(case):
    address, written = case
    resolved = {info[4][0] for info in socket.getaddrinfo(written, 80, type=socket.SOCK_STREAM)}
    assert resolved == {str(address)}
    allowed = feed_url_problem(f"http://{written}/feed") is None
    assert allowed == is_global_address(str(address))


# The transport: resolve once, check every address, connect to the one checked


class StandInNetwork(httpcore.AsyncNetworkBackend):
    """Records every address asked for; sends PUBLIC_IP to the local publisher, refuses everything else."""

    def __init__(self, publisher_port: int) -> None:
        self.port = publisher_port
        self.asked: list[tuple[str, int]] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
        self.asked.append((host, port))
        if host != PUBLIC_IP:
            raise httpcore.ConnectError(f"the stand-in network does not reach {host}")
        return await self._real.connect_tcp("127.0.0.1", self.port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


class Resolver:
    """A DNS stand-in: each name answers its list of answers in turn (the last one again once used up)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture(scope="module")
def server():
    with FeedServer() as running:
        yield running


def run_fetch(source: FeedSource, **options):  # type: ignore[no-untyped-def]
    async def main():  # type: ignore[no-untyped-def]
        fetcher = FeedFetcher(timeout=5.0, **options)
        try:
            return await fetcher.fetch(source, FeedState(url=source.url), NOW)
        finally:
            await fetcher.aclose()

    return asyncio.run(main())


def test_a_name_that_rebinds_to_loopback_never_gets_a_connection_there(server: FeedServer):
    resolver = Resolver({"rebind.example": [[PUBLIC_IP], ["127.0.0.1"]]})
    network = StandInNetwork(int(server.url("").split(":")[2].split("/")[0]))
    source = FeedSource("http://rebind.example/feeds/rss2.xml?rebind", "Rebinding", trusted=False)

    state, report = run_fetch(source, resolver=resolver, network=network)
    assert (report.status, report.items) == ("ok", 3)
    assert resolver.asked == ["rebind.example"]  # resolved once: the address checked is the one connected to
    assert network.asked == [(PUBLIC_IP, 80)]

    state, report = run_fetch(source, resolver=resolver, network=network)  # the name now answers 127.0.0.1
    assert (report.status, report.error) == ("error", "private address")
    assert resolver.asked == ["rebind.example"] * 2
    assert network.asked == [(PUBLIC_IP, 80)]  # never asked to reach loopback
    assert len(server.requests_to("feeds/rss2.xml?rebind")) == 1


def test_a_name_with_any_private_address_among_its_answers_is_refused():
    resolver = Resolver({"mixed.example": [[PUBLIC_IP, "10.0.0.7"]]})
    network = StandInNetwork(1)
    source = FeedSource("http://mixed.example/feed", "Mixed", trusted=False)
    state, report = run_fetch(source, resolver=resolver, network=network)
    assert (report.status, report.error) == ("error", "private address")
    assert network.asked == []


@pytest.mark.parametrize("target", ["http://inside.example/feeds/rss2.xml?inside", "http://127.1:{port}/feeds/rss2.xml?inside",
                                    "http://[::ffff:127.0.0.1]:{port}/feeds/rss2.xml?inside"])
def test_a_redirect_to_a_private_address_is_refused(server: FeedServer, target: str):
    port = int(server.url("").split(":")[2].split("/")[0])
    resolver = Resolver({"public.example": [[PUBLIC_IP]], "inside.example": [["127.0.0.1"]]})
    network = StandInNetwork(port)
    source = FeedSource(f"http://public.example/away?{target.format(port=port)}", "Redirected", trusted=False)
    before = len(server.requests_to("feeds/rss2.xml?inside"))
    state, report = run_fetch(source, resolver=resolver, network=network)
    assert (report.status, report.error) == ("error", "private address")
    assert network.asked == [(PUBLIC_IP, 80)]
    assert len(server.requests_to("feeds/rss2.xml?inside")) == before


def test_the_operator_may_open_private_addresses_for_local_testing(server: FeedServer):
    source = FeedSource(server.url("feeds/rss2.xml?local").replace("127.0.0.1", "127.1"), "Local", trusted=False)
    state, report = run_fetch(source)
    assert (report.status, report.error) == ("error", "private address")
    state, report = run_fetch(source, allow_private=True)
    assert (report.status, report.items) == ("ok", 3)
    assert len(server.requests_to("feeds/rss2.xml?local")) == 1


@pytest.mark.parametrize("host", ["localhost", "127.1", "0x7f.0.0.1", "::1"])
def test_the_backend_refuses_before_connecting(host: str):
    network = StandInNetwork(1)
    backend = GuardedBackend(network=network)

    async def connect() -> None:
        await backend.connect_tcp(host, 80)

    with pytest.raises(BlockedAddress):
        asyncio.run(connect())
    assert network.asked == []


# TLS: the connection goes to the address checked, the certificate and SNI are still the host name's


def tls_publisher(tmp_path, name: str):  # type: ignore[no-untyped-def]
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for `name`; records the SNI it was sent."""
    import http.server
    import shutil
    import ssl
    import subprocess
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )
    seen: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, server_name, ctx: seen.append(server_name)  # type: ignore[assignment,misc]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            """Say nothing."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert, seen


def test_tls_is_checked_against_the_host_name_while_connecting_to_the_checked_address(tmp_path):
    import ssl

    import httpx

    from bot.adapters.netguard import guarded_pool

    server, cert, seen = tls_publisher(tmp_path, "feeds.example")
    port = server.server_address[1]

    async def get(url: str) -> int:
        trusting = ssl.create_default_context(cafile=str(cert))
        transport = httpx.AsyncHTTPTransport()
        network = StandInNetwork(port)
        resolver = Resolver({"feeds.example": [[PUBLIC_IP]], "other.example": [[PUBLIC_IP]]})
        transport._pool = guarded_pool(ssl_context=trusting, max_connections=2, resolver=resolver, network=network)
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.get(url)
        assert network.asked == [(PUBLIC_IP, 443)]
        return response.status_code

    try:
        assert asyncio.run(get("https://feeds.example/feed")) == 200
        assert seen == ["feeds.example"]
        with pytest.raises(httpx.ConnectError, match="certificate"):  # the certificate names another host
            asyncio.run(get("https://other.example/feed"))
        assert seen == ["feeds.example", "other.example"]
    finally:
        server.shutdown()
        server.server_close()
