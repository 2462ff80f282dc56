"""A language model writes the post, and a speech model transcribes voice notes, through any OpenAI-compatible
endpoint (the official `openai` client: this is the one module that uses it).

What is sent, and only when `COACHBOT_LLM_URL` and `COACHBOT_LLM_MODEL` are set: one chat-completions request
with the system prompt of the leader's language (content/prompts/<lang>.yaml) and a user message holding the
article's title, source, summary (its first 500 characters at most, as the feeds give them), link and
language as JSON data, the leader's take, the length limit, the allowed hashtags and the variant number.
Nothing about the leader (no name, no id, no Telegram data) and nothing else.

The request asks for a JSON object (`response_format`) where the endpoint supports it (`ChatEndpoint` stops
asking once it is refused, and asks again without). The answer holds one JSON object `{"linkedin": ...,
"x": ...}`, alone, in a code fence or in a sentence (`extract_json_object`, for any writer that asks for
JSON), or is the LinkedIn post in plain text, starting with the take (the composer then makes the X text);
either way it must pass `posts.check_post` (the link, no markup, the limits, the take kept, the leader's
language, no figure the article and the take do not give). Anything else (a timeout, a 429, an error
status, a malformed answer, a failed check) gives None and one log line saying why; the caller then composes
the post itself. The whole exchange, one retry included, is bounded by `timeout` seconds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import openai

from bot.core.comments import COMMENT_LIMIT, CommentPrompts, CommentRequest, check_comment
from bot.core.posts import (
    LINKEDIN_LIMIT,
    LINKEDIN_SHORT_LIMIT,
    Post,
    PostRequest,
    Prompts,
    check_post,
    hashtags,
    holds_take,
    last_sentence,
    pasted_untranslated,
)
from bot.core.speech import TIMEOUT as TRANSCRIPTION_TIMEOUT
from bot.core.speech import Heard, Problem

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds, for the whole exchange
MAX_ANSWER = 20_000  # characters of an answer worth reading
ANGLES = 5  # the angles the prompts name, numbered from 0
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
_FENCED = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def user_message(prompts: Prompts, request: PostRequest) -> str:
    """The user prompt filled in: the article as JSON data, the take as a JSON string (or null), the leader's
    own posts as a JSON list of style examples (empty unless they gave some with /style)."""
    article = {
        "title": request.title,
        "source": request.source,
        "summary": request.summary,
        "link": request.link,
        "language": request.item_language,
    }
    return prompts.user.format(
        article=json.dumps(article, ensure_ascii=False, indent=1),
        take=json.dumps(request.take, ensure_ascii=False),
        limit=LINKEDIN_SHORT_LIMIT if request.shorter else LINKEDIN_LIMIT,
        hashtags=json.dumps(list(hashtags(request.topics)) if not _no_hashtags(request) else [], ensure_ascii=False),
        variant=(request.variant if request.angle is None else request.angle) % ANGLES,
        style=json.dumps(list(request.style_examples), ensure_ascii=False),
    )


def _no_hashtags(request: PostRequest) -> bool:
    return request.style is not None and request.style.hashtags is False


def extract_json_object(content: str | None, limit: int = MAX_ANSWER) -> dict[str, Any] | None:
    """The first JSON object in a model's answer, wherever it is: the whole answer, inside a code fence, or
    inside a sentence ("Here is the post: {...} Hope it helps."). None when there is none that parses whole (a
    truncated object is none). For any writer that asks a model for JSON."""
    if not content or len(content) > limit:
        return None
    text = content.strip()
    candidates = [_FENCE.sub("", text), *(found.group(1) for found in _FENCED.finditer(text)), text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        candidate = candidate.strip()
        try:
            data = json.loads(candidate)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        for start in (i for i, char in enumerate(candidate) if char == "{"):
            try:
                data, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    return None


def parse_answer(content: str | None, request: PostRequest) -> Post | None:
    """The post in a model's answer: a JSON object with two texts (found as `extract_json_object` finds it);
    or, with a take, an answer in plain text that is the LinkedIn post itself, starting with the take (its X
    text is then left empty, for the caller to make). None otherwise."""
    data = extract_json_object(content)
    if data is None:
        return _plain_post(content, request)
    linkedin, x = data.get("linkedin"), data.get("x")
    if not isinstance(linkedin, str) or not isinstance(x, str):
        return None
    return Post(linkedin=linkedin.strip(), x=x.strip(), language=request.language, link=request.link,
                writer="model")


def comment_message(prompts: CommentPrompts, request: CommentRequest) -> str:
    """The comment's user prompt filled in: the post and the view as JSON strings (data, never instructions)."""
    return prompts.user.format(post=json.dumps(request.post, ensure_ascii=False),
                               view=json.dumps(request.view, ensure_ascii=False),
                               limit=COMMENT_LIMIT, variant=request.variant,
                               shorter="yes" if request.shorter else "no")


