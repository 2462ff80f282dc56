"""A fake LinkedIn on 127.0.0.1 for tests: the OAuth 2.0 authorization code flow, `/v2/userinfo` and
`POST /rest/posts`, answering as LinkedIn documents it, errors included, and keeping what it received.

- `GET /oauth/v2/authorization` checks the client id, the registered redirect and the scopes, then sends the
  browser back to the redirect with a single-use `code` and the `state` untouched (or `error=...` when the test
  makes the member refuse).
- `POST /oauth/v2/accessToken` (a form) exchanges a code once, for the client id and secret only:
  `{"access_token", "expires_in", "scope", "token_type", "id_token"}`; else OAuth's `{"error", "error_description"}`.
- `GET /v2/userinfo` answers the member's OpenID claims (`sub`...) for a valid bearer token.
- `POST /rest/posts` wants `LinkedIn-Version` (an active YYYYMM), `X-Restli-Protocol-Version: 2.0.0`, a valid
  token with `w_member_social`, the token's member as author, PUBLIC visibility; answers 201 with the post's URN
  in `x-restli-id`. The commentary is read as LinkedIn's little text: `\\x` is the character x, and the text is
  cut at the first reserved character left unescaped (outside web addresses), as LinkedIn silently does.
  The same text twice from one member: 422 DUPLICATE_POST. Errors have LinkedIn's shapes:
  `{"status", "serviceErrorCode", "code", "message"}`.

`mode` makes the next posts fail: "expired" (401 EXPIRED_ACCESS_TOKEN), "revoked" (401 REVOKED_ACCESS_TOKEN),
"forbidden" (403 ACCESS_DENIED), "rate_limited" (429 TOO_MANY_REQUESTS). With `holding`, a post waits for
`release()` before it is answered (a publication on its way; or, never released, one that times out).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

RESERVED = set("()[]{}<>@|~_*\\")
ACTIVE_VERSIONS = {f"{year}{month:02d}" for year in (2025, 2026) for month in range(1, 13)}
SCOPES = {"openid", "profile", "w_member_social", "email"}
_ADDRESS = re.compile(r"https?://\S+")


def read_little_text(commentary: str) -> str:
    """What LinkedIn shows for a commentary: escapes undone, cut at the first unescaped reserved character."""
    out: list[str] = []
    position = 0
    while position < len(commentary):
        address = _ADDRESS.match(commentary, position)
        if address and (position == 0 or not commentary[position - 1].isalnum()):
            out.append(address.group())
            position = address.end()
            continue
        char = commentary[position]
        if char == "\\" and position + 1 < len(commentary):
            out.append(commentary[position + 1])
            position += 2
            continue
        if char in RESERVED:
            break  # LinkedIn cuts the post here, and says nothing
        out.append(char)
        position += 1
    return "".join(out)


class FakeLinkedIn:
    """The server and its state; `start()` serves in a daemon thread."""

    def __init__(self, client_id: str = "fake-client", secret: str = "fake-client-secret-9f8e7d6c") -> None:
        self.client_id = client_id
        self.secret = secret
        self.redirect_uris: set[str] = set()
        self.member = "Xa81kQ2bZ"  # who signs in next
        self.refuse = False  # the member presses "Cancel" on LinkedIn's page
        self.expires_in = 5_184_000  # 60 days
        self.mode = "ok"
        self.holding = False
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (member, redirect)
        self.tokens: dict[str, dict[str, Any]] = {}  # token -> {"member", "revoked"}
        self.posts: list[dict[str, Any]] = []  # accepted posts: the body, the text as shown, headers
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []  # every request: method, path, headers, body
        self.released = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def oauth_url(self) -> str:
        return f"{self.base}/oauth/v2"

    def release(self) -> None:
        """Let held requests go (mode "hold")."""
        self.released.set()

    def start(self) -> FakeLinkedIn:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Say nothing: the tests read the requests, not a log."""

            def _body(self) -> bytes:
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:  # noqa: N802 (the http.server name)
                state.requests.append(("GET", self.path, dict(self.headers.items()), b""))
                state.get(self)

            def do_POST(self) -> None:  # noqa: N802
                body = self._body()
                state.requests.append(("POST", self.path, dict(self.headers.items()), body))
                state.post(self, body)

            def send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    if payload is not None:
                        self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeLinkedIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what LinkedIn answers ---------------------------------------------------------------------------------

    @staticmethod
    def error(status: int, service_code: int, code: str, message: str) -> dict[str, Any]:
        return {"status": status, "serviceErrorCode": service_code, "code": code, "message": message}

    def get(self, handler: Any) -> None:
        url = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/oauth/v2/authorization":
            self.authorize(handler, query)
        elif url.path == "/v2/userinfo":
            token = self._token(handler)
            if token is None:
                handler.send(401, self.error(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token"))
                return
            handler.send(200, {"sub": token["member"], "name": "Claire Martin", "given_name": "Claire",
                               "family_name": "Martin", "locale": {"country": "FR", "language": "fr"}})
        else:
            handler.send(404, self.error(404, 0, "NOT_FOUND", f"No virtual resource found for {url.path}"))

    def authorize(self, handler: Any, query: dict[str, str]) -> None:
        if query.get("response_type") != "code" or query.get("client_id") != self.client_id:
            handler.send(400, {"error": "invalid_request", "error_description": "client_id or response_type"})
            return
        redirect = query.get("redirect_uri", "")
        if redirect not in self.redirect_uris:
            handler.send(400, {"error": "invalid_request",
                               "error_description": "The redirect_uri does not match the registered value"})
            return
        scopes = set(query.get("scope", "").split())
        if not scopes or not scopes <= SCOPES:
            handler.send(400, {"error": "unauthorized_scope_error", "error_description": "Scope not authorized"})
            return
        back: dict[str, str] = {"state": query.get("state", "")}
        if self.refuse:
            back.update(error="user_cancelled_authorize", error_description="The user cancelled the authorization")
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = (self.member, redirect)
            back["code"] = code
        handler.send(302, None, {"location": f"{redirect}?{urlencode(back)}"})

    def post(self, handler: Any, body: bytes) -> None:
        path = urlsplit(handler.path).path
        if path == "/oauth/v2/accessToken":
            self.exchange(handler, {k: v[0] for k, v in parse_qs(body.decode()).items()})
        elif path == "/rest/posts":
            self.publish(handler, body)
        else:
            handler.send(404, self.error(404, 0, "NOT_FOUND", f"No virtual resource found for {path}"))

    def exchange(self, handler: Any, form: dict[str, str]) -> None:
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.secret:
            handler.send(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
            return
        found = self.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or found is None or found[1] != form.get("redirect_uri"):
            handler.send(400, {"error": "invalid_request",
                               "error_description": "Unable to retrieve access token: appid/redirect uri/code "
                                                    "verifier does not match authorization code"})
            return
        token = "AQV" + secrets.token_urlsafe(48)
        self.tokens[token] = {"member": found[0], "revoked": False}
        handler.send(200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer",
                           "scope": "email,openid,profile,w_member_social", "id_token": "eyJ.fake.jwt"})

    def _token(self, handler: Any) -> dict[str, Any] | None:
        auth = handler.headers.get("Authorization", "")
        token = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        return None if token is None or token["revoked"] else token

    def publish(self, handler: Any, body: bytes) -> None:
        if self.holding:
            self.released.wait(30)
        if handler.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            handler.send(400, self.error(400, 0, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required"))
            return
        version = handler.headers.get("LinkedIn-Version", "")
        if version not in ACTIVE_VERSIONS:
            handler.send(426, self.error(426, 0, "NONEXISTENT_VERSION", f"Requested version {version} is not active"))
            return
        if self.mode == "expired":
            handler.send(401, self.error(401, 65601, "EXPIRED_ACCESS_TOKEN",
                                         "The token used in the request has expired"))
            return
        if self.mode == "revoked":
            handler.send(401, self.error(401, 65600, "REVOKED_ACCESS_TOKEN",
                                         "The token used in the request has been revoked by the user"))
            return
        token = self._token(handler)
        if token is None:
            handler.send(401, self.error(401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token"))
            return
        if self.mode == "forbidden":
            handler.send(403, self.error(403, 100, "ACCESS_DENIED",
                                         "Not enough permissions to access: partnerApiPostsExternal.CREATE.20251001"))
            return
        if self.mode == "rate_limited":
            handler.send(429, self.error(429, 101, "TOO_MANY_REQUESTS", "Resource level throttle MEMBER DAY limit "
                                                                        "for calls to this resource is reached."))
            return
        try:
            post = json.loads(body)
        except ValueError:
            handler.send(400, {"status": 400, "code": "ILLEGAL_ARGUMENT",
                               "message": "Request body could not be converted to data map"})
            return
        missing = [f for f in ("author", "commentary", "visibility", "distribution", "lifecycleState") if f not in post]
        if missing:
            message = "".join(f"ERROR :: /{f} :: field is required but not found and has no default value\n"
                              for f in missing)
            handler.send(422, {"message": message, "status": 422})
            return
        if post["author"] != f"urn:li:person:{token['member']}" or post["visibility"] != "PUBLIC":
            handler.send(403, self.error(403, 100, "ACCESS_DENIED", "Not enough permissions to post as this author"))
            return
        text = read_little_text(post["commentary"])
        for earlier in self.posts:
            if earlier["member"] == token["member"] and earlier["text"] == text:
                handler.send(422, {"errorDetailType": "com.linkedin.common.error.BadRequest",
                                   "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
                                              f"Content is a duplicate of {earlier['urn']}",
                                   "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected",
                                                                     "input": {}, "code": "DUPLICATE_POST"}]},
                                   "status": 422})
                return
        urn = f"urn:li:share:{7400000000000000000 + len(self.posts)}"
        self.posts.append({"member": token["member"], "body": post, "text": text, "urn": urn,
                           "headers": dict(handler.headers.items())})
        handler.send(201, None, {"x-restli-id": urn, "x-linkedin-id": urn})
