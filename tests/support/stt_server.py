"""A small OpenAI-compatible transcription server on 127.0.0.1 for tests: `POST /v1/audio/transcriptions`
(multipart, as the official client sends it) answers as the chosen mode says, and every request received is
kept, audio included, so a test can see exactly what was sent.

Modes:
  good          {"text": `text`}
  error         a 500 with an OpenAI-style error body
  rate_limited  a 429 (retry-after: 0)
  slow          no answer until `release` is set (or the server stops): whatever the client's timeout, it passes
  empty         {"text": ""}
  malformed     a body that is not JSON
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One transcription request: its form fields and the file it carried."""

    path: str
    fields: dict[str, str]
    file_name: str
    content_type: str
    audio: bytes
    authorization: str


def read_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], tuple[str, str, bytes]]:
    """(form fields, (file name, content type, bytes)) of a multipart/form-data body."""
    message = BytesParser(policy=default).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    fields: dict[str, str] = {}
    upload = ("", "", b"")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            upload = (part.get_filename() or "", part.get_content_type(), payload)
        elif isinstance(name, str):
            fields[name] = payload.decode()
    return fields, upload


class SttServer:
    """The server and its state; `start()` serves in a daemon thread, `url` is the API base."""

    def __init__(self) -> None:
        self.mode = "good"
        self.text = ""
        self.requests: list[Received] = []
        self.release = threading.Event()
        self.arrived = threading.Event()  # set when a request has come in
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> SttServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Say nothing: the tests read the requests."""

            def do_POST(self) -> None:  # noqa: N802 (the http.server name)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                fields, (name, kind, audio) = read_multipart(self.headers.get("content-type", ""), body)
                state.requests.append(Received(self.path, fields, name, kind, audio,
                                               self.headers.get("authorization", "")))
                state.arrived.set()
                if not self.path.endswith("/audio/transcriptions"):
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                    return
                state.respond(self)

            def _send(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> SttServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def respond(self, handler: Any) -> None:
        mode = self.mode
        if mode == "error":
            handler._send(500, {"error": {"message": "the model crashed", "type": "server_error"}})
        elif mode == "rate_limited":
            handler._send(429, {"error": {"message": "slow down", "type": "rate_limit_error"}},
                          {"retry-after": "0"})
        elif mode == "slow":
            self.release.wait(60)
            handler._send(200, {"text": self.text})
        elif mode == "empty":
            handler._send(200, {"text": ""})
        elif mode == "malformed":
            handler._send(200, b"{this is not json")
        else:
            handler._send(200, {"text": self.text})
