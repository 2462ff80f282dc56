"""A fake Telegram Bot API for tests: in memory, no network, as strict as the real server.

`FakeBotApi` answers Bot API calls the way api.telegram.org does: the same HTTP status, the same JSON body
and, for refusals, the same description. It keeps the private chats users opened, the messages the bot sent
(and their edits), the files users and the bot sent, and a queue of updates for getUpdates. Tests play the
user with `user_sends`, `user_presses`, ... and inspect what the bot did with `messages` and `calls`. A bot
downloads a file as from api.telegram.org: getFile gives its `file_path`, then a GET of
`<base_file_url><token>/<file_path>` gives its bytes (`serve_file`).

Two ways to plug a bot into it:

* `RecordingRequest`: python-telegram-bot's request seam, answered in-process (no sockets), downloads included
  whatever host the bot's `base_file_url` names;
* `FakeBotApiServer`: the same fake behind a local HTTP server, for a bot running as a real process
  (`base_url` and `base_file_url` to give the bot).

Where the behaviour comes from:

* parameters and types: `bot_api_spec.json` next to this file (a subset of the Bot API 10.1 as data);
* refusals and their wording: the Bot API server (tdlib/telegram-bot-api, telegram-bot-api/Client.cpp) and
  TDLib (td/telegram/MessageEntity.cpp for HTML, BotCommand.cpp, ReplyMarkup.cpp), read for this purpose;
* file downloads: the open-source server does not serve them (api.telegram.org has a file server in front of
  it), so a wrong token or an unknown path get the API's own 401 and 404 bodies.

A few checks are deliberately stricter than the real server, because what they catch is always a bot bug
that the real server would hide: scalar parameters must have their declared type (the real server silently
reads "abc" as 0), and an inline button must use exactly one action field (the real server silently keeps
the first). Their descriptions say so. Markdown parse modes are not emulated: they answer a 400 saying so.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import inspect
import itertools
import json
import mimetypes
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from telegram.request import BaseRequest, RequestData

__all__ = [
    "Call",
    "FakeBotApi",
    "FakeBotApiServer",
    "HtmlParseError",
    "RecordingRequest",
    "SentMessage",
    "load_spec",
    "parse_html",
    "spec_problems",
]

JsonDict = dict[str, Any]
_Json = TypeVar("_Json")

SPEC_PATH = Path(__file__).with_name("bot_api_spec.json")

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_COPY_TEXT_LENGTH = 256
MAX_BUTTONS = 100
MAX_COMMANDS = 100
MAX_COMMAND_LENGTH = 32
MAX_COMMAND_DESCRIPTION_LENGTH = 256
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
LONG_POLL_MAX_TIMEOUT = 50
CALLBACK_QUERY_WINDOW = 15.0  # seconds Telegram waits for a button press to be answered
FIRST_UPDATE_ID = 700_000_001

_NOT_FOUND: JsonDict = {"ok": False, "error_code": 404, "description": "Not Found"}
_UNAUTHORIZED: JsonDict = {"ok": False, "error_code": 401, "description": "Unauthorized"}
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)
_TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_INTEGER = re.compile(r"^-?\d+$")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]+$")
_USER_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?")
_DISCRIMINATOR = re.compile(r"(?:must be|always) [\"“]?([a-z_]+)")
_CHAT_ACTIONS = frozenset(
    """cancel typing record_video upload_video record_audio record_voice upload_audio upload_voice
    upload_photo upload_document choose_sticker pick_up_location find_location record_video_note
    upload_video_note""".split()
)
_INLINE_BUTTON_ACTIONS = tuple(  # in the order the real server looks for them
    """url callback_data callback_game pay switch_inline_query switch_inline_query_chosen_chat
    switch_inline_query_current_chat login_url web_app copy_text""".split()
)
# Every update kind but chat_member, message_reaction and message_reaction_count, as the real server defaults.
_DEFAULT_ALLOWED_UPDATES = frozenset(
    """message edited_message channel_post edited_channel_post business_connection business_message
    edited_business_message deleted_business_messages guest_message inline_query chosen_inline_result
    callback_query shipping_query pre_checkout_query purchased_paid_media poll poll_answer my_chat_member
    chat_join_request chat_boost removed_chat_boost managed_bot""".split()
)
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


# --------------------------------------------------------------------------------------------------
# Records handed to tests
# --------------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One call the bot made: its method, its parameters as they came over the wire (strings), the answer."""

    method: str
    params: dict[str, str]
    status: int
    response: JsonDict
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return bool(self.response.get("ok"))


