"""The bot's small web server (Starlette, served by uvicorn inside the bot's own event loop).

Routes: `/healthz` (200 while updates are being received and storage writes, else 503, with a JSON body that
says which), `/linkedin/callback` (the end of a LinkedIn sign-in) and, in webhook mode, `/telegram` (updates
pushed by Telegram). Other parts plug routes in with `extra_routes` (a `/metrics`, for instance). What each
route does is given as plain callables: this module knows neither Telegram nor LinkedIn.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
CALLBACK_PATH = "/linkedin/callback"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE = 1_000_000  # bytes: an update is a few kilobytes

ExtraRoute = BaseRoute  # what other parts plug in (a Starlette route)
Health = Callable[[], Awaitable[Mapping[str, bool]]]
# The LinkedIn callback: the query's parameters -> (HTTP status, the page's title, the page's text).
Callback = Callable[[Mapping[str, str]], Awaitable[tuple[int, str, str]]]
# An update pushed by Telegram: (the secret header, the body) -> the HTTP status to answer.
Webhook = Callable[[str | None, bytes], Awaitable[int]]


@dataclass(frozen=True)
class Page:
    """A small page in the bot's own words."""

    title: str
    text: str

    def render(self) -> str:
        """The page as HTML (its words escaped)."""
        title, text = html.escape(self.title), html.escape(self.text)
        return ("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">"
                f"<title>{title}</title></head><body style=\"font-family: sans-serif; max-width: 32em; "
                f"margin: 3em auto; padding: 0 1em\"><h1>{title}</h1><p>{text}</p></body></html>")


def build_web_app(*, health: Health, linkedin_callback: Callback | None = None, webhook: Webhook | None = None,
                  extra_routes: Iterable[BaseRoute] = ()) -> Starlette:
    """The one ASGI app of the bot."""

    async def healthz(request: Request) -> Response:
        checks = dict(await health())
        return JSONResponse(checks, status_code=200 if checks and all(checks.values()) else 503,
                            headers={"Cache-Control": "no-store"})

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET", "HEAD"])]

    if linkedin_callback is not None:
        callback = linkedin_callback

        async def linkedin(request: Request) -> Response:
            status, title, text = await callback(dict(request.query_params))
            return HTMLResponse(Page(title, text).render(), status_code=status,
                                headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

        routes.append(Route(CALLBACK_PATH, linkedin, methods=["GET"]))

    if webhook is not None:
        receive = webhook

        async def telegram(request: Request) -> Response:
            body = await request.body()
            if len(body) > MAX_UPDATE:
                return PlainTextResponse("too large", status_code=413)
            status = await receive(request.headers.get(SECRET_HEADER), body)
            return PlainTextResponse("ok" if status == 200 else "refused", status_code=status)

        routes.append(Route(WEBHOOK_PATH, telegram, methods=["POST"]))

    routes.extend(extra_routes)
    return Starlette(routes=routes)


class _Server(uvicorn.Server):
    """uvicorn, leaving the process's signals to the bot (which stops the server itself)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn
        """The bot handles signals."""


class WebServer:
    """Serves an ASGI app on host:port inside the running event loop (port 0: any free port)."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port it listens on."""
        server = self._server
        if server is not None and server.servers:
            for listener in server.servers:
                for sock in listener.sockets:
                    return int(sock.getsockname()[1])
        return self.requested_port

    @property
    def running(self) -> bool:
        """Whether it serves requests now."""
        return self._server is not None and self._server.started and self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Listen; return once requests are served (RuntimeError if it cannot, e.g. the port is taken)."""
        config = uvicorn.Config(self.app, host=self.host, port=self.requested_port, log_level="warning",
                                access_log=False, lifespan="off", server_header=False)
        server = self._server = _Server(config)

        async def serve() -> None:
            try:
                await server.serve()
            except SystemExit:  # uvicorn exits when it cannot listen
                log.error("the web server could not listen on %s:%s", self.host, self.requested_port)

        self._task = asyncio.create_task(serve(), name="web server")
        while not server.started:
            if self._task.done():
                raise RuntimeError(f"the web server could not listen on {self.host}:{self.requested_port}")
            await asyncio.sleep(0.01)
        log.info("web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening (requests in progress finish)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._task = None
