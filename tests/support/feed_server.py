"""A local HTTP server that plays feed publishers, well-behaved and hostile, for the feed tests and the bench.

It listens on 127.0.0.1 on a free port, in daemon threads, and serves the files of a folder (by default
`tests/data/feeds/`) under `/feeds/<name>` with an ETag: a request whose `If-None-Match` carries that ETag
gets a 304. Other routes misbehave on purpose:

* `/slow`: answers after a minute (or as soon as the server stops);
* `/trickle`: a 200 whose body comes one byte every half second, for ten minutes;
* `/status/<code>`: an empty answer with that status (404, 500, ...);
* `/loop/a`, `/loop/b`: redirect to each other;
* `/redirect/<path>`: redirects to `/<path>`; `/chain/<n>`: n redirects, then the RSS 2.0 feed;
* `/huge`: a 50 MB feed generated on the fly, without Content-Length;
* `/lying-length`: declares a longer body than it sends, then closes the connection.
* `/away?<address>`: redirects to that absolute address (anywhere, a private one included);
* `/gzip/<name>`, `/deflate/<name>`: the file of `/feeds/<name>` compressed, with its Content-Encoding;
* `/gzip-bomb`: 64 KB of gzip that expands to 64 MB; `/brotli`: a body in an encoding the reader never asked;
* `/late/<name>`: the file of `/feeds/<name>`, a third of a second late;
* `/many-items/<n>`: an RSS feed of n tiny items, slow to parse for its size (n = 40,000: seconds of CPU).
* `/held`: a small feed that the tests' parser (`chores.parse_or_hold`) holds far past any parse budget.

Every request is recorded (path and headers) for assertions. `latency` delays every answer.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import threading
import urllib.parse
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tests.support.chores import HOLD_MARK

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "feeds"
LAST_MODIFIED = "Mon, 23 Nov 2026 06:00:00 GMT"
SLOW_SECONDS = 60.0
LATE_SECONDS = 0.3
TRICKLE_INTERVAL = 0.5
TRICKLE_SECONDS = 600.0
HUGE_BYTES = 50_000_000
HUGE_ITEM = b"<item><title>Padding</title><link>https://example.com/padding</link></item>\n"
LYING_BODY = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Short</title></channel></rss>'


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # names in lower case


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Stay quiet: tests read `requests` instead."""

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        """Record the request, wait the configured latency, then answer by route."""
        self.server.record(Received(self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.server.latency:
            self.server.stopping.wait(self.server.latency)
        path = self.path.split("?", 1)[0]
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, which is what several tests expect

    def _route(self, path: str) -> None:
        if path.startswith("/feeds/"):
            self._file(path.removeprefix("/feeds/"))
        elif path == "/slow":
            self.server.stopping.wait(SLOW_SECONDS)
            self._file("rss2.xml")
        elif path == "/trickle":
            self._trickle()
        elif path.startswith("/status/"):
            self._answer(int(path.removeprefix("/status/")), b"")
        elif path in ("/loop/a", "/loop/b"):
            self._redirect("/loop/b" if path == "/loop/a" else "/loop/a")
        elif path.startswith("/redirect/"):
            self._redirect("/" + path.removeprefix("/redirect/"))
        elif path.startswith("/chain/"):
            left = int(path.removeprefix("/chain/"))
            self._redirect(f"/chain/{left - 1}" if left > 1 else "/feeds/rss2.xml")
        elif path == "/huge":
            self._huge()
        elif path == "/away":
            self._redirect(urllib.parse.unquote(self.path.partition("?")[2]))
        elif path.startswith(("/gzip/", "/deflate/")):
            self._compressed(*path.removeprefix("/").split("/", 1))
        elif path.startswith("/late/"):
            self.server.stopping.wait(LATE_SECONDS)
            self._file(path.removeprefix("/late/"))
        elif path == "/gzip-bomb":
            self._answer(200, _gzip_bomb(), {"Content-Encoding": "gzip", "Content-Type": "application/xml"})
        elif path == "/brotli":
            self._answer(200, b"\x1b\x00\x00", {"Content-Encoding": "br", "Content-Type": "application/xml"})
        elif path.startswith("/many-items/"):
            self._answer(200, _many_items(int(path.removeprefix("/many-items/"))), {"Content-Type": "application/xml"})
        elif path == "/held":
            self._answer(200, HELD_FEED, {"Content-Type": "application/xml"})
        elif path == "/lying-length":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(LYING_BODY) * 10))
            self.end_headers()
            self.wfile.write(LYING_BODY)
        else:
            self._answer(404, b"")

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _file(self, name: str) -> None:
        path = self.server.root / name
        if "/" in name or not path.is_file():
            self._answer(404, b"")
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == etag:
            self._answer(304, b"", headers)
        else:
            self._answer(200, body, {**headers, "Content-Type": "application/xml"})

    def _compressed(self, encoding: str, name: str) -> None:
        path = self.server.root / name
        if "/" in name or not path.is_file():
            self._answer(404, b"")
            return
        body = gzip.compress(path.read_bytes()) if encoding == "gzip" else zlib.compress(path.read_bytes())
        self._answer(200, body, {"Content-Encoding": encoding, "Content-Type": "application/xml"})

    def _redirect(self, location: str) -> None:
        self._answer(302, b"", {"Location": location})

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        for _ in range(int(TRICKLE_SECONDS / TRICKLE_INTERVAL)):
            self.wfile.write(b" ")
            self.wfile.flush()
            if self.server.stopping.wait(TRICKLE_INTERVAL):
                return

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>\n')
        chunk = HUGE_ITEM * (65_536 // len(HUGE_ITEM))
        for _ in range(HUGE_BYTES // len(chunk)):
            if self.server.stopping.is_set():
                return
            self.wfile.write(chunk)
        self.wfile.write(b"</channel></rss>\n")


@functools.cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title>' + b" " * 64_000_000)


# A feed whose parse the tests' parser holds (tests/support/chores.py: parse_or_hold).
HELD_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Held</title>' + HOLD_MARK
             + b"<item><title>a</title><link>https://example.com/a</link></item></channel></rss>")


@functools.cache
def _many_items(count: int) -> bytes:
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>'
        + b"<item><title>a</title></item>" * count
        + b"</channel></rss>"
    )


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once: a short backlog would make them retry a second later

    def __init__(self, root: Path, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root, self.latency = root, latency
        self.stopping = threading.Event()
        self.received: list[Received] = []
        self._lock = threading.Lock()

    def record(self, request: Received) -> None:
        with self._lock:
            self.received.append(request)

    def recorded(self) -> list[Received]:
        with self._lock:
            return list(self.received)


class FeedServer:
    """The local feed publisher; use it as a context manager and build addresses with `url`."""

    def __init__(self, root: Path = DATA_DIR, *, latency: float = 0.0) -> None:
        self._server = _Server(root, latency)
        self._thread = threading.Thread(target=self._server.serve_forever, name="feed-server", daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        """The full address of a path on this server."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/{path.lstrip('/')}"

    @property
    def requests(self) -> list[Received]:
        """Every request received so far, in order."""
        return self._server.recorded()

    def requests_to(self, path: str) -> list[Received]:
        """The requests received for one path (query string included)."""
        return [r for r in self.requests if r.path == "/" + path.lstrip("/")]