@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, in its current state (after any edits).

    `text` is what the user reads (tags removed, HTML entities decoded, trimmed as Telegram trims it); `html`
    is the text or caption exactly as the bot sent it. `document` and `photo` hold (file name, bytes) of the
    file; `caption` is the caption as the user reads it; `entities` are those of the text or of the caption.
    `reply_markup` is the markup as the API understood it (for any keyboard kind, not only inline ones).
    """

    message_id: int
    chat_id: int
    text: str
    html: str
    reply_markup: JsonDict | None
    kind: str
    document: tuple[str, bytes] | None
    caption: str | None
    edits: int
    photo: tuple[str, bytes] | None = None
    entities: tuple[JsonDict, ...] = ()


# --------------------------------------------------------------------------------------------------
# The Bot API as data
# --------------------------------------------------------------------------------------------------


@functools.cache
def load_spec() -> JsonDict:
    """The Bot API subset (methods and types) the fake checks calls against."""
    spec: JsonDict = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def _method_fields(method: str) -> list[JsonDict]:
    fields: list[JsonDict] = load_spec()["methods"][method].get("fields", [])
    return fields


def _type_fields(type_name: str) -> list[JsonDict]:
    fields: list[JsonDict] = load_spec()["types"][type_name].get("fields", [])
    return fields


def _subtype_for(value: JsonDict, union: str) -> str | None:
    """Which subtype of a union type (BotCommandScope, ChatMember, ...) a JSON object is, by its tag field."""
    types = load_spec()["types"]
    if union == "MaybeInaccessibleMessage":
        return "InaccessibleMessage" if value.get("date") == 0 else "Message"
    for name in types[union]["subtypes"]:
        for spec_field in types.get(name, {}).get("fields", []):
            if spec_field["name"] in ("type", "status", "source") and spec_field["required"]:
                tag = _DISCRIMINATOR.search(spec_field["description"])
                if tag and value.get(spec_field["name"]) == tag.group(1):
                    return str(name)
    return None


def spec_problems(value: Any, type_expr: str, path: str = "$") -> list[str]:
    """Everything in the JSON value `value` that does not match `type_expr` ("Message", "Array of Update"...).

    Strict, for checking the fake's own answers: exact JSON types, every required field present, no field the
    type does not declare. Types outside the spec subset are only checked to be objects.
    """
    if type_expr.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        inner = type_expr.removeprefix("Array of ")
        return [
            problem for i, item in enumerate(value) for problem in spec_problems(item, inner, f"{path}[{i}]")
        ]
    scalar_checks: dict[str, Callable[[Any], bool]] = {
        "String": lambda v: isinstance(v, str),
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "Boolean": lambda v: isinstance(v, bool),
        "True": lambda v: v is True,
    }
    if type_expr in scalar_checks:
        return [] if scalar_checks[type_expr](value) else [f"{path}: expected {type_expr}, got {value!r}"]
    if not isinstance(value, dict):
        return [f"{path}: expected a {type_expr} object, got {type(value).__name__}"]
    types = load_spec()["types"]
    if type_expr not in types:
        return []
    if types[type_expr].get("subtypes"):
        subtype = _subtype_for(value, type_expr)
        if subtype is None:
            return [f"{path}: matches none of the subtypes of {type_expr}"]
        return spec_problems(value, subtype, path)
    problems: list[str] = []
    declared = {f["name"]: f for f in _type_fields(type_expr)}
    for name in value:
        if name not in declared:
            problems.append(f"{path}.{name}: not a field of {type_expr}")
    for name, spec_field in declared.items():
        if name not in value:
            if spec_field["required"]:
                problems.append(f"{path}.{name}: required by {type_expr}, missing")
            continue
        alternatives: list[list[str]] = [
            spec_problems(value[name], t, f"{path}.{name}") for t in spec_field["types"]
        ]
        if [] not in alternatives:  # no declared type fits: report the closest one
            closest: list[str] = min(alternatives, key=len)
            problems.extend(closest)
    return problems


def _input_error(value: Any, type_expr: str, field_name: str) -> str | None:
    """The first reason the real server would refuse `value` as a `type_expr`, in its JSON parser's wording.

    Lenient the way the server is: strings may be given as numbers, integers as numeric strings, and fields
    the type does not declare are ignored.
    """
    if type_expr.startswith("Array of "):
        if not isinstance(value, list):
            return f'Field "{field_name}" must be of type Array'
        inner = type_expr.removeprefix("Array of ")
        for item in value:
            error = _input_error(item, inner, field_name)
            if error:
                return error
        return None
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if type_expr == "String":
        return None if isinstance(value, str) or is_number else f'Field "{field_name}" must be of type String'
    if type_expr == "Integer":
        ok = (is_number and float(value).is_integer()) or (isinstance(value, str) and _INTEGER.match(value))
        return None if ok else f'Field "{field_name}" must be of type Number'
    if type_expr == "Float":
        return None if is_number else f'Field "{field_name}" must be of type Number'
    if type_expr in ("Boolean", "True"):
        return None if isinstance(value, bool) else f'Field "{field_name}" must be of type Boolean'
    if not isinstance(value, dict):
        return f'Field "{field_name}" must be of type Object'
    return _object_error(value, type_expr)


def _object_error(value: JsonDict, type_name: str) -> str | None:
    types = load_spec()["types"]
    if type_name not in types:
        return None
    if types[type_name].get("subtypes"):
        subtype = _subtype_for(value, type_name)
        return "Unsupported type specified" if subtype is None else _object_error(value, subtype)
    for spec_field in _type_fields(type_name):
        name = spec_field["name"]
        if name not in value:
            if spec_field["required"]:
                return f'Can\'t find field "{name}"'
            continue
        errors = [_input_error(value[name], t, name) for t in spec_field["types"]]
        if all(errors):
            return errors[0]
    return None


# --------------------------------------------------------------------------------------------------
# Text: Telegram HTML, trimming and lengths
# --------------------------------------------------------------------------------------------------


class HtmlParseError(Exception):
    """The HTML parser's refusal, worded as TDLib words it (the API prefixes "can't parse entities: ")."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_html_entity(text: str, pos: int) -> tuple[int, int]:
    """Decode the character reference at text[pos] == "&": (code point or 0 if none, position after it)."""

    def at(i: int) -> str:
        return text[i] if i < len(text) else "\0"

    end = pos + 1
    code = 0
    if at(pos + 1) == "#":
        end += 1
        if at(pos + 2) == "x":
            end += 1
            while at(end) in "0123456789abcdefABCDEF":
                code = code * 16 + int(at(end), 16)
                end += 1
        else:
            while at(end) in "0123456789":
                code = code * 10 + int(at(end))
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while at(end).isascii() and at(end).isalpha():
            end += 1
        named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(text[pos + 1 : end])
        if named is None:
            return 0, pos
        code = ord(named)
    return code, end + 1 if at(end) == ";" else end


_HTML_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji tg-time span pre code blockquote".split()
)
_SIMPLE_TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def _is_space(char: str) -> bool:
    return char in " \t\r\n\v\0"


@dataclass
class _OpenTag:
    name: str
    argument: str
    date: int
    utf16_offset: int
    text_index: int


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Telegram's HTML parse mode: the plain text and its entities; `HtmlParseError` if the API refuses it.

    A port of TDLib's `parse_html`: the same accepted tags and attributes, the same character references, the
    same errors (with UTF-8 byte offsets). Unknown `&...;` references and a lone `>` are kept as text, as the
    real parser keeps them; a lone `<` starts a tag and so is refused.
    """

    def at(i: int) -> str:
        return source[i] if i < len(source) else "\0"

    out: list[str] = []
    utf16 = 0
    entities: list[JsonDict] = []
    stack: list[_OpenTag] = []
    has_surrogate = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            code, after = _decode_html_entity(source, i)
            if code:
                has_surrogate = has_surrogate or 0xD800 <= code <= 0xDFFF
                out.append(chr(code))
                utf16 += 2 if code > 0xFFFF else 1
                i = after
                continue
        if char != "<":
            out.append(char)
            utf16 += _utf16_len(char)
            i += 1
            continue

        begin = i
        offset = _byte_offset(source, begin)
        i += 1
        if at(i) != "/":
            while not _is_space(at(i)) and at(i) != ">":
                i += 1
            if at(i) == "\0":
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
            tag = source[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
            argument, date = "", 0
            while at(i) != ">":
                while at(i) != "\0" and _is_space(at(i)):
                    i += 1
                if at(i) == ">":
                    break
                name_begin = i
                while not _is_space(at(i)) and at(i) not in "=>/\"'":
                    i += 1
                attribute = source[name_begin:i]
                if not attribute:
                    raise HtmlParseError(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
                while at(i) != "\0" and _is_space(at(i)):
                    i += 1
                if at(i) != "=":
                    if at(i) == "\0":
                        raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
                    if tag == "blockquote" and attribute == "expandable":
                        argument = "1"
                    continue
                i += 1
                while at(i) != "\0" and _is_space(at(i)):
                    i += 1
                if at(i) == "\0":
                    raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
                if at(i) not in "'\"":
                    token_begin = i
                    while at(i).isascii() and (at(i).isalnum() or at(i) in ".-") and at(i) != "\0":
                        i += 1
                    value = source[token_begin:i].lower()
                    if not _is_space(at(i)) and at(i) != ">":
                        raise HtmlParseError(
                            f"Unexpected end of name token at byte offset {_byte_offset(source, token_begin)}"
                        )
                else:
                    quote = at(i)
                    i += 1
                    chars: list[str] = []
                    while at(i) != quote and at(i) != "\0":
                        if at(i) == "&":
                            code, after = _decode_html_entity(source, i)
                            if code:
                                chars.append(chr(code))
                                i = after
                                continue
                        chars.append(at(i))
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if at(i) == "\0":
                    raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value.removeprefix("language-")
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value.removeprefix("tg-")
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
                elif tag == "blockquote" and attribute == "expandable":
                    argument = "1"
                elif tag == "tg-time" and attribute == "unix":
                    date = int(value) if _INTEGER.match(value) else 0
                elif tag == "tg-time" and attribute == "format":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
            stack.append(_OpenTag(tag, argument, date, utf16, len(out)))
            i += 1
            continue

        if not stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
        while not _is_space(at(i)) and at(i) != ">":
            i += 1
        end_tag = source[begin + 2 : i].lower()
        while _is_space(at(i)) and at(i) != "\0":
            i += 1
        if at(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
        open_tag = stack.pop()
        if end_tag and end_tag != open_tag.name:
            expected, found = f"</{open_tag.name}>", f"</{end_tag}>"
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {offset}, expected "{expected}", found "{found}"'
            )
        if utf16 > open_tag.utf16_offset:
            entity = _entity_for(open_tag, utf16 - open_tag.utf16_offset, "".join(out[open_tag.text_index :]))
            if entity is not None:
                _add_entity(entities, entity)
        i += 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    if has_surrogate:
        raise HtmlParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
            "surrogate code units"
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity_for(tag: _OpenTag, length: int, inner_text: str) -> JsonDict | None:
    entity: JsonDict = {"offset": tag.utf16_offset, "length": length}
    if tag.name in _SIMPLE_TAG_ENTITIES:
        return entity | {"type": _SIMPLE_TAG_ENTITIES[tag.name]}
    if tag.name == "tg-emoji":
        if not _INTEGER.match(tag.argument) or int(tag.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        return entity | {"type": "custom_emoji", "custom_emoji_id": tag.argument}
    if tag.name == "tg-time":
        if tag.date <= 0:
            return None
        extra = {"date_time_format": tag.argument} if tag.argument else {}
        return entity | {"type": "date_time", "unix_time": tag.date} | extra
    if tag.name == "a":
        url = _checked_link(tag.argument or inner_text)
        return entity | {"type": "text_link", "url": url} if url else None
    if tag.name == "pre":
        return entity | {"type": "pre"}
    if tag.name == "code":
        return (
            entity | {"type": "code", "language": tag.argument} if tag.argument else entity | {"type": "code"}
        )
    return entity | {"type": "expandable_blockquote" if tag.argument else "blockquote"}


def _add_entity(entities: list[JsonDict], entity: JsonDict) -> None:
    """Append an entity; <pre><code class="language-x"> makes one pre entity with a language (TDLib)."""
    previous = entities[-1] if entities else None
    if previous is not None and (previous["offset"], previous["length"]) == (
        entity["offset"],
        entity["length"],
    ):
        code_then_pre = previous["type"] == "code" and entity["type"] == "pre" and previous.get("language")
        pre_then_code = previous["type"] == "pre" and entity["type"] == "code" and entity.get("language")
        if code_then_pre or pre_then_code:
            previous["type"] = "pre"
            previous["language"] = previous.get("language") or entity["language"]
            return
    entities.append(entity)


def _checked_link(url: str) -> str | None:
    """The URL an <a href> or a URL button may carry, or None: http(s), tg, ton links, or a bare host name."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https"):
        return url.strip() if parts.netloc else None
    if parts.scheme.lower() in ("tg", "ton", "tonsite"):
        return url.strip()
    if not parts.scheme and re.match(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/|$)", url.strip()):
        return "http://" + url.strip()
    return None


