"""The pacer keeps sends under Telegram's limits, puts replies before scheduled sends, and retries wisely.

Only lower bounds on time are asserted (a pacer guarantees minimum spacing; a busy machine only adds to it).
"""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.adapters.pacing import BULK, PacedRateLimiter


class Recorder:
    """A Bot API stand-in that notes the loop time of each call, and can fail the first ones."""

    def __init__(self, failures: list[Exception] | None = None) -> None:
        self.calls: list[tuple[float, object]] = []
        self.failures = failures or []

    async def __call__(self, chat_id: object, label: str = "") -> bool:
        self.calls.append((asyncio.get_running_loop().time(), (chat_id, label)))
        if self.failures:
            raise self.failures.pop(0)
        return True


async def send(
    limiter: PacedRateLimiter,
    recorder: Recorder,
    chat_id: int,
    *,
    bulk: bool = False,
    label: str = "",
    endpoint: str = "sendMessage",
) -> object:
    return await limiter.process_request(
        recorder, (chat_id, label), {}, endpoint, {"chat_id": chat_id}, BULK if bulk else None
    )


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_sends_are_spaced_to_the_overall_rate():
    async def scenario():
        limiter, recorder = PacedRateLimiter(overall_per_second=200, per_chat_per_second=1000), Recorder()
        await asyncio.gather(*(send(limiter, recorder, chat) for chat in range(30)))
        await limiter.shutdown()
        return [t for t, _ in recorder.calls]

    times = asyncio.run(scenario())
    assert len(times) == 30
    # A turn that fires a little late may be followed by one a little early (the cadence holds), so the rate is
    # judged over ten sends: never more than one turn's worth ahead of the limit.
    assert min(b - a for a, b in zip(times, times[10:], strict=False)) >= 9 * 0.005


def test_scheduled_sends_to_one_chat_are_spaced_to_the_chat_rate_and_replies_may_burst():
    async def scenario():
        limiter = PacedRateLimiter(overall_per_second=1000, per_chat_per_second=1, interactive_burst=3)
        bulk, replies = Recorder(), Recorder()
        await asyncio.gather(*(send(limiter, bulk, 1, bulk=True) for _ in range(3)))
        await asyncio.gather(*(send(limiter, replies, 2) for _ in range(3)))
        await limiter.shutdown()
        return [t for t, _ in bulk.calls], [t for t, _ in replies.calls]

    bulk, replies = asyncio.run(scenario())
    assert min(gaps(bulk)) >= 1 * 0.9  # a lower bound: a busy machine only makes the gaps longer
    # Three replies spaced to the chat rate would take 2 s; as a burst they take milliseconds on an idle machine,
    # and the bound, half the spaced time, is more than ten times that.
    assert replies[-1] - replies[0] < 1.0


def test_a_reply_goes_before_the_scheduled_sends_waiting():
    async def scenario():
        limiter, recorder = PacedRateLimiter(overall_per_second=100, per_chat_per_second=1000), Recorder()
        morning = [
            asyncio.create_task(send(limiter, recorder, chat, bulk=True, label="lesson")) for chat in range(100, 160)
        ]
        await asyncio.sleep(0.05)
        await send(limiter, recorder, 7, label="reply")
        position = [label for _, (_, label) in recorder.calls].index("reply")
        await asyncio.gather(*morning)
        await limiter.shutdown()
        return position

    position = asyncio.run(scenario())
    assert position <= 10  # of 61 sends, the reply was among the first, not behind the 60 scheduled ones


def test_a_429_pauses_every_send_and_is_retried():
    async def scenario():
        limiter = PacedRateLimiter(overall_per_second=1000, per_chat_per_second=1000)
        recorder = Recorder([RetryAfter(1)])
        await asyncio.gather(send(limiter, recorder, 1), send(limiter, recorder, 2))
        await limiter.shutdown()
        return recorder.calls

    calls = asyncio.run(scenario())
    assert len(calls) == 3  # the refused one, then both
    first = calls[0][0]
    assert all(t - first >= 0.95 for t, _ in calls[1:])


def test_timeouts_and_server_errors_are_retried_a_few_times_then_given_up():
    async def scenario(failures: list[Exception]) -> tuple[object, int]:
        limiter = PacedRateLimiter(network_retries=3, first_pause=0.01)
        recorder = Recorder(failures)
        try:
            result = await send(limiter, recorder, 1)
        except Exception as error:  # noqa: BLE001 - the test looks at which error escaped
            result = error
        await limiter.shutdown()
        return result, len(recorder.calls)

    assert asyncio.run(scenario([TimedOut(), NetworkError("Bad Gateway")])) == (True, 3)
    result, calls = asyncio.run(scenario([NetworkError("Internal Server Error")] * 10))
    assert isinstance(result, NetworkError) and calls == 4
    result, calls = asyncio.run(scenario([BadRequest("Chat not found")]))
    assert isinstance(result, BadRequest) and calls == 1


@pytest.mark.parametrize("endpoint", ["getMe", "answerCallbackQuery", "setMyCommands"])
def test_calls_that_send_no_message_are_not_paced(endpoint):
    async def scenario():
        limiter, recorder = PacedRateLimiter(overall_per_second=1, per_chat_per_second=1), Recorder()
        await asyncio.gather(*(send(limiter, recorder, 1, endpoint=endpoint) for _ in range(5)))
        await limiter.shutdown()
        return [t for t, _ in recorder.calls]

    times = asyncio.run(scenario())
    # Paced, five calls would take 4 s; unpaced, milliseconds on an idle machine: the bound is far above that.
    assert times[-1] - times[0] < 2.0
