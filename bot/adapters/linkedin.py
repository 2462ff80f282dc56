"""LinkedIn over httpx: the OAuth 2.0 authorization code flow, the member's id, and a post through `/rest/posts`.

The self-serve products "Sign In with LinkedIn using OpenID Connect" and "Share on LinkedIn" give the scopes
`openid profile w_member_social`: the member's id is `sub` of `/v2/userinfo` (the author is
`urn:li:person:{sub}`), and a post is `POST /rest/posts` with the headers `LinkedIn-Version` (LinkedIn sunsets
versions after about a year, so it is configurable) and `X-Restli-Protocol-Version: 2.0.0`. The commentary is
in LinkedIn's "little text" format, where `( ) [ ] { } < > @ | ~ _ * \\` are markup: unescaped, the post is cut
at the first one or turned into a mention, so each is escaped with a backslash (web addresses are left whole so
that they still link, and `#word` stays a hashtag). The post's URN comes back in the `x-restli-id` header.

Errors come back as plain values (`PublishResult`), never as exceptions: 401 (expired or revoked: connect
again), 403 (a scope is missing), 422 (a duplicate, among other refusals), 429 (too many), a timeout.
Tokens are sent to LinkedIn only, in the Authorization header, and never logged (httpx logs URLs, which hold
none; every log record is scrubbed of them anyway).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import httpx

from bot.core.events import PublishResult

log = logging.getLogger(__name__)

SCOPES = "openid profile w_member_social"
TIMEOUT = 20.0  # seconds for a whole exchange with LinkedIn
RESERVED = frozenset("()[]{}<>@|~_*\\")
_ADDRESS = re.compile(r"https?://\S+")


def escape_little_text(text: str) -> str:
    """The text as LinkedIn's little-text format reads it back unchanged: every reserved character escaped,
    web addresses kept whole (so that they link)."""
    out: list[str] = []
    position = 0
    for address in _ADDRESS.finditer(text):
        out.append(_escape(text[position:address.start()]))
        out.append(address.group())
        position = address.end()
    out.append(_escape(text[position:]))
    return "".join(out)


def _escape(text: str) -> str:
    return "".join(f"\\{char}" if char in RESERVED else char for char in text)


class LinkedInError(Exception):
    """LinkedIn refused a sign-in (the reason is safe to log: no token, no code, no secret)."""


@dataclass(frozen=True)
class Grant:
    """What a sign-in gives: the access token, how long it lasts (seconds), and the member's id."""

    token: str
    expires_in: int
    member: str


@dataclass(frozen=True)
class Publication:
    """How a post went: the result, the post's address when published, and LinkedIn's own code for logs."""

    result: PublishResult
    url: str = ""
    code: str = ""


class LinkedInClient:
    """The few calls the bot makes to LinkedIn."""

    def __init__(self, client_id: str, secret: str, redirect_uri: str, *, version: str,
                 oauth_url: str = "https://www.linkedin.com/oauth/v2", api_url: str = "https://api.linkedin.com",
                 timeout: float = TIMEOUT) -> None:
        self.client_id = client_id
        self._secret = secret
        self.redirect_uri = redirect_uri
        self.version = version
        self.oauth_url = oauth_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False)
        return self._http

    async def aclose(self) -> None:
        """Close the connections."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def authorization_url(self, state: str) -> str:
        """The address that asks the member to allow the bot to publish for them."""
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                           "state": state, "scope": SCOPES}, quote_via=quote)
        return f"{self.oauth_url}/authorization?{query}"

    async def sign_in(self, code: str) -> Grant:
        """Exchange the authorization code for a token, then read the member's id."""
        try:
            answer = await self._client().post(f"{self.oauth_url}/accessToken", data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "client_secret": self._secret})
            if answer.status_code != 200:
                raise LinkedInError(f"the token exchange answered {answer.status_code} ({_error_code(answer)})")
            body = answer.json()
            token, expires_in = body.get("access_token"), body.get("expires_in")
            if not isinstance(token, str) or not token or not isinstance(expires_in, int):
                raise LinkedInError("the token exchange answered without a token")
            who = await self._client().get(f"{self.api_url}/v2/userinfo",
                                           headers={"Authorization": f"Bearer {token}"})
            if who.status_code != 200:
                raise LinkedInError(f"userinfo answered {who.status_code} ({_error_code(who)})")
            member = who.json().get("sub")
            if not isinstance(member, str) or not member:
                raise LinkedInError("userinfo answered without the member's id")
        except httpx.HTTPError as error:
            raise LinkedInError(f"LinkedIn could not be reached ({type(error).__name__})") from None
        except ValueError:
            raise LinkedInError("LinkedIn answered something that is not JSON") from None
        return Grant(token, expires_in, member)

    async def publish(self, token: str, member: str, text: str) -> Publication:
        """Publish a text post, visible to everyone, in the member's name."""
        body = {
            "author": f"urn:li:person:{member}",
            "commentary": escape_little_text(text),
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        headers = {"Authorization": f"Bearer {token}", "LinkedIn-Version": self.version,
                   "X-Restli-Protocol-Version": "2.0.0"}
        try:
            answer = await self._client().post(f"{self.api_url}/rest/posts", json=body, headers=headers,
                                               timeout=self.timeout)
        except httpx.TimeoutException:
            return Publication(PublishResult.TIMEOUT, code="timeout")
        except httpx.HTTPError as error:
            return Publication(PublishResult.FAILED, code=type(error).__name__)
        status = answer.status_code
        if status == 201:
            urn = answer.headers.get("x-restli-id", "")
            return Publication(PublishResult.PUBLISHED, post_address(urn))
        code = _error_code(answer)
        result = {401: PublishResult.UNAUTHORIZED, 403: PublishResult.FORBIDDEN, 429: PublishResult.RATE_LIMITED,
                  504: PublishResult.TIMEOUT}.get(status, PublishResult.FAILED)
        if status == 422 and ("DUPLICATE" in code or "duplicate" in _message(answer).lower()):
            result = PublishResult.DUPLICATE
        return Publication(result, code=f"{status} {code}")


def post_address(urn: str) -> str:
    """The public address of a post from its URN (urn:li:share:… or urn:li:ugcPost:…)."""
    if not urn.startswith("urn:li:"):
        return "https://www.linkedin.com/feed/"
    return f"https://www.linkedin.com/feed/update/{quote(urn, safe=':')}/"


def _json(answer: httpx.Response) -> dict[str, object]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_code(answer: httpx.Response) -> str:
    """LinkedIn's own code for a refusal (`code`, `serviceErrorCode`, an input error's code, OAuth's `error`)."""
    body = _json(answer)
    codes = [str(body[key]) for key in ("code", "serviceErrorCode", "error") if key in body]
    details = body.get("errorDetails")
    if isinstance(details, dict):
        for error in details.get("inputErrors", ()) or ():
            if isinstance(error, dict) and error.get("code"):
                codes.append(str(error["code"]))
    return " ".join(codes) or "no code"


def _message(answer: httpx.Response) -> str:
    message = _json(answer).get("message")
    return message if isinstance(message, str) else ""