def _trim(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim spaces and newlines around the text as Telegram does, clipping and shifting entities."""
    kept = text.rstrip(" \n")
    length = _utf16_len(kept)
    clipped = []
    for entity in entities:
        if entity["offset"] >= length:
            continue
        clipped.append(entity | {"length": min(entity["length"], length - entity["offset"])})
    first_entity = min((e["offset"] for e in clipped), default=len(kept))
    lead = 0
    while lead < min(first_entity, len(kept)) and kept[lead] in " \n":
        lead += 1
    return kept[lead:], [e | {"offset": e["offset"] - lead} for e in clipped]


# --------------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------------


class _ApiError(Exception):
    """A refusal: HTTP status and description, and the retry delay of a 429."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _BotMessage:
    message_id: int
    chat_id: int
    date: int
    kind: str
    html: str
    text: str = ""
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    reply_markup: JsonDict | None = None
    file_json: Any = None
    file: tuple[str, bytes] | None = None
    edits: int = 0
    edit_date: int = 0


@dataclass
class _Chat:
    user: JsonDict
    next_message_id: int = 1
    bot_messages: dict[int, _BotMessage] = field(default_factory=dict)
    user_message_ids: set[int] = field(default_factory=set)
    blocked: bool = False

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    name: str
    content: bytes
    mime_type: str
    folder: str  # "documents", "photos" or "voice", as the server's download directory names them
    file_path: str = ""  # given by the first getFile, as the real server gives one once it has the file


@dataclass
class _LongPoll:
    outcome: str = ""  # "" while waiting, then "conflict" or "released"


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


class FakeBotApi:
    """An in-memory Telegram Bot API: checks each call as the real one does, keeps chats, messages, updates.

    Thread-safe: one re-entrant lock guards all state and one condition on it wakes long polls and `wait_for`.
    """

    def __init__(
        self,
        token: str = "123456789:AAE-test-token-for-the-fake-api-0000",
        bot_username: str = "coach_test_bot",
        *,
        latency: float = 0.0,
        callback_window: float = CALLBACK_QUERY_WINDOW,
    ) -> None:
        """Create a fake for the bot with this token (its id is the token's prefix) and this username.

        `latency`: seconds each call takes to come back (network and server), slept by the transport (the HTTP
        server's thread, or RecordingRequest with asyncio.sleep), never with the fake's lock held.
        `callback_window`: seconds after a press within which answerCallbackQuery is accepted, as Telegram's
        "query is too old" refusal comes after about 15 s.
        """
        self.token = token
        self.latency = latency
        self.callback_window = callback_window
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_first_name = bot_username.removesuffix("_bot").replace("_", " ").title() + " Bot"
        self.calls: list[Call] = []
        self._condition = threading.Condition(threading.RLock())
        self._chats: dict[int, _Chat] = {}
        self._updates: deque[JsonDict] = deque()
        self._update_ids = itertools.count(FIRST_UPDATE_ID)
        self._allowed_updates: frozenset[str] = _DEFAULT_ALLOWED_UPDATES
        self._long_poll: _LongPoll | None = None
        self._callback_ids = itertools.count(4_377_000_000_000_000_001)
        self._open_callback_queries: dict[str, tuple[int, int, float]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._handlers: dict[str, Callable[[dict[str, str], dict[str, tuple[str, bytes]]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "close": self._close,
            "logOut": self._log_out,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }
        self._method_names = {name.lower(): name for name in self._handlers}
        self.webhook: dict[str, Any] | None = None  # set by setWebhook: url, secret_token, max_connections...

    # ---------------------------------------------------------------------------------------- calls

    def handle(
        self,
        token: str,
        method: str,
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, JsonDict]:
        """Answer one call: (HTTP status, JSON body) exactly as the real Bot API would.

        `params` may hold wire strings (form fields) or JSON values (a JSON body); both are read as the server
        reads them. `files` maps multipart part names to (file name, content). Method names are
        case-insensitive, as on the real server. getUpdates with a timeout blocks until an update comes.
        """
        wire = {name: _to_wire(value) for name, value in params.items() if value is not None}
        uploads = dict(files or {})
        with self._condition:
            canonical = self._method_names.get(method.lower(), method)
            status, body = self._answer(token, canonical, wire, uploads)
            self.calls.append(Call(canonical, wire, status, body, uploads))
            self._condition.notify_all()
            return status, body

    def serve_file(self, token: str, file_path: str) -> tuple[int, bytes]:
        """Answer a GET of `<base_file_url><token>/<file_path>`: (HTTP status, body) as api.telegram.org does.

        200 and the file's bytes for a path getFile gave; 401 (or 404 for a malformed token) for a token that
        is not the bot's; 404 for any other path. Refusals carry the API's JSON body.
        """
        with self._condition:
            if token != self.token:
                status, body = (401, _UNAUTHORIZED) if _TOKEN_FORMAT.match(token) else (404, _NOT_FOUND)
                return status, json.dumps(body).encode()
            stored = self._file_paths.get(file_path)
            if stored is None:
                return 404, json.dumps(_NOT_FOUND).encode()
            return 200, stored.content

    def _answer(
        self, token: str, method: str, params: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, JsonDict]:
        if token != self.token:
            return (401, dict(_UNAUTHORIZED)) if _TOKEN_FORMAT.match(token) else (404, dict(_NOT_FOUND))
        if method not in self._handlers:
            return 404, dict(_NOT_FOUND)
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            return fault.status, _ApiError(fault.status, fault.description, fault.retry_after).body()
        try:
            self._check_parameter_types(method, params)
            result = self._handlers[method](params, files)
        except _ApiError as error:
            return error.status, error.body()
        return 200, {"ok": True, "result": result}

    def _check_parameter_types(self, method: str, params: dict[str, str]) -> None:
        """Refuse scalar values of the wrong type and JSON parameters that do not parse or fit their type."""
        custom = {"reply_markup", "commands", "scope", "chat_id", "document", "photo", "thumbnail"}
        for spec_field in _method_fields(method):
            name, types = spec_field["name"], spec_field["types"]
            value = params.get(name, "")
            if value == "" or name in custom:
                continue
            if types == ["Integer"] and not _INTEGER.match(value.strip()):
                raise _bad(
                    f'parameter "{name}" must be of type Integer (fake Bot API: the real one reads it as 0)'
                )
            if types == ["Boolean"] and value.strip().lower() not in ("true", "false", "1", "0"):
                real = "the real one reads it as false"
                raise _bad(f'parameter "{name}" must be of type Boolean (fake Bot API: {real})')
            if types == ["Float"]:
                try:
                    float(value)
                except ValueError:
                    raise _bad(f'parameter "{name}" must be of type Float') from None
            object_types = [
                t for t in types if t not in ("String", "Integer", "Boolean", "Float", "InputFile")
            ]
            if object_types:
                try:
                    decoded = json.loads(value)
                except ValueError:
                    raise _bad(f"can't parse {name} JSON object") from None
                errors = [_input_error(decoded, t, name) for t in object_types]
                if all(errors):
                    type_name = object_types[0].removeprefix("Array of ")
                    raise _bad(f"can't parse {type_name}: {errors[0]}")

    # ------------------------------------------------------------------------------------- handlers

    def _get_me(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        return self._bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "supports_guest_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            "has_topics_enabled": False,
            "allows_users_to_create_topics": False,
            "can_manage_bots": False,
        }

    def _get_updates(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> list[JsonDict]:
        if self.webhook is not None:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                                 "to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(int(params.get("timeout") or 0), 0), LONG_POLL_MAX_TIMEOUT)
        if params.get("allowed_updates"):
            wanted = json.loads(params["allowed_updates"])
            self._allowed_updates = frozenset(wanted) if wanted else _DEFAULT_ALLOWED_UPDATES
        if offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        elif offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        if self._updates or timeout == 0:
            return list(itertools.islice(self._updates, limit))

        if self._long_poll is not None:
            self._long_poll.outcome = "conflict"
        poll = self._long_poll = _LongPoll()
        self._condition.notify_all()  # wakes the poll this one terminates, and any wait_for watching polls
        deadline = time.monotonic() + timeout
        while not self._updates and not poll.outcome and time.monotonic() < deadline:
            self._condition.wait(deadline - time.monotonic())
        if self._long_poll is poll:
            self._long_poll = None
        if poll.outcome == "conflict":
            raise _ApiError(409, _CONFLICT)
        return list(itertools.islice(self._updates, limit))

    def _send_message(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        if not params.get("text"):
            raise _bad("message text is empty")
        text, entities = _formatted_text(params, "text", "entities")
        if not text:
            raise _bad("text must be non-empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        markup = _reply_markup(params.get("reply_markup", ""), inline_only=False)
        chat = self._chat_to_write(params)
        message = _BotMessage(
            message_id=chat.take_message_id(),
            chat_id=_chat_id(chat),
            date=_now(),
            kind="text",
            html=params["text"],
            text=text,
            entities=entities,
            reply_markup=markup,
        )
        chat.bot_messages[message.message_id] = message
        return self._message_json(message)

    def _edit_message_text(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        if not params.get("text"):
            raise _bad("message text is empty")
        text, entities = _formatted_text(params, "text", "entities")
        if not text:
            raise _bad("text must be non-empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        markup = _reply_markup(params.get("reply_markup", ""), inline_only=True)
        message = self._message_to_edit(params)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise _bad(_NOT_MODIFIED)
        message.text, message.entities, message.html = text, entities, params["text"]
        message.reply_markup = markup
        message.edits += 1
        message.edit_date = _now()
        return self._message_json(message)

    def _edit_message_reply_markup(
        self, params: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> JsonDict:
        markup = _reply_markup(params.get("reply_markup", ""), inline_only=True)
        message = self._message_to_edit(params)
        if markup == message.reply_markup:
            raise _bad(_NOT_MODIFIED)
        message.reply_markup = markup
        message.edits += 1
        message.edit_date = _now()
        return self._message_json(message)

    def _answer_callback_query(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        query = self._open_callback_queries.pop(params.get("callback_query_id", "").strip(), None)
        if query is None or time.monotonic() - query[2] > self.callback_window:
            raise _bad(_QUERY_INVALID)
        return True

    def _set_my_commands(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        commands = _bot_commands(params.get("commands", ""))
        scope = self._command_scope(params.get("scope", ""))
        language = _language_code(params)
        self._commands[(scope, language)] = commands
        return True

    def _delete_my_commands(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        scope = self._command_scope(params.get("scope", ""))
        self._commands.pop((scope, _language_code(params)), None)
        return True

    def _get_my_commands(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> list[JsonDict]:
        scope = self._command_scope(params.get("scope", ""))
        language = _language_code(params)
        found = self._commands.get((scope, language))
        if found is None:
            found = self._commands.get((scope, ""), [])
        return [dict(command) for command in found]

    def _send_document(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        return self._send_file(params, files, "document")

    def _send_photo(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        return self._send_file(params, files, "photo")

    def _send_file(self, params: dict[str, str], files: dict[str, tuple[str, bytes]], kind: str) -> JsonDict:
        upload = self._input_file(params, files, kind)
        caption, entities = _formatted_text(params, "caption", "caption_entities")
        if len(caption) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        markup = _reply_markup(params.get("reply_markup", ""), inline_only=False)
        chat = self._chat_to_write(params)
        if not upload.content:
            raise _bad("file must be non-empty")
        if len(upload.content) > MAX_UPLOAD_BYTES:
            raise _ApiError(413, "Request Entity Too Large")
        if kind == "photo" and not _looks_like_image(upload.content):
            raise _bad("IMAGE_PROCESS_FAILED")
        if kind == "document":
            file_json: Any = {
                "file_name": upload.name,
                "mime_type": upload.mime_type,
                "file_id": upload.file_id,
                "file_unique_id": upload.unique_id,
                "file_size": len(upload.content),
            }
        else:
            width, height = _image_size(upload.content)
            file_json = [
                {
                    "file_id": upload.file_id,
                    "file_unique_id": upload.unique_id,
                    "file_size": len(upload.content),
                    "width": width,
                    "height": height,
                }
            ]
        message = _BotMessage(
            message_id=chat.take_message_id(),
            chat_id=_chat_id(chat),
            date=_now(),
            kind=kind,
            html=params.get("caption", ""),
            entities=entities,
            caption=caption or None,
            reply_markup=markup,
            file_json=file_json,
            file=(upload.name, upload.content),
        )
        chat.bot_messages[message.message_id] = message
        return self._message_json(message)

    def _delete_webhook(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        if params.get("drop_pending_updates", "").lower() in ("true", "1"):
            self._updates.clear()
        self.webhook = None
        return True

    def _set_webhook(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        url = params.get("url", "")
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token", "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad("secret token contains unallowed characters")
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        self.webhook = {"url": url, "secret_token": secret, "max_connections": connections,
                        "allowed_updates": json.loads(params.get("allowed_updates") or "[]")}
        return True

    def _close(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        return True

    def _log_out(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        return True

    def _send_chat_action(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bool:
        if params.get("action", "").lower() not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._chat_to_write(params)
        return True

    def _get_file(self, params: dict[str, str], files: dict[str, tuple[str, bytes]]) -> JsonDict:
        file_id = params.get("file_id", "")
        if not file_id:
            raise _bad("file_id not specified")
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        if not stored.file_path:
            number = sum(1 for path in self._file_paths if path.startswith(stored.folder + "/"))
            stored.file_path = f"{stored.folder}/file_{number}{_download_extension(stored)}"
            self._file_paths[stored.file_path] = stored
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # -------------------------------------------------------------------------------------- helpers

    def _chat(self, chat_id_text: str) -> _Chat:
        """The private chat a chat_id names, or the server's refusal."""
        chat_id_text = chat_id_text.strip()
        if not chat_id_text:
            raise _bad("chat_id is empty")
        if not _INTEGER.match(chat_id_text) or int(chat_id_text) not in self._chats:
            raise _bad("chat not found")
        return self._chats[int(chat_id_text)]

    def _chat_to_write(self, params: dict[str, str]) -> _Chat:
        """The chat a send goes to: known, not blocked, and holding the message it replies to, if any."""
        chat = self._chat(params.get("chat_id", ""))
        if chat.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if params.get("reply_parameters"):
            reply = json.loads(params["reply_parameters"])
            replied = int(reply["message_id"])
            exists = replied in chat.user_message_ids or replied in chat.bot_messages
            if not exists and reply.get("allow_sending_without_reply") is not True:
                raise _bad("message to be replied not found")
        return chat

    def _message_to_edit(self, params: dict[str, str]) -> _BotMessage:
        if not params.get("chat_id") and not params.get("message_id"):
            if not params.get("inline_message_id"):
                raise _bad("message identifier is not specified")
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._chat(params.get("chat_id", ""))
        message_id = int(params.get("message_id") or 0)
        if message_id in chat.user_message_ids:
            raise _bad("message can't be edited")
        if message_id not in chat.bot_messages:
            raise _bad("message to edit not found")
        return chat.bot_messages[message_id]

    def _input_file(
        self, params: dict[str, str], files: dict[str, tuple[str, bytes]], kind: str
    ) -> _StoredFile:
        """The file a send method names: an upload (by part name or attach://), or a known file_id."""
        reference = params.get(kind, "")
        part = kind
        if reference and not reference.startswith("attach://"):
            if reference in self._files:
                return self._files[reference]
            if re.match(r"^https?://", reference, re.IGNORECASE):
                raise _bad("failed to get HTTP URL content")
            raise _bad("wrong file identifier/HTTP URL specified")
        if reference:
            part = reference.removeprefix("attach://")
        if part not in files:
            raise _bad(f"there is no {kind} in the request")
        name, content = files[part]
        return self._store_file(name or f"{kind}.bin", content, "d" if kind == "document" else "p")

    def _store_file(self, name: str, content: bytes, prefix: str) -> _StoredFile:
        number = next(self._file_numbers)
        stored = _StoredFile(
            file_id=f"fake-{prefix}-{number:08d}-AgADBAADzK0xG",
            unique_id=f"AQAD{number:06d}",
            name=name,
            content=content,
            mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            folder={"p": "photos", "v": "voice"}.get(prefix, "documents"),
        )
        self._files[stored.file_id] = stored
        return stored

    def _command_scope(self, scope_text: str) -> str:
        """A key for a BotCommandScope parameter, refused as the real server refuses it."""
        if not scope_text:
            return json.dumps({"type": "default"})
        try:
            scope = json.loads(scope_text)
        except ValueError:
            raise _bad("can't parse BotCommandScope JSON object") from None
        if not isinstance(scope, dict):
            raise _bad("can't parse BotCommandScope: BotCommandScope must be an Object")
        error = _object_error(scope, "BotCommandScope")
        if error:
            raise _bad(f"can't parse BotCommandScope: {error}")
        key: JsonDict = {"type": scope["type"]}
        if "chat_id" in scope:
            chat = self._chat(str(scope["chat_id"]))
            key["chat_id"] = _chat_id(chat)
            if scope["type"] != "chat":
                raise _bad("can't use specified scope in private chats")
        if "user_id" in scope:
            key["user_id"] = int(scope["user_id"])
        return json.dumps(key, sort_keys=True)

    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _message_json(self, message: _BotMessage) -> JsonDict:
        chat = self._chats[message.chat_id]
        result: JsonDict = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": _chat_json(chat),
            "date": message.date,
        }
        if message.edit_date:
            result["edit_date"] = message.edit_date
        if message.kind == "text":
            result["text"] = message.text
            if message.entities:
                result["entities"] = [dict(e) for e in message.entities]
        else:
            result[message.kind] = _json_copy(message.file_json)
            if message.caption:
                result["caption"] = message.caption
                if message.entities:
                    result["caption_entities"] = [dict(e) for e in message.entities]
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            result["reply_markup"] = _json_copy(message.reply_markup)
        return result

    # -------------------------------------------------------------------------------- playing users

    def user_sends(
        self, user_id: int, text: str, *, language_code: str | None = "en", first_name: str = "Alex"
    ) -> JsonDict:
        """The user writes `text` to the bot (opening the private chat if new); returns the queued Update.

        A text starting with a command ("/start", "/help@coach_test_bot") gets its bot_command entity.
        """
        if not text:
            raise ValueError("a user cannot send an empty message")
        with self._condition:
            chat = self._user_chat(user_id, first_name, language_code)
            message = self._user_message(chat, {"text": text})
            command = _USER_COMMAND.match(text)
            if command:
                message["entities"] = [
                    {"offset": 0, "length": _utf16_len(command.group(0)), "type": "bot_command"}
                ]
            return self._enqueue("message", message)

    def user_presses(self, user_id: int, message_id: int, data: str) -> JsonDict:
        """The user presses the button carrying callback `data` on the bot's message; returns the Update.

        AssertionError if that message or that button does not exist: a user can only press what is shown.
        """
        with self._condition:
            chat = self._chats.get(user_id)
            if chat is None or message_id not in chat.bot_messages:
                raise AssertionError(f"the bot sent no message {message_id} to chat {user_id}")
            message = chat.bot_messages[message_id]
            shown = [
                button.get("callback_data")
                for row in (message.reply_markup or {}).get("inline_keyboard", [])
                for button in row
            ]
            if data not in shown:
                raise AssertionError(
                    f"message {message_id} in chat {user_id} has no button with callback_data {data!r}; "
                    f"its buttons carry {[d for d in shown if d is not None]}"
                )
            self._check_not_blocked(chat)
            query_id = str(next(self._callback_ids))
            self._open_callback_queries[query_id] = (user_id, message_id, time.monotonic())
            callback_query = {
                "id": query_id,
                "from": dict(chat.user),
                "message": self._message_json(message),
                "chat_instance": str(-(user_id * 7919 + 104_729) % 10**19),
                "data": data,
            }
            return self._enqueue("callback_query", callback_query)

    def user_sends_sticker(self, user_id: int) -> JsonDict:
        """The user sends a sticker (the chat must exist); returns the queued Update."""
        with self._condition:
            chat = self._existing_chat(user_id)
            number = next(self._file_numbers)
            sticker = {
                "width": 512,
                "height": 512,
                "emoji": "\U0001f44d",
                "set_name": "FakeStickers",
                "is_animated": False,
                "is_video": False,
                "type": "regular",
                "file_id": f"fake-s-{number:08d}-AgADBAADzK0xG",
                "file_unique_id": f"AgAD{number:06d}",
                "file_size": 18_000,
            }
            return self._enqueue("message", self._user_message(chat, {"sticker": sticker}))

    def user_sends_document(self, user_id: int, file_name: str, content: bytes) -> JsonDict:
        """The user sends a file (the chat must exist); returns the Update. The bot may resend its file_id."""
        with self._condition:
            chat = self._existing_chat(user_id)
            stored = self._store_file(file_name, content, "u")
            document = {
                "file_name": file_name,
                "mime_type": stored.mime_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_size": len(content),
            }
            return self._enqueue("message", self._user_message(chat, {"document": document}))

    def user_sends_voice(self, user_id: int, content: bytes, *, duration: int,
                         mime_type: str = "audio/ogg") -> JsonDict:
        """The user records a voice note (the chat must exist); returns the Update. Its `duration` is what the
        sender's app declares (Telegram does not check it); getFile and the download serve `content`."""
        with self._condition:
            chat = self._existing_chat(user_id)
            stored = self._store_file("voice.ogg", content, "v")
            voice = {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "duration": duration,
                "mime_type": mime_type,
                "file_size": len(content),
            }
            return self._enqueue("message", self._user_message(chat, {"voice": voice}))

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to the chat now answer 403 "Forbidden: bot was blocked by the user".

        Queues the my_chat_member update (member -> kicked) the real API delivers.
        """
        with self._condition:
            chat = self._existing_chat(user_id)
            chat.blocked = True
            self._enqueue("my_chat_member", self._membership_change(chat, "member", "kicked"))

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (queues the my_chat_member update kicked -> member)."""
        with self._condition:
            chat = self._existing_chat(user_id)
            chat.blocked = False
            self._enqueue("my_chat_member", self._membership_change(chat, "kicked", "member"))

    def _user_chat(self, user_id: int, first_name: str, language_code: str | None) -> _Chat:
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        chat = self._chats.setdefault(user_id, _Chat(user=user))
        chat.user = user
        return chat

    def _existing_chat(self, user_id: int) -> _Chat:
        if user_id not in self._chats:
            raise AssertionError(f"user {user_id} never wrote to the bot: call user_sends first")
        return self._chats[user_id]

    @staticmethod
    def _check_not_blocked(chat: _Chat) -> None:
        if chat.blocked:
            raise AssertionError(f"user {chat.user['id']} blocked the bot: call unblock first")

    def _user_message(self, chat: _Chat, content: JsonDict) -> JsonDict:
        self._check_not_blocked(chat)
        message_id = chat.take_message_id()
        chat.user_message_ids.add(message_id)
        return {
            "message_id": message_id,
            "from": dict(chat.user),
            "chat": _chat_json(chat),
            "date": _now(),
        } | content

    def _membership_change(self, chat: _Chat, old: str, new: str) -> JsonDict:
        def member(status: str) -> JsonDict:
            state: JsonDict = {"status": status, "user": self._bot_user()}
            return state | {"until_date": 0} if status == "kicked" else state

        return {
            "chat": _chat_json(chat),
            "from": dict(chat.user),
            "date": _now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def _enqueue(self, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": next(self._update_ids), kind: payload}
        if kind in self._allowed_updates:
            self._updates.append(update)
        self._condition.notify_all()
        return _json_copy(update)

    # ----------------------------------------------------------------------------------- inspection

    def messages(self, chat_id: int) -> list[SentMessage]:
        """The messages the bot sent to that chat, oldest first, each in its current state."""
        with self._condition:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [_snapshot(message) for message in chat.bot_messages.values()]

    def presses_left_spinning(self) -> int:
        """Button presses the leader saw spin for nothing: answered too late (refused), or still unanswered
        past the window."""
        with self._condition:
            now = time.monotonic()
            refused = sum(1 for call in self.calls if call.method == "answerCallbackQuery" and not call.ok)
            expired = sum(1 for *_, at in self._open_callback_queries.values() if now - at > self.callback_window)
            return refused + expired

    def calls_to(self, method: str) -> list[Call]:
        """The calls made to one method (name case-insensitive), oldest first."""
        with self._condition:
            return [call for call in self.calls if call.method.lower() == method.lower()]

    @property
    def is_long_polling(self) -> bool:
        """Whether a getUpdates call is waiting for an update right now."""
        with self._condition:
            return self._long_poll is not None

    def pending_updates(self) -> list[JsonDict]:
        """The updates getUpdates has not had confirmed yet (by a later offset)."""
        with self._condition:
            return _json_copy(list(self._updates))

    # --------------------------------------------------------------------------------------- faults

    def fail_next(
        self, method: str, status: int, description: str, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with this error (and parameters.retry_after if given)."""
        canonical = self._method_names.get(method.lower())
        if canonical is None:
            raise ValueError(f"the fake does not implement {method!r}; it knows {sorted(self._handlers)}")
        with self._condition:
            queue = self._faults.setdefault(canonical, deque())
            queue.extend(_Fault(status, description, retry_after) for _ in range(times))

    def interrupt_long_polls(self) -> None:
        """Make a waiting getUpdates return now, with what it has (used when a client shuts down)."""
        with self._condition:
            if self._long_poll is not None:
                self._long_poll.outcome = "released"
                self._long_poll = None
            self._condition.notify_all()

    def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 10.0) -> None:
        """Block until `predicate(self)` is true; after `timeout`, AssertionError saying what happened.

        Call it from a thread other than the bot's event loop (the bot must be able to run meanwhile), e.g.
        `await asyncio.to_thread(api.wait_for, ...)`. The predicate is evaluated with the fake's lock held.
        """
        with self._condition:
            if self._condition.wait_for(lambda: predicate(self), timeout):
                return
            raise AssertionError(self._describe_timeout(predicate, timeout))

    def _describe_timeout(self, predicate: Callable[[FakeBotApi], bool], timeout: float) -> str:
        try:
            condition = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            condition = repr(predicate)
        lines = [f"not true after {timeout} s: {condition}", f"last calls ({len(self.calls)} in all):"]
        for call in self.calls[-12:]:
            outcome = "ok" if call.ok else f"{call.status} {call.response.get('description')}"
            lines.append(f"  {call.method}({_short(call.params)}) -> {outcome}")
        for chat_id, chat in self._chats.items():
            texts = [_short_text(m.text or m.caption or f"<{m.kind}>") for m in chat.bot_messages.values()]
            lines.append(f"chat {chat_id}: bot messages {texts}")
        lines.append(f"pending updates: {len(self._updates)}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Parameter readers shared by the handlers
# --------------------------------------------------------------------------------------------------


def _to_wire(value: Any) -> str:
    """A parameter value as the server sees it: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return json.dumps(value)


def _json_copy(value: _Json) -> _Json:
    """A deep copy of a JSON value, so callers never share the fake's state."""
    return cast(_Json, json.loads(json.dumps(value)))


def _now() -> int:
    return int(time.time())


def _chat_id(chat: _Chat) -> int:
    return int(chat.user["id"])


def _chat_json(chat: _Chat) -> JsonDict:
    return {"id": chat.user["id"], "first_name": chat.user["first_name"], "type": "private"}


def _formatted_text(params: dict[str, str], text_name: str, entities_name: str) -> tuple[str, list[JsonDict]]:
    """Parse a text or caption with its parse_mode (or explicit entities) and trim it as Telegram does."""
    raw = params.get(text_name, "")
    if len(raw.encode("utf-8", "surrogatepass")) > 1 << 15:
        raise _bad("text is too long")
    mode = params.get("parse_mode", "").lower()
    entities: list[JsonDict] = []
    if raw and mode and mode != "none":
        if mode == "html":
            try:
                raw, entities = parse_html(raw)
            except HtmlParseError as error:
                raise _bad(f"can't parse entities: {error}") from None
        elif mode in ("markdown", "markdownv2"):
            raise _bad(f"parse_mode {params['parse_mode']} is not emulated by the fake Bot API; use HTML")
        else:
            raise _bad("unsupported parse_mode")
    elif params.get(entities_name):
        entities = [dict(e) for e in json.loads(params[entities_name]) if int(e["length"]) > 0]
        for entity in entities:
            entity["offset"], entity["length"] = int(entity["offset"]), int(entity["length"])
    return _trim(raw, entities)


def _reply_markup(markup_text: str, *, inline_only: bool) -> JsonDict | None:
    """Parse reply_markup as the server does: the markup as kept by the API, or None if it is none."""
    if not markup_text:
        return None
    try:
        markup = json.loads(markup_text)
    except ValueError:
        raise _bad("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise _bad("object expected as reply markup")

    keyboard = markup.get("keyboard")
    if keyboard is not None and not isinstance(keyboard, list):
        raise _bad('field "keyboard" must be of type Array')
    rows: list[list[Any]] = []
    for row in keyboard or []:
        if not isinstance(row, list):
            raise _bad('field "keyboard" must be an Array of Arrays')
        for button in row:
            error = None if isinstance(button, str) else _keyboard_button_error(button)
            if error:
                raise _bad(f"can't parse keyboard button: {error}")
        rows.append(row)

    inline = markup.get("inline_keyboard")
    if inline is not None and not isinstance(inline, list):
        raise _bad('field "inline_keyboard" must be of type Array')
    inline_rows: list[list[JsonDict]] = []
    for row in inline or []:
        if not isinstance(row, list):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        inline_rows.append([_inline_button(button) for button in row])

    result: JsonDict | None = None
    if any(rows):
        result = {name: value for name, value in markup.items() if name != "inline_keyboard"}
    elif any(inline_rows):
        result = {"inline_keyboard": [row for row in inline_rows if row]}
    elif markup.get("remove_keyboard") is True or markup.get("hide_keyboard") is True:
        result = {"remove_keyboard": True}
    elif markup.get("force_reply") is True:
        result = {"force_reply": True}
    if result is None:
        return None
    if inline_only and "inline_keyboard" not in result:
        raise _bad("inline keyboard expected")
    if sum(len(row) for row in result.get("inline_keyboard", [])) > MAX_BUTTONS:
        raise _bad("reply markup is too long")
    return result


def _keyboard_button_error(button: Any) -> str | None:
    if not isinstance(button, dict):
        return "KeyboardButton must be a String or an Object"
    return _object_error(button, "KeyboardButton")


def _inline_button(button: Any) -> JsonDict:
    """Check one inline keyboard button as the server does; the button as the API keeps it."""
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise _bad(prefix + "InlineKeyboardButton must be an Object")
    error = _object_error(button, "InlineKeyboardButton")
    if error:
        raise _bad(prefix + error)
    actions = [
        name
        for name in _INLINE_BUTTON_ACTIONS
        if name in button and not (name in ("url", "callback_data") and button[name] == "")
    ]
    if not actions:
        raise _bad(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise _bad(
            prefix + f"exactly one of {', '.join(actions)} must be used (fake Bot API: the real one "
            f"silently keeps {actions[0]})"
        )
    text = _to_text(button["text"])
    if not text:
        raise _bad("inline keyboard button text must be non-empty")
    action = actions[0]
    value = button[action]
    if action == "callback_data":
        value = _to_text(value)
        if len(value.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")
    elif action == "url":
        value = _to_text(value)
        if _checked_link(value) is None:
            raise _bad("BUTTON_URL_INVALID")
    elif action == "copy_text":
        copied = _to_text(value["text"])
        if not copied or len(copied) > MAX_COPY_TEXT_LENGTH:
            raise _bad("BUTTON_COPY_TEXT_INVALID")
        value = {"text": copied}
    kept: JsonDict = {"text": text, action: value}
    for optional in ("style", "icon_custom_emoji_id"):
        if optional in button:
            kept[optional] = button[optional]
    return kept


def _to_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _bot_commands(commands_text: str) -> list[JsonDict]:
    """Parse and check setMyCommands' commands as the server and TDLib do; the commands as kept."""
    if not commands_text:
        return []
    try:
        commands = json.loads(commands_text)
    except ValueError:
        raise _bad("can't parse commands JSON object") from None
    if not isinstance(commands, list):
        raise _bad("expected an Array of BotCommand")
    kept: list[JsonDict] = []
    for command in commands:
        if not isinstance(command, dict):
            raise _bad("can't parse BotCommand: expected an Object")
        error = _object_error(command, "BotCommand")
        if error:
            raise _bad(f"can't parse BotCommand: {error}")
        name = _to_text(command["command"]).strip().removeprefix("/")
        description = _to_text(command["description"]).strip()
        if not name:
            raise _bad("command must be non-empty")
        if len(name) > MAX_COMMAND_LENGTH:
            raise _bad(f"command length must not exceed {MAX_COMMAND_LENGTH}")
        if not description:
            raise _bad("command description must be non-empty")
        if len(description) > MAX_COMMAND_DESCRIPTION_LENGTH:
            raise _bad(f"command description length must not exceed {MAX_COMMAND_DESCRIPTION_LENGTH}")
        if not _COMMAND_NAME.match(name):
            raise _bad("BOT_COMMAND_INVALID")
        kept.append({"command": name, "description": description})
    if len(kept) > MAX_COMMANDS:
        raise _bad("BOT_COMMANDS_TOO_MUCH")
    return kept


def _language_code(params: dict[str, str]) -> str:
    code = params.get("language_code", "")
    if code and not re.match(r"^[a-z]{2}$", code):
        raise _bad("invalid language code specified")
    return code


def _download_extension(stored: _StoredFile) -> str:
    """The extension of a download path: ".jpg" for photos (Telegram re-encodes them), else the name's."""
    if stored.folder == "photos":
        return ".jpg"
    if stored.folder == "voice":  # voice notes are served as "voice/file_N.oga", whatever the sender's app named them
        return ".oga"
    suffix = Path(stored.name).suffix
    return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,16}", suffix) else ""


def _looks_like_image(content: bytes) -> bool:
    is_webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return is_webp or content.startswith(_IMAGE_SIGNATURES)


def _image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG or GIF; other formats get a plausible 800 x 600."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return int.from_bytes(content[6:8], "little"), int.from_bytes(content[8:10], "little")
    return 800, 600


def _snapshot(message: _BotMessage) -> SentMessage:
    is_text = message.kind == "text"
    return SentMessage(
        message_id=message.message_id,
        chat_id=message.chat_id,
        text=message.text if is_text else "",
        html=message.html,
        reply_markup=_json_copy(message.reply_markup) if message.reply_markup else None,
        kind=message.kind,
        document=message.file if message.kind == "document" else None,
        caption=message.caption,
        edits=message.edits,
        photo=message.file if message.kind == "photo" else None,
        entities=tuple(dict(e) for e in message.entities),
    )


def _short(params: dict[str, str]) -> str:
    return ", ".join(f"{name}={_short_text(value)}" for name, value in params.items())


def _short_text(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --------------------------------------------------------------------------------------------------
# python-telegram-bot's request seam
# --------------------------------------------------------------------------------------------------


class RecordingRequest(BaseRequest):
    """python-telegram-bot's request seam, answered in-process by a FakeBotApi (no sockets)."""

    def __init__(self, api: FakeBotApi) -> None:
        """Answer every request of the Bot using this object with `api`."""
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout PTB adds to getUpdates' long-poll timeout (seconds)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Release a getUpdates still waiting in a worker thread, so the event loop can close promptly."""
        self.api.interrupt_long_polls()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Hand the call or download to the fake (wire parameters, files); a long poll waits in a thread."""
        file_token, file_path = _split_file_url(urllib.parse.urlsplit(url).path)
        if file_token is not None:
            return self.api.serve_file(file_token, file_path)
        token, api_method = _split_bot_url(url)
        if token is None:
            return 404, json.dumps(_NOT_FOUND).encode()
        params = request_data.json_parameters if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data and request_data.contains_files:
            for part, (file_name, content, _mime) in request_data.multipart_data.items():
                files[part] = (file_name, content if isinstance(content, bytes) else content.read())
        if self.api.latency:
            await asyncio.sleep(self.api.latency)
        if api_method.lower() == "getupdates" and params.get("timeout", "0") not in ("", "0"):
            status, body = await asyncio.to_thread(self.api.handle, token, api_method, params, files)
        else:
            status, body = self.api.handle(token, api_method, params, files)
        return status, json.dumps(body).encode()


def _split_file_url(path: str) -> tuple[str | None, str]:
    """(token, file path) of a ".../file/bot<token>/<file_path>" URL path, or (None, "") for anything else."""
    match = re.search(r"/file/bot([^/]+)/(.+)$", path)
    if match is None:
        return None, ""
    return urllib.parse.unquote(match.group(1)), urllib.parse.unquote(match.group(2))


def _split_bot_url(url: str) -> tuple[str | None, str]:
    """(token, method) of a ".../bot<token>/<method>" URL, or (None, "") for anything else."""
    match = re.search(r"/bot([^/]+)/([^/?]+)/?(?:\?.*)?$", url)
    return (urllib.parse.unquote(match.group(1)), match.group(2)) if match else (None, "")


# --------------------------------------------------------------------------------------------------
# The same fake over HTTP
# --------------------------------------------------------------------------------------------------


class FakeBotApiServer:
    """The same FakeBotApi behind a local HTTP server (127.0.0.1, a free port) for a real bot process."""

    def __init__(self, api: FakeBotApi) -> None:
        """Serve `api`; the server starts on `__enter__`."""
        self.api = api
        self.base_url = ""
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._active = 0
        self._active_lock = threading.Lock()

    @property
    def requests_in_progress(self) -> int:
        """Requests received and not yet answered (one the bot sent just before it was killed, say)."""
        with self._active_lock:
            return self._active

    def _count(self, change: int) -> None:
        with self._active_lock:
            self._active += change

    def __enter__(self) -> FakeBotApiServer:
        """Start serving in a daemon thread; `base_url` is then "http://127.0.0.1:PORT/bot"."""
        handler = type("_BoundHandler", (_BotApiHandler,), {"api": self.api, "count": self._count})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    @property
    def base_file_url(self) -> str:
        """The URL the bot downloads files from, "http://127.0.0.1:PORT/file/bot", once started."""
        return self.base_url.removesuffix("/bot") + "/file/bot" if self.base_url else ""

    def __exit__(self, *exc: object) -> None:
        """Release waiting long polls and stop the server."""
        self.api.interrupt_long_polls()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _BotApiHandler(http.server.BaseHTTPRequestHandler):
    """Reads a Bot API request (query string, JSON, form or multipart body) and answers it from the fake."""

    api: FakeBotApi
    count: Callable[[int], None]

    def handle_one_request(self) -> None:
        self.count(1)
        try:
            super().handle_one_request()
        finally:
            self.count(-1)

    def do_GET(self) -> None:
        path = self.path.partition("?")[0]
        token, file_path = _split_file_url(path)
        if token is None:
            self._answer(b"", "")
            return
        status, payload = self.api.serve_file(token, file_path)
        content_type = mimetypes.guess_type(file_path)[0] or "application/octet-stream"
        self._send(status, payload, content_type if status == 200 else "application/json")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(self.rfile.read(length), self.headers.get("Content-Type", ""))

    def _answer(self, body: bytes, content_type: str) -> None:
        if self.api.latency:
            time.sleep(self.api.latency)
        path, _, query = self.path.partition("?")
        token, method = _split_bot_url(path)
        if token is None:
            status, answer = 404, dict(_NOT_FOUND)
        else:
            params: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
            files: dict[str, tuple[str, bytes]] = {}
            try:
                body_params, files = _parse_body(body, content_type)
            except ValueError as error:
                status, answer = 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
            else:
                params.update(body_params)
                status, answer = self.api.handle(token, method, params, files)
        self._send(status, json.dumps(answer).encode(), "application/json")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


def _parse_body(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Parameters and files of a request body, by its content type."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}, {}
    if mime == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        return decoded, {}
    if mime == "application/x-www-form-urlencoded":
        return dict(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)), {}
    if mime == "multipart/form-data":
        return _parse_multipart(body, content_type)
    raise ValueError(f"unsupported Content-Type {content_type!r}")


def _parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Fields and files of a multipart/form-data body (as httpx and browsers write it)."""
    boundary = re.search(r'boundary="?([^";]+)"?', content_type)
    if not boundary:
        raise ValueError("multipart body without a boundary")
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(b"--" + boundary.group(1).encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = next(
            (
                line
                for line in head.decode("utf-8").split("\r\n")
                if line.lower().startswith("content-disposition")
            ),
            "",
        )
        name = _header_parameter(disposition, "name")
        if name is None:
            continue
        file_name = _header_parameter(disposition, "filename")
        if file_name is None:
            params[name] = content.decode("utf-8")
        else:
            files[name] = (file_name, content)
    return params, files


def _header_parameter(header: str, name: str) -> str | None:
    extended = re.search(rf";\s*{name}\*=(?:UTF-8|utf-8)''([^;]+)", header)
    if extended:
        return urllib.parse.unquote(extended.group(1))
    plain = re.search(rf';\s*{name}="((?:[^"\\]|\\.)*)"', header)
    if plain:
        value = plain.group(1).replace('\\"', '"')
        return value.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    return None