def parse_comment_answer(content: str | None) -> str | None:
    """The comment in a model's answer (one JSON object with a "comment" text), or None."""
    data = extract_json_object(content)  # alone, in a code fence or inside a sentence
    text = data.get("comment") if data is not None else None
    return text.strip() if isinstance(text, str) and text.strip() else None


def _plain_post(content: str | None, request: PostRequest) -> Post | None:
    if not content or len(content) > MAX_ANSWER or not request.take or "{" in content:
        return None
    text = _FENCE.sub("", content.strip()).strip()
    opening = text[: len(request.take) + len(request.take) // 8 + 1]
    if not holds_take(opening, request.take):  # a preamble ("Here is your post:") or no take: not a post
        return None
    return Post(linkedin=text, x="", language=request.language, link=request.link, writer="model")


def keeps_take_on_x(x: str, request: PostRequest) -> bool:
    """Whether an X text keeps the leader's words: the take whole, or at least its last sentence."""
    if not request.take:
        return True
    last = last_sentence(request.take)
    return holds_take(x, request.take) or (last != request.take and holds_take(x, last))


class Refused(Exception):
    """The endpoint gave no usable answer; `reason` says why, for one log line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChatEndpoint:
    """One OpenAI-compatible chat-completions endpoint, asked for JSON where it supports it.

    `answer(messages)` returns the answer's text, asking for a JSON object (`response_format`) until the
    endpoint refuses that parameter once (a 400 naming it, or 422): then it asks again without, and from then
    on never sends it. Every failure (a timeout, a 429, an error status, no connection, an unreadable answer)
    raises Refused with the reason; the whole exchange is bounded by `timeout` seconds."""

    def __init__(self, *, url: str, model: str, key: str, timeout: float = TIMEOUT, json_mode: bool = True) -> None:
        self.model = model
        self.timeout = timeout
        self.json_mode = json_mode
        self.client = openai.AsyncOpenAI(base_url=url, api_key=key or "none", timeout=timeout, max_retries=1)

    async def answer(self, messages: list[Any]) -> str | None:
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._create(messages)
        except (TimeoutError, openai.APITimeoutError) as error:
            raise Refused(f"no answer within {self.timeout:g} s") from error
        except openai.RateLimitError as error:
            raise Refused("rate limited (429)") from error
        except openai.APIStatusError as error:
            raise Refused(f"error status {error.status_code}") from error
        except openai.APIConnectionError as error:
            raise Refused("cannot reach the endpoint") from error
        except (openai.OpenAIError, ValueError) as error:  # an answer the client cannot read
            raise Refused(f"malformed answer ({type(error).__name__})") from error
        try:
            content = response.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as error:
            raise Refused("malformed answer (no message)") from error
        return content if isinstance(content, str) else None

    async def _create(self, messages: list[Any]) -> Any:
        if self.json_mode:
            try:
                return await self.client.chat.completions.create(
                    model=self.model, messages=messages, response_format={"type": "json_object"})
            except openai.APIStatusError as error:
                if not _refuses_json_mode(error):
                    raise
                log.info("model endpoint: no JSON mode (status %s); asking without it", error.status_code)
                self.json_mode = False
        return await self.client.chat.completions.create(model=self.model, messages=messages)

    async def close(self) -> None:
        """Release the client's connections."""
        await self.client.close()


def _refuses_json_mode(error: openai.APIStatusError) -> bool:
    """Whether an error status says the endpoint does not take `response_format`."""
    if error.status_code == 422:
        return True
    if error.status_code != 400:
        return False
    said = f"{error.message} {error.body}".casefold()
    return "response_format" in said or "json" in said


class ModelWriter:
    """Writes posts with a model behind an OpenAI-compatible endpoint; None when it cannot be trusted.
    `x_for` makes the X text when the model answered the LinkedIn post alone, in plain text."""

    def __init__(self, *, url: str, model: str, key: str, prompts: Mapping[str, Prompts],
                 detect: Callable[[str], str | None] | None = None, timeout: float = TIMEOUT,
                 x_for: Callable[[PostRequest], str] | None = None) -> None:
        self.model = model
        self.prompts = prompts
        self.detect = detect
        self.timeout = timeout
        self.x_for = x_for
        self.endpoint = ChatEndpoint(url=url, model=model, key=key, timeout=timeout)
        self.client = self.endpoint.client
        self.comment_prompts: Mapping[str, CommentPrompts] = {}  # set by the writer (content/path/<lang>.yaml)
        self.comment_praise: Mapping[str, tuple[str, ...]] = {}

    async def write(self, request: PostRequest) -> Post | None:
        """The model's post for the request, checked; or None, with one log line saying why."""
        prompts = self.prompts.get(request.language)
        if prompts is None:
            log.warning("model writer: no prompts in %r; the composer writes the post", request.language)
            return None
        messages: list[Any] = [
            {"role": "system", "content": prompts.system},
            {"role": "user", "content": user_message(prompts, request)},
        ]
        try:
            content = await self.endpoint.answer(messages)
        except Refused as refused:
            return self._refused(refused.reason)
        post = parse_answer(content, request)
        if post is None:
            return self._refused("malformed answer (not a JSON object with linkedin and x)")
        if not post.x or not keeps_take_on_x(post.x, request):
            if self.x_for is None:
                return self._refused("malformed answer (no X version that keeps the take)")
            post = replace(post, x=self.x_for(request))  # X keeps the leader's words: the composer's X
        reason = check_post(post, request, self.detect)
        if reason is None and pasted_untranslated(post.linkedin, request):
            reason = "the article's words are pasted in their language, not given in the leader's"
        if reason is not None:
            return self._refused(f"the post failed the check: {reason}")
        return post

    async def write_comment(self, request: CommentRequest) -> str | None:
        """The model's comment on the leader's view, checked (`comments.check_comment`); or None, with one log
        line saying why. Sent: the comment prompts of the leader's language, the post's text as pasted and the
        view, nothing else."""
        prompts = self.comment_prompts.get(request.language)
        if prompts is None:
            log.warning("model writer: no comment prompts in %r; the composer writes the comment", request.language)
            return None
        messages: list[Any] = [
            {"role": "system", "content": prompts.system},
            {"role": "user", "content": comment_message(prompts, request)},
        ]
        try:
            content = await self.endpoint.answer(messages)
        except Refused as refused:
            return self._comment_refused(refused.reason)
        text = parse_comment_answer(content)
        if text is None:
            return self._comment_refused("malformed answer (not a JSON object with comment)")
        reason = check_comment(text, request, self.comment_praise.get(request.language, ()), self.detect)
        if reason is not None:
            return self._comment_refused(f"the comment failed the check: {reason}")
        return text

    @staticmethod
    def _comment_refused(reason: str) -> None:
        log.warning("model writer: %s; the composer writes the comment", reason)
        return None

    @staticmethod
    def _refused(reason: str) -> None:
        log.warning("model writer: %s; the composer writes the post", reason)
        return None

    async def close(self) -> None:
        """Release the client's connections."""
        await self.endpoint.close()


class EndpointTranscriber:
    """Voice notes transcribed by an OpenAI-compatible `/audio/transcriptions` endpoint.

    What is sent, and only when `COACHBOT_STT_URL` and `COACHBOT_STT_MODEL` are set: one request per voice note
    with the audio exactly as Telegram recorded it (OGG/Opus, named `voice.ogg`), the model's name and the
    leader's language ("en", "fr") as a hint. Nothing about the leader, nothing else. The audio is held in memory
    for that request only. Never raises: a failure is a `Heard` with its problem, and one log line saying why
    (never the audio, never the words).
    """

    def __init__(self, *, url: str, model: str, key: str, timeout: float = TRANSCRIPTION_TIMEOUT) -> None:
        self.model = model
        self.timeout = timeout
        self.client = openai.AsyncOpenAI(base_url=url, api_key=key or "none", timeout=timeout, max_retries=0)

    async def transcribe(self, audio: bytes, language: str) -> Heard:
        """The words of a voice note, or why there are none."""
        try:
            async with asyncio.timeout(self.timeout):
                answer: Any = await self.client.audio.transcriptions.create(
                    model=self.model, file=("voice.ogg", audio, "audio/ogg"), language=language,
                    response_format="json")
        except (TimeoutError, openai.APITimeoutError):
            return self._failed(Problem.SLOW, f"no answer within {self.timeout:g} s")
        except openai.RateLimitError:
            return self._failed(Problem.BUSY, "rate limited (429)")
        except openai.APIStatusError as error:
            return self._failed(Problem.FAILED, f"error status {error.status_code}")
        except openai.APIConnectionError:
            return self._failed(Problem.FAILED, "cannot reach the endpoint")
        except (openai.OpenAIError, ValueError) as error:
            return self._failed(Problem.UNREADABLE, f"malformed answer ({type(error).__name__})")
        text = answer if isinstance(answer, str) else getattr(answer, "text", None)
        if not isinstance(text, str):
            return self._failed(Problem.UNREADABLE, "malformed answer (no text)")
        if not text.strip():
            return Heard(problem=Problem.EMPTY)
        return Heard(text.strip())

    @staticmethod
    def _failed(problem: Problem, reason: str) -> Heard:
        log.warning("transcription: %s; the leader is asked to send it again or type", reason)
        return Heard(problem=problem)

    async def close(self) -> None:
        """Release the client's connections."""
        await self.client.close()


async def _probe(url: str, model: str, key: str, timeout: float,
                 ask: Callable[[openai.AsyncOpenAI], Awaitable[object]]) -> str | None:
    """One tiny request to an OpenAI-compatible endpoint: None when it answers, else why not (for the doctor)."""
    client = openai.AsyncOpenAI(base_url=url, api_key=key or "none", timeout=timeout, max_retries=0)
    try:
        async with asyncio.timeout(timeout):
            await ask(client)
    except (TimeoutError, openai.APITimeoutError):
        return f"no answer within {timeout:g} s"
    except openai.AuthenticationError:
        return "the key is refused (401)"
    except openai.NotFoundError:
        return f"the endpoint or the model {model!r} is not found there (404)"
    except openai.RateLimitError:
        return "rate limited or out of credit (429)"
    except openai.APIStatusError as error:
        return f"error status {error.status_code}"
    except openai.APIConnectionError:
        return "cannot reach the endpoint"
    except (openai.OpenAIError, ValueError) as error:
        return f"an answer the client cannot read ({type(error).__name__})"
    finally:
        await client.close()
    return None


async def probe_model(*, url: str, model: str, key: str, timeout: float = 15.0) -> str | None:
    """One tiny chat-completions request to check a model writer's set-up: None when it answers, else why not."""
    return await _probe(url, model, key, timeout, lambda client: client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "Say OK."}]))


def _silence(seconds: float = 0.2, rate: int = 16_000) -> bytes:
    """A short silent WAV file (16-bit mono)."""
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"\x00\x00" * int(seconds * rate))
    return buffer.getvalue()


async def probe_transcription(*, url: str, model: str, key: str, timeout: float = 15.0) -> str | None:
    """One tiny transcription request (a fifth of a second of silence): None when it answers, else why not."""
    return await _probe(url, model, key, timeout, lambda client: client.audio.transcriptions.create(
        model=model, file=("silence.wav", _silence(), "audio/wav")))
