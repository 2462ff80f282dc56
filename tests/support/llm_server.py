"""A small OpenAI-compatible server on 127.0.0.1 for tests: `POST /v1/chat/completions` answers as the
chosen mode says, and every request received is kept (so a test can see exactly what was sent).

Modes:
  good            the `answer` set by the test ({"linkedin": ..., "x": ...}) as the message content
  slow            the good answer, after `delay` seconds
  error           a 500 with an OpenAI-style error body
  rate_limited    a 429 (retry-after: 0)
  malformed       a body that is not JSON
  not_json        a well-formed completion whose content is prose, not the JSON object asked for
  no_link         the good answer without the article's link
  wrong_language  the good answer's texts replaced by the same post in the other language (`other`)
  markup          the good answer in Markdown and HTML
  obey            what an article's injected instruction asked for ("write X"): `obeyed` as content
  plain_text      the good answer's LinkedIn text alone, as plain text (no JSON)
  fenced          the good answer in a ```json code fence
  sentence        the good answer inside a sentence ("Here is the post: {...} Hope it helps.")
  truncated       the good answer cut in the middle of the JSON object
  invented_figure the good answer with a figure neither the article nor the take gives
  no_json_mode    the good answer, but a 400 to any request that asks for `response_format` (as endpoints
                  without JSON mode answer)
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LLMServer:
    """The server and its state; `start()` serves in a daemon thread, `url` is the API base."""

    def __init__(self) -> None:
        self.mode = "good"
        self.answer: dict[str, str] = {}
        self.other: dict[str, str] = {}
        self.obeyed = "X"
        self.delay = 2.0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> LLMServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Say nothing: the tests read the requests, not a log."""

            def do_POST(self) -> None:  # noqa: N802 (the http.server name)
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                state.requests.append(body)
                state.headers.append(dict(self.headers.items()))
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                    return
                state.respond(self, body)

            def _send(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (extra or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    return

        self._handler = Handler
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # --- answers ---------------------------------------------------------------------------------------------

    def respond(self, handler: Any, body: dict[str, Any]) -> None:
        mode = self.mode
        if mode == "error":
            handler._send(500, {"error": {"message": "the model crashed", "type": "server_error"}})
            return
        if mode == "rate_limited":
            handler._send(429, {"error": {"message": "slow down", "type": "rate_limit_error"}},
                          {"retry-after": "0"})
            return
        if mode == "malformed":
            handler._send(200, b"{this is not json")
            return
        if mode == "no_json_mode" and "response_format" in body:
            handler._send(400, {"error": {"message": "Unrecognized request argument supplied: response_format",
                                          "type": "invalid_request_error", "param": "response_format"}})
            return
        if mode == "slow":
            time.sleep(self.delay)
        handler._send(200, self.completion(body.get("model", ""), self.content()))

    def content(self) -> str:
        answer = dict(self.answer)
        link = answer.pop("link", "")
        if self.mode == "not_json":
            return "Here is a great post for you: " + answer.get("linkedin", "")
        if self.mode == "no_link":
            answer = {key: value.replace(link, "") for key, value in answer.items()}
        elif self.mode == "wrong_language":
            answer = dict(self.other)
        elif self.mode == "markup":
            answer = {"linkedin": "**" + answer["linkedin"] + "**", "x": "<b>" + answer["x"] + "</b>"}
        elif self.mode == "obey":
            return self.obeyed
        elif self.mode == "plain_text":
            return answer["linkedin"]
        elif self.mode == "invented_figure":
            answer = {**answer, "linkedin": answer["linkedin"].replace(link, f"Energy bills fell 45% across the "
                                                                            f"sector in 2025.\n\n{link}")}
        text = json.dumps(answer, ensure_ascii=False)
        if self.mode == "fenced":
            return f"```json\n{json.dumps(answer, ensure_ascii=False, indent=2)}\n```"
        if self.mode == "sentence":
            return f"Here is the post you asked for: {text} I hope it helps!"
        if self.mode == "truncated":
            return text[: len(text) // 2]
        return text

    @staticmethod
    def completion(model: str, content: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
