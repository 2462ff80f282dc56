"""Parsing away from the event loop, in worker processes that can be killed: one budget per parse, from its start.

A `ParsePool` keeps a few worker processes, each taking one job at a time over a pipe. A job waits for a free
worker (callers hold a bounded number of jobs: the fetcher's download slots), and its time budget starts when a
worker takes it, never while it waits: a small feed queued behind big ones is not failed for waiting. A parse
that runs past its budget has its worker killed (and replaced) and fails alone with `ParseTimeout`; a worker
that dies (memory exhausted, a crash) fails its job with `ParserCrashed`. The fetcher keeps one pool for the
operator's feeds and one for the feeds leaders added, so that a hostile document never holds up the others.

Workers are started from a fork server (a clean, single-threaded process that preloads the parser), never
forked from the bot's own threaded process; they leave when the pipe closes, so they never outlive the bot.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import pickle
import resource
import threading
from collections.abc import Callable
from typing import Any

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["bot.adapters.feeds"])


class ParseTimeout(Exception):
    """A parse ran past its budget; its worker was killed."""


class ParserCrashed(Exception):
    """The worker process died during the parse."""


def _serve(
    connection: multiprocessing.connection.Connection, function: Callable[..., Any], memory_limit: int | None
) -> None:
    """A worker's life: run each job received, send back ("ok", result) or ("error", exception)."""
    if memory_limit:  # the worker's whole address space: past it, allocations fail with MemoryError
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            arguments = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        exhausted = False
        try:
            answer: tuple[str, Any] = ("ok", function(*arguments))
        except MemoryError:
            answer, exhausted = ("error", MemoryError()), True
        except Exception as error:  # sent back to the caller, which raises it there
            answer = ("error", error)
        try:
            connection.send(answer)
        except (pickle.PicklingError, TypeError, AttributeError) as problem:
            connection.send(("error", RuntimeError(f"unsendable answer ({type(problem).__name__})")))
        except (BrokenPipeError, OSError):
            return
        if exhausted:
            return  # a fresh worker replaces one that ran out of memory


class _Worker:
    def __init__(self, function: Callable[..., Any], name: str, memory_limit: int | None) -> None:
        self.connection, theirs = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(
            target=_serve, args=(theirs, function, memory_limit), name=name, daemon=True
        )
        self.process.start()
        theirs.close()

    def kill(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class ParsePool:
    """`workers` killable worker processes running `function`; `await pool.run(*arguments)` within `budget` s.

    `memory_limit` (bytes) caps each worker's address space: a job that needs more fails with MemoryError and
    its worker is replaced. A pool serves one event loop (the one it is first used from).
    """

    def __init__(self, function: Callable[..., Any], *, workers: int = 1, budget: float = 15.0,
                 name: str = "parser", memory_limit: int | None = None) -> None:
        if workers < 1:
            raise ValueError("a parse pool needs at least one worker")
        self.function, self.budget, self.name = function, budget, name
        self.memory_limit = memory_limit
        self.size = workers
        self._idle: asyncio.Queue[_Worker | None] | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.killed = 0  # parses stopped for running past their budget

    async def run(self, *arguments: Any) -> Any:
        """The function's result for these arguments, computed in a worker; its exception is raised here."""
        idle = self._queue()
        worker = await idle.get()
        if worker is None or not worker.process.is_alive():
            worker = await asyncio.to_thread(self._start)
        keep = False
        try:
            answer = await self._ask(worker, arguments)
            keep = not isinstance(answer[1], MemoryError)  # such a worker leaves: see _serve
        finally:
            if not keep:  # killed past its budget, crashed, or its caller gave up: a fresh one replaces it
                self._retire(worker)
                worker = None
            idle.put_nowait(worker)
        kind, value = answer
        if kind == "error":
            raise value
        return value

    async def _ask(self, worker: _Worker, arguments: tuple[Any, ...]) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        descriptor = worker.connection.fileno()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        try:
            worker.connection.send(arguments)  # the clock starts now: the worker is idle and takes it at once
        except OSError:
            raise ParserCrashed("the parser stopped") from None
        loop.add_reader(descriptor, readable)
        try:
            async with asyncio.timeout(self.budget):
                await ready
        except TimeoutError:
            self.killed += 1
            raise ParseTimeout(f"parsing took longer than {self.budget:g} s") from None
        finally:
            loop.remove_reader(descriptor)
        try:
            answer: tuple[str, Any] = worker.connection.recv()
        except (EOFError, OSError):
            raise ParserCrashed("the parser stopped") from None
        return answer

    def _queue(self) -> asyncio.Queue[_Worker | None]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.size):
                self._idle.put_nowait(None)  # started on first use
        return self._idle

    def _start(self) -> _Worker:
        worker = _Worker(self.function, self.name, self.memory_limit)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def close(self) -> None:
        """Stop every worker (a parse under way is abandoned)."""
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
