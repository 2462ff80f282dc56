"""Tests of the fake Telegram Bot API itself: it must accept and refuse what the real API accepts and refuses.

The bot under test talks to the fake through python-telegram-bot, so these tests do too: a real `telegram.Bot`
wired to `RecordingRequest` (in-process) or, in the last tests, to `FakeBotApiServer` over HTTP.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter

from tests.support.fake_bot_api import (
    MAX_DOWNLOAD_BYTES,
    Call,
    FakeBotApi,
    FakeBotApiServer,
    RecordingRequest,
    load_spec,
    parse_html,
    spec_problems,
)

T = TypeVar("T")
USER = 1001
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
OPML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>Veille</title></head><body>'
    '<outline text="Blog été" type="rss" xmlUrl="https://example.org/feed.xml"/></body></opml>\n'
).encode()


def run(coroutine: Awaitable[T]) -> T:
    """Run one coroutine to completion (pytest-asyncio is not installed)."""

    async def main() -> T:
        return await coroutine

    return asyncio.run(main())


def with_bot(api: FakeBotApi, action: Callable[[telegram.Bot], Awaitable[T]], token: str | None = None) -> T:
    """Run `action(bot)` with an initialized Bot answered in-process by `api`."""

    async def main() -> T:
        bot = telegram.Bot(
            token or api.token, request=RecordingRequest(api), get_updates_request=RecordingRequest(api)
        )
        async with bot:
            return await action(bot)

    return asyncio.run(main())


def last_error(api: FakeBotApi, method: str) -> str:
    """The exact description of the last refusal of `method` (PTB rewords what it raises)."""
    call = api.calls_to(method)[-1]
    assert not call.ok, f"the last {method} call succeeded: {call.response}"
    return str(call.response["description"])


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """One row of inline buttons."""
    return InlineKeyboardMarkup([list(buttons)])


def texts(updates: Sequence[telegram.Update]) -> list[str | None]:
    """The texts of the messages in these updates."""
    return [update.message.text if update.message else None for update in updates]


@pytest.fixture
def api() -> FakeBotApi:
    fake = FakeBotApi()
    fake.user_sends(USER, "/start")
    return fake


# ----------------------------------------------------------------------------------------- identity


def test_get_me_answers_the_bot_user(api: FakeBotApi) -> None:
    me = with_bot(api, lambda bot: bot.get_me())

    assert me.id == 123456789
    assert me.username == "coach_test_bot"
    assert me.is_bot is True
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False
    result = api.calls_to("getMe")[-1].response["result"]
    assert spec_problems(result, "User") == []


def test_wrong_token_is_unauthorized_and_malformed_token_not_found(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        with_bot(api, lambda bot: bot.get_me(), token="987654321:AAE-some-other-bot-token-000000000000")
    assert api.calls[-1].status == 401
    assert api.calls[-1].response == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    assert api.handle("not-a-token", "getMe", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


def test_unknown_method_is_not_found_and_names_are_case_insensitive(api: FakeBotApi) -> None:
    async def call_unknown(bot: telegram.Bot) -> Any:
        return await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})

    with pytest.raises(EndPointNotFound):
        with_bot(api, call_unknown)
    assert api.calls[-1].response == {"ok": False, "error_code": 404, "description": "Not Found"}

    status, body = api.handle(api.token, "GETME", {})
    assert status == 200 and body["result"]["username"] == "coach_test_bot"


# -------------------------------------------------------------------------------------- sendMessage


def test_send_message_with_valid_html_keeps_plain_text_and_entities(api: FakeBotApi) -> None:
    html = '<b>Day 1</b> &amp; <i>a first post</i>: <a href="https://example.org/a?b=1&amp;c=2">read</a> > 3'

    message = with_bot(api, lambda bot: bot.send_message(USER, html, parse_mode=ParseMode.HTML))

    assert message.text == "Day 1 & a first post: read > 3"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 5),
        ("italic", 8, 12),
        ("text_link", 22, 4),
    ]
    assert message.entities[2].url == "https://example.org/a?b=1&c=2"
    [sent] = api.messages(USER)
    assert (sent.text, sent.html, sent.kind, sent.edits) == (message.text, html, "text", 0)
    assert spec_problems(api.calls_to("sendMessage")[-1].response["result"], "Message") == []


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("<b>bold", "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""),
        (
            "<b>x</i>",
            'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", '
            'found "</i>"',
        ),
        ("<p>para</p>", 'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0'),
        ("2 < 3", 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("é <br/>", 'Bad Request: can\'t parse entities: Unsupported start tag "br/" at byte offset 3'),
        ("x</b>", "Bad Request: can't parse entities: Unexpected end tag at byte offset 1"),
        (
            "<span>x</span>",
            'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 0',
        ),
        (
            '<a href="x">y',
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"a\"",
        ),
        ("<b", "Bad Request: can't parse entities: Unclosed start tag at byte offset 0"),
    ],
)
def test_send_message_refuses_invalid_html(api: FakeBotApi, html: str, description: str) -> None:
    with pytest.raises(BadRequest):
        with_bot(api, lambda bot: bot.send_message(USER, html, parse_mode=ParseMode.HTML))

    assert last_error(api, "sendMessage") == description
    assert api.calls_to("sendMessage")[-1].status == 400
    assert api.messages(USER) == []


def test_html_accepts_every_telegram_tag_and_the_lenient_cases_the_real_parser_accepts() -> None:
    text, entities = parse_html(
        "<strong>s</strong><em>e</em><ins>i</ins><strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><code>c</code><pre><code class="language-python">x</code></pre>'
        "<blockquote expandable>b</blockquote><blockquote>n</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> Q&A &nbsp; &#65;&#x42; &quot;'
    )

    assert text == 'seikdpqcxbn👍 Q&A &nbsp; AB "'
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "expandable_blockquote",
        "blockquote",
        "custom_emoji",
    ]
    assert entities[8]["language"] == "python"
    assert entities[11] == {
        "offset": 11,
        "length": 2,
        "type": "custom_emoji",
        "custom_emoji_id": "5368324170671202286",
    }


def test_send_message_counts_length_after_entity_parsing(api: FakeBotApi) -> None:
    longest = "<b>" + "x" * 4096 + "</b>"
    with_bot(api, lambda bot: bot.send_message(USER, longest, parse_mode=ParseMode.HTML))
    assert len(api.messages(USER)[0].text) == 4096

    with pytest.raises(BadRequest):
        with_bot(api, lambda bot: bot.send_message(USER, "é" * 4097))
    assert last_error(api, "sendMessage") == "Bad Request: message is too long"


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": USER}, "Bad Request: message text is empty"),
        ({"chat_id": USER, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": USER, "text": " \n "}, "Bad Request: text must be non-empty"),
        ({"chat_id": USER, "text": "<b> </b>", "parse_mode": "HTML"}, "Bad Request: text must be non-empty"),
        ({"text": "hi"}, "Bad Request: chat_id is empty"),
        ({"chat_id": 555, "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": "@someone", "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": USER, "text": "hi", "parse_mode": "XML"}, "Bad Request: unsupported parse_mode"),
        (
            {"chat_id": USER, "text": "hi", "reply_markup": "{oops"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            {"chat_id": USER, "text": "hi", "reply_markup": "[]"},
            "Bad Request: object expected as reply markup",
        ),
        (
            {"chat_id": USER, "text": "hi", "reply_parameters": {"message_id": 99}},
            "Bad Request: message to be replied not found",
        ),
        (
            {"chat_id": USER, "text": "hi", "disable_notification": "maybe"},
            'Bad Request: parameter "disable_notification" must be of type Boolean (fake Bot API: the real '
            "one reads it as false)",
        ),
        (
            {"chat_id": USER, "text": "hi", "entities": [{"type": "bold", "offset": 0}]},
            "Bad Request: can't parse MessageEntity: Can't find field \"length\"",
        ),
    ],
)
def test_send_message_refusals_have_the_real_wording(
    api: FakeBotApi, params: dict[str, Any], description: str
) -> None:
    status, body = api.handle(api.token, "sendMessage", params)

    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})


def test_send_message_trims_like_telegram_and_ignores_unknown_parameters(api: FakeBotApi) -> None:
    status, body = api.handle(
        api.token, "sendMessage", {"chat_id": str(USER), "text": "\n  hello  \n", "no_such_parameter": "x"}
    )

    assert status == 200
    assert body["result"]["text"] == "hello"
    assert api.messages(USER)[0].html == "\n  hello  \n"


# ---------------------------------------------------------------------------------------- keyboards


def test_callback_data_of_64_bytes_passes_and_65_bytes_is_refused(api: FakeBotApi) -> None:
    with_bot(
        api,
        lambda bot: bot.send_message(
            USER, "ok", reply_markup=keyboard(InlineKeyboardButton("a", callback_data="x" * 64))
        ),
    )
    assert api.messages(USER)[0].reply_markup == {
        "inline_keyboard": [[{"text": "a", "callback_data": "x" * 64}]]
    }

    for data in ("x" * 65, "é" * 33):
        markup = keyboard(InlineKeyboardButton("b", callback_data=data))
        with pytest.raises(BadRequest):
            with_bot(api, lambda bot: bot.send_message(USER, "no", reply_markup=markup))  # noqa: B023
        assert last_error(api, "sendMessage") == "Bad Request: BUTTON_DATA_INVALID"
    assert len(api.messages(USER)) == 1


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "t", "url": "ftp://files.example.org"}, "Bad Request: BUTTON_URL_INVALID"),
        ({"text": "t", "url": "javascript:alert(1)"}, "Bad Request: BUTTON_URL_INVALID"),
        (
            {"text": "t"},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        ),
        (
            {"text": "t", "callback_data": ""},
            "Bad Request: can't parse inline keyboard button: Text buttons are "
            "unallowed in the inline keyboard",
        ),
        (
            {"callback_data": "x"},
            "Bad Request: can't parse inline keyboard button: Can't find field \"text\"",
        ),
        ({"text": "", "callback_data": "x"}, "Bad Request: inline keyboard button text must be non-empty"),
        ({"text": "t", "copy_text": {"text": "c" * 257}}, "Bad Request: BUTTON_COPY_TEXT_INVALID"),
        (
            {"text": "t", "url": "https://example.org", "callback_data": "x"},
            "Bad Request: can't parse inline keyboard button: exactly one of url, callback_data must be used "
            "(fake Bot API: the real one silently keeps url)",
        ),
    ],
)
def test_inline_buttons_are_checked(api: FakeBotApi, button: dict[str, Any], description: str) -> None:
    status, body = api.handle(
        api.token,
        "sendMessage",
        {"chat_id": USER, "text": "hi", "reply_markup": {"inline_keyboard": [[button]]}},
    )

    assert (status, body["description"]) == (400, description)


def test_good_buttons_of_every_common_kind_pass(api: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("site", url="https://example.org"),
                InlineKeyboardButton("app", url="tg://resolve?domain=x"),
            ],
            [InlineKeyboardButton("copy", copy_text=telegram.CopyTextButton("c" * 256))],
            [InlineKeyboardButton("share", switch_inline_query="")],
        ]
    )

    message = with_bot(api, lambda bot: bot.send_message(USER, "buttons", reply_markup=markup))

    assert message.reply_markup == markup


# ------------------------------------------------------------------------------------------ editing


def test_edit_message_text_changes_the_message_and_refuses_a_no_op_edit(api: FakeBotApi) -> None:
    markup = keyboard(InlineKeyboardButton("Next", callback_data="next"))

    async def scenario(bot: telegram.Bot) -> telegram.Message:
        sent = await bot.send_message(USER, "Lesson <b>1</b>", parse_mode=ParseMode.HTML, reply_markup=markup)
        edited = await bot.edit_message_text(
            "Lesson <b>2</b>", USER, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=markup
        )
        assert isinstance(edited, telegram.Message) and edited.edit_date is not None
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text(
                "Lesson <b>2</b>", USER, sent.message_id, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        return sent

    sent = with_bot(api, scenario)

    assert last_error(api, "editMessageText") == (
        "Bad Request: message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
    [message] = api.messages(USER)
    assert (message.message_id, message.text, message.html, message.edits) == (
        sent.message_id,
        "Lesson 2",
        "Lesson <b>2</b>",
        1,
    )
    assert message.reply_markup == markup.to_dict()


def test_editing_text_without_reply_markup_removes_the_keyboard_as_telegram_does(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        sent = await bot.send_message(
            USER, "Pick", reply_markup=keyboard(InlineKeyboardButton("A", callback_data="a"))
        )
        await bot.edit_message_text("Picked A", USER, sent.message_id)

    with_bot(api, scenario)

    assert api.messages(USER)[0].reply_markup is None


def test_edit_refusals(api: FakeBotApi) -> None:
    user_message_id = api.user_sends(USER, "hello")["message"]["message_id"]
    cases: list[tuple[str, dict[str, Any], str]] = [
        (
            "editMessageText",
            {"chat_id": USER, "message_id": 999, "text": "x"},
            "Bad Request: message to edit not found",
        ),
        ("editMessageText", {"chat_id": USER, "text": "x"}, "Bad Request: message to edit not found"),
        (
            "editMessageText",
            {"chat_id": USER, "message_id": user_message_id, "text": "x"},
            "Bad Request: message can't be edited",
        ),
        ("editMessageText", {"text": "x"}, "Bad Request: message identifier is not specified"),
        ("editMessageText", {"chat_id": USER, "message_id": 1}, "Bad Request: message text is empty"),
        (
            "editMessageText",
            {"chat_id": USER, "message_id": "one", "text": "x"},
            'Bad Request: parameter "message_id" must be of type Integer '
            "(fake Bot API: the real one reads it as 0)",
        ),
        (
            "editMessageReplyMarkup",
            {"chat_id": USER, "message_id": 999},
            "Bad Request: message to edit not found",
        ),
    ]
    for method, params, description in cases:
        assert api.handle(api.token, method, params)[1]["description"] == description, (method, params)


def test_edit_message_reply_markup(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        sent = await bot.send_message(
            USER, "Pick", reply_markup=keyboard(InlineKeyboardButton("A", callback_data="a"))
        )
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="Inline keyboard expected"):
            reply_keyboard: Any = telegram.ReplyKeyboardMarkup([["x"]])  # deliberately not inline
            await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=reply_keyboard)

    with_bot(api, scenario)

    [message] = api.messages(USER)
    assert (message.reply_markup, message.edits) == (None, 1)


# ---------------------------------------------------------------------------------------- callbacks


def test_pressing_a_button_delivers_a_callback_query_that_can_be_answered_once(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> telegram.CallbackQuery:
        sent = await bot.send_message(
            USER, "Ready?", reply_markup=keyboard(InlineKeyboardButton("Yes", callback_data="yes"))
        )
        updates = await bot.get_updates()
        api.user_presses(USER, sent.message_id, "yes")
        [update] = await bot.get_updates(offset=updates[-1].update_id + 1)
        query = update.callback_query
        assert query is not None
        assert await bot.answer_callback_query(query.id, text="Noted") is True
        with pytest.raises(BadRequest):
            await bot.answer_callback_query(query.id)
        return query

    query = with_bot(api, scenario)

    assert query.data == "yes"
    assert query.from_user.id == USER
    assert isinstance(query.message, telegram.Message) and query.message.text == "Ready?"
    assert last_error(api, "answerCallbackQuery") == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    assert api.handle(api.token, "answerCallbackQuery", {"callback_query_id": "12345"})[0] == 400


def test_a_user_can_only_press_buttons_that_are_shown(api: FakeBotApi) -> None:
    with_bot(
        api,
        lambda bot: bot.send_message(
            USER, "Ready?", reply_markup=keyboard(InlineKeyboardButton("Yes", callback_data="yes"))
        ),
    )
    message_id = api.messages(USER)[0].message_id

    with pytest.raises(AssertionError, match="no button with callback_data 'no'"):
        api.user_presses(USER, message_id, "no")
    with pytest.raises(AssertionError, match="no message 999"):
        api.user_presses(USER, 999, "yes")


# ----------------------------------------------------------------------------------------- commands


def test_set_my_commands_is_kept_per_language_and_scope(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> tuple[Any, ...]:
        assert await bot.set_my_commands([("start", "Begin"), ("help", "How it works")]) is True
        await bot.set_my_commands([("start", "Commencer")], language_code="fr")
        await bot.set_my_commands([("today", "Today's minute")], scope=telegram.BotCommandScopeChat(USER))
        return (
            await bot.get_my_commands(),
            await bot.get_my_commands(language_code="fr"),
            await bot.get_my_commands(language_code="de"),
            await bot.get_my_commands(scope=telegram.BotCommandScopeChat(USER)),
        )

    default, french, german, chat = with_bot(api, scenario)

    assert [(c.command, c.description) for c in default] == [("start", "Begin"), ("help", "How it works")]
    assert [c.description for c in french] == ["Commencer"]
    assert german == default
    assert [c.command for c in chat] == ["today"]
    assert api.handle(api.token, "deleteMyCommands", {"language_code": "fr"}) == (
        200,
        {"ok": True, "result": True},
    )
    assert (
        api.handle(api.token, "getMyCommands", {"language_code": "fr"})[1]["result"][0]["description"]
        == "Begin"
    )


@pytest.mark.parametrize(
    ("commands", "description"),
    [
        ([{"command": "Start", "description": "d"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "my-command", "description": "d"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "c" * 33, "description": "d"}], "Bad Request: command length must not exceed 32"),
        ([{"command": " ", "description": "d"}], "Bad Request: command must be non-empty"),
        ([{"command": "ok", "description": ""}], "Bad Request: command description must be non-empty"),
        (
            [{"command": "ok", "description": "d" * 257}],
            "Bad Request: command description length must not exceed 256",
        ),
        ([{"command": "ok"}], "Bad Request: can't parse BotCommand: Can't find field \"description\""),
        (
            [{"command": f"c{i}", "description": "d"} for i in range(101)],
            "Bad Request: BOT_COMMANDS_TOO_MUCH",
        ),
        ({"command": "ok", "description": "d"}, "Bad Request: expected an Array of BotCommand"),
    ],
)
def test_set_my_commands_refusals(api: FakeBotApi, commands: Any, description: str) -> None:
    assert api.handle(api.token, "setMyCommands", {"commands": commands})[1]["description"] == description


def test_commands_scope_and_language_are_checked(api: FakeBotApi) -> None:
    good = [{"command": "start", "description": "Begin"}]
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"scope": {"type": "galaxy"}},
            "Bad Request: can't parse BotCommandScope: Unsupported type specified",
        ),
        ({"scope": {"type": "chat", "chat_id": 555}}, "Bad Request: chat not found"),
        (
            {"scope": {"type": "chat_administrators", "chat_id": USER}},
            "Bad Request: can't use specified scope in private chats",
        ),
        ({"language_code": "fra"}, "Bad Request: invalid language code specified"),
    ]
    for extra, description in cases:
        assert (
            api.handle(api.token, "setMyCommands", {"commands": good} | extra)[1]["description"]
            == description
        )
    assert (
        api.handle(api.token, "setMyCommands", {"commands": "[]", "scope": '{"type": "all_private_chats"}'})[
            0
        ]
        == 200
    )


# -------------------------------------------------------------------------------------------- files


def test_send_document_delivers_the_bytes_and_keeps_the_file_name(api: FakeBotApi) -> None:
    content = b"%PDF-1.7\r\n\x00\xff binary \n\r\n payload"

    message = with_bot(
        api,
        lambda bot: bot.send_document(
            USER, content, filename="bilan-été.pdf", caption="<b>Your week</b>", parse_mode=ParseMode.HTML
        ),
    )

    assert message.document is not None
    assert (message.document.file_name, message.document.file_size) == ("bilan-été.pdf", len(content))
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "Your week"
    [sent] = api.messages(USER)
    assert (sent.kind, sent.document, sent.caption, sent.html) == (
        "document",
        ("bilan-été.pdf", content),
        "Your week",
        "<b>Your week</b>",
    )
    assert spec_problems(api.calls_to("sendDocument")[-1].response["result"], "Message") == []

    file_id = message.document.file_id
    again = with_bot(api, lambda bot: bot.send_document(USER, file_id))
    assert api.messages(USER)[-1].document == ("bilan-été.pdf", content)
    assert again.document is not None and again.document.file_id == file_id


def test_send_document_and_photo_refusals(api: FakeBotApi) -> None:
    cases: list[tuple[str, dict[str, Any], dict[str, tuple[str, bytes]] | None, str]] = [
        ("sendDocument", {"chat_id": USER}, None, "Bad Request: there is no document in the request"),
        (
            "sendDocument",
            {"chat_id": USER, "document": "no-such-file-id"},
            None,
            "Bad Request: wrong file identifier/HTTP URL specified",
        ),
        (
            "sendDocument",
            {"chat_id": USER},
            {"document": ("empty.txt", b"")},
            "Bad Request: file must be non-empty",
        ),
        (
            "sendDocument",
            {"chat_id": USER, "caption": "c" * 1025},
            {"document": ("a.txt", b"a")},
            "Bad Request: message caption is too long",
        ),
        (
            "sendDocument",
            {"chat_id": USER, "caption": "<i>x", "parse_mode": "HTML"},
            {"document": ("a.txt", b"a")},
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"i\"",
        ),
        (
            "sendPhoto",
            {"chat_id": USER},
            {"photo": ("p.png", b"not an image")},
            "Bad Request: IMAGE_PROCESS_FAILED",
        ),
        (
            "sendPhoto",
            {"chat_id": USER, "photo": "attach://missing"},
            {},
            "Bad Request: there is no photo in the request",
        ),
    ]
    for method, params, files, description in cases:
        assert api.handle(api.token, method, params, files)[1]["description"] == description, description
    assert api.messages(USER) == []


def test_send_photo_with_a_caption_of_1024_characters(api: FakeBotApi) -> None:
    message = with_bot(api, lambda bot: bot.send_photo(USER, PNG_1x1, caption="c" * 1024, filename="dot.png"))

    assert message.photo[-1].width == 1 and message.photo[-1].height == 1
    [sent] = api.messages(USER)
    assert (sent.kind, sent.photo, sent.document) == ("photo", ("dot.png", PNG_1x1), None)
    assert spec_problems(api.calls_to("sendPhoto")[-1].response["result"], "Message") == []


def test_a_bot_downloads_the_file_a_user_sent(api: FakeBotApi) -> None:
    message = telegram.Update.de_json(api.user_sends_document(USER, "veille.opml", OPML), None).message
    assert message is not None and message.document is not None
    document = message.document

    async def scenario(bot: telegram.Bot) -> tuple[telegram.File, bytearray, telegram.File]:
        file = await bot.get_file(document.file_id)
        content = await file.download_as_bytearray()
        again = await bot.get_file(document)
        return file, content, again

    file, content, again = with_bot(api, scenario)

    assert bytes(content) == OPML
    assert (file.file_id, file.file_unique_id, file.file_size) == (
        document.file_id,
        document.file_unique_id,
        len(OPML),
    )
    assert file.file_path == f"https://api.telegram.org/file/bot{api.token}/documents/file_0.opml"
    assert again.file_path == file.file_path
    result = api.calls_to("getFile")[-1].response["result"]
    assert result["file_path"] == "documents/file_0.opml"
    assert spec_problems(result, "File") == []


@pytest.mark.parametrize(
    "base_url",
    ["https://api.telegram.org/bot", "http://127.0.0.1:8081/bot", "https://tg.example.org/proxy/bot"],
)
def test_downloads_work_with_the_file_url_the_bot_derives_from_its_base_url(
    api: FakeBotApi, base_url: str
) -> None:
    file_id = api.user_sends_document(USER, "feeds.opml", OPML)["message"]["document"]["file_id"]
    base_file_url = base_url.removesuffix("/bot") + "/file/bot"

    async def main() -> bytearray:
        request = RecordingRequest(api)
        async with telegram.Bot(
            api.token, base_url=base_url, base_file_url=base_file_url, request=request
        ) as bot:
            file = await bot.get_file(file_id)
            assert file.file_path == f"{base_file_url}{api.token}/documents/file_0.opml"
            return await file.download_as_bytearray()

    assert bytes(run(main())) == OPML


def test_files_the_bot_sent_are_downloadable_and_each_has_its_own_path(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> list[tuple[str | None, bytes]]:
        photo = await bot.send_photo(USER, PNG_1x1, filename="dot.png")
        report = await bot.send_document(USER, b"week 1", filename="report.txt")
        unnamed = await bot.send_document(USER, b"no extension", filename="README")
        assert report.document is not None and unnamed.document is not None
        downloaded = []
        for file_id in (photo.photo[-1].file_id, report.document.file_id, unnamed.document.file_id):
            file = await bot.get_file(file_id)
            downloaded.append((file.file_path, bytes(await file.download_as_bytearray())))
        return downloaded

    downloaded = with_bot(api, scenario)

    base = f"https://api.telegram.org/file/bot{api.token}/"
    assert downloaded == [
        (base + "photos/file_0.jpg", PNG_1x1),
        (base + "documents/file_0.txt", b"week 1"),
        (base + "documents/file_1", b"no extension"),
    ]


def test_get_file_refusals_have_the_real_wording(api: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        with_bot(api, lambda bot: bot.get_file("no-such-file-id"))
    assert last_error(api, "getFile") == "Bad Request: invalid file_id"
    assert api.calls_to("getFile")[-1].status == 400

    assert api.handle(api.token, "getFile", {})[1] == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: file_id not specified",
    }


def test_files_over_20_mb_cannot_be_downloaded(api: FakeBotApi) -> None:
    largest = api.user_sends_document(USER, "largest.opml", b"x" * MAX_DOWNLOAD_BYTES)
    too_big = api.user_sends_document(USER, "too-big.opml", b"x" * (MAX_DOWNLOAD_BYTES + 1))

    allowed = api.handle(api.token, "getFile", {"file_id": largest["message"]["document"]["file_id"]})
    refused = api.handle(api.token, "getFile", {"file_id": too_big["message"]["document"]["file_id"]})

    assert allowed[0] == 200 and allowed[1]["result"]["file_size"] == 20 * 1024 * 1024
    assert refused == (400, {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"})


def test_downloads_need_the_bot_token_and_a_path_get_file_gave(api: FakeBotApi) -> None:
    file_id = api.user_sends_document(USER, "feeds.opml", OPML)["message"]["document"]["file_id"]
    request = RecordingRequest(api)
    base = "https://api.telegram.org/file/bot"

    def download(url: str) -> tuple[int, bytes]:
        return run(request.do_request(url, "GET"))

    not_yet = download(f"{base}{api.token}/documents/file_0.opml")
    api.handle(api.token, "getFile", {"file_id": file_id})
    found = download(f"{base}{api.token.replace(':', '%3A')}/documents/file_0.opml")
    unknown = download(f"{base}{api.token}/documents/file_9.opml")
    wrong_token = download(f"{base}42:AAE-another-bot/documents/file_0.opml")
    not_a_method = download(f"{base}{api.token}/getMe")

    assert found == (200, OPML)
    for status, body in (not_yet, unknown, not_a_method):
        assert status == 404
        assert json.loads(body) == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert (wrong_token[0], json.loads(wrong_token[1])["description"]) == (401, "Unauthorized")
    assert [call.method for call in api.calls] == ["getFile"]

    async def download_with_another_token() -> bytearray:
        async with telegram.Bot("42:AAE-another-bot", request=request) as bot:
            file = telegram.File(file_id, "AQAD", file_path=f"{base}42:AAE-another-bot/documents/file_0.opml")
            file.set_bot(bot)
            return await file.download_as_bytearray()

    with pytest.raises(InvalidToken):
        run(download_with_another_token())


# ------------------------------------------------------------------------------------------ updates


def test_get_updates_honours_offset_and_limit(api: FakeBotApi) -> None:
    api.user_sends(USER, "one")
    api.user_sends(USER, "two")

    async def scenario(bot: telegram.Bot) -> tuple[list[str | None], list[str | None], list[str | None]]:
        first = await bot.get_updates(limit=2)
        everything = await bot.get_updates()
        confirmed = await bot.get_updates(offset=first[-1].update_id + 1)
        api.user_sends(USER, "three")
        after = await bot.get_updates(offset=confirmed[-1].update_id + 1)
        assert api.pending_updates()[0]["message"]["text"] == "three"
        return texts(first), texts(everything + confirmed), texts(after)

    first, seen, after = with_bot(api, scenario)

    assert first == ["/start", "one"]
    assert seen == ["/start", "one", "two", "two"]
    assert after == ["three"]


def test_user_messages_have_the_real_shape(api: FakeBotApi) -> None:
    updates = [
        api.user_sends(USER, "/help@coach_test_bot now", language_code="fr", first_name="Claire"),
        api.user_sends_sticker(USER),
        api.user_sends_document(USER, "notes.txt", b"my notes"),
    ]

    for update in updates:
        assert spec_problems(update, "Update") == []
    message = updates[0]["message"]
    assert message["entities"] == [{"offset": 0, "length": 20, "type": "bot_command"}]
    assert message["from"] == {"id": USER, "is_bot": False, "first_name": "Claire", "language_code": "fr"}
    assert "entities" not in api.user_sends(USER, "no command here")["message"]
    parsed = [telegram.Update.de_json(u, None) for u in updates]
    assert parsed[1].message is not None and parsed[1].message.sticker is not None
    assert parsed[2].message is not None and parsed[2].message.document is not None
    assert parsed[2].message.document.file_name == "notes.txt"


def test_long_poll_waits_and_is_woken_by_a_user_message(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> tuple[float, list[telegram.Update]]:
        first = await bot.get_updates()
        threading.Timer(0.3, api.user_sends, args=(USER, "wake up")).start()
        started = time.monotonic()
        woken = await bot.get_updates(offset=first[-1].update_id + 1, timeout=20)
        return time.monotonic() - started, list(woken)

    elapsed, woken = with_bot(api, scenario)

    # Woken after 0.3 s, not at its 20 s timeout (the bound is over ten times what an idle machine needs).
    assert 0.25 <= elapsed < 5
    assert texts(woken) == ["wake up"]


def test_long_poll_without_updates_returns_empty_after_its_timeout(api: FakeBotApi) -> None:
    api.handle(api.token, "getUpdates", {"offset": 10**9})
    started = time.monotonic()
    status, body = api.handle(api.token, "getUpdates", {"timeout": 1})

    assert (status, body) == (200, {"ok": True, "result": []})
    assert 0.9 <= time.monotonic() - started < 10  # the upper bound: ten times what an idle machine needs


def test_a_second_long_poll_terminates_the_waiting_one_with_409(api: FakeBotApi) -> None:
    api.handle(api.token, "getUpdates", {"offset": 10**9})
    answers: list[tuple[int, dict[str, Any]]] = []
    first = threading.Thread(
        target=lambda: answers.append(api.handle(api.token, "getUpdates", {"timeout": 10}))
    )
    first.start()
    api.wait_for(lambda a: a.is_long_polling, timeout=2)

    async def second_poll(bot: telegram.Bot) -> list[telegram.Update]:
        threading.Timer(0.3, api.user_sends, args=(USER, "hi")).start()
        return list(await bot.get_updates(timeout=10))

    woken = with_bot(api, second_poll)
    first.join(timeout=5)

    assert answers == [
        (
            409,
            {
                "ok": False,
                "error_code": 409,
                "description": (
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                ),
            },
        )
    ]
    assert texts(woken) == ["hi"]


def test_shutting_down_the_request_releases_a_waiting_long_poll(api: FakeBotApi) -> None:
    api.handle(api.token, "getUpdates", {"offset": 10**9})

    async def poll_then_shut_down() -> float:
        request = RecordingRequest(api)
        bot = telegram.Bot(api.token, request=request, get_updates_request=request)
        async with bot:
            poll = asyncio.create_task(bot.get_updates(timeout=30))
            await asyncio.to_thread(api.wait_for, lambda a: a.is_long_polling, 2)
            poll.cancel()
            started = time.monotonic()
        return time.monotonic() - started

    started = time.monotonic()
    shutdown_time = run(poll_then_shut_down())

    # Released at once, not at the poll's 30 s timeout: milliseconds on an idle machine, bounds far above.
    assert shutdown_time < 10 and time.monotonic() - started < 20
    assert api.calls_to("getUpdates")[-1].response == {"ok": True, "result": []}


def test_conflict_arrives_in_ptb_as_conflict(api: FakeBotApi) -> None:
    api.fail_next(
        "getUpdates",
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )

    with pytest.raises(Conflict):
        with_bot(api, lambda bot: bot.get_updates())


def test_delete_webhook_can_drop_pending_updates(api: FakeBotApi) -> None:
    assert with_bot(api, lambda bot: bot.delete_webhook()) is True
    assert len(api.pending_updates()) == 1

    assert with_bot(api, lambda bot: bot.delete_webhook(drop_pending_updates=True)) is True
    assert api.pending_updates() == []


# ------------------------------------------------------------------------------------------- faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's int retry_after
def test_a_429_fault_arrives_in_ptb_as_retry_after_then_calls_succeed_again(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        with_bot(api, lambda bot: bot.send_message(USER, "first"))
    assert raised.value.retry_after in (7, dtm.timedelta(seconds=7))
    assert api.calls_to("sendMessage")[-1].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert api.messages(USER) == []

    with_bot(api, lambda bot: bot.send_message(USER, "second"))
    assert [m.text for m in api.messages(USER)] == ["second"]


def test_fail_next_times_and_unknown_methods(api: FakeBotApi) -> None:
    api.fail_next("getMe", 502, "Bad Gateway", times=2)

    statuses = [api.handle(api.token, "getMe", {})[0] for _ in range(3)]

    assert statuses == [502, 502, 200]
    with pytest.raises(ValueError, match="does not implement"):
        api.fail_next("sendTelepathy", 500, "x")


def test_a_blocked_user_answers_403_forbidden(api: FakeBotApi) -> None:
    api.block(USER)

    with pytest.raises(Forbidden):
        with_bot(api, lambda bot: bot.send_message(USER, "Are you there?"))
    assert last_error(api, "sendMessage") == "Forbidden: bot was blocked by the user"
    assert api.calls_to("sendMessage")[-1].status == 403
    assert api.handle(api.token, "sendChatAction", {"chat_id": USER, "action": "typing"})[0] == 403
    kicked = api.pending_updates()[-1]["my_chat_member"]
    assert kicked["new_chat_member"]["status"] == "kicked"
    with pytest.raises(AssertionError, match="blocked the bot"):
        api.user_sends(USER, "hello?")

    api.unblock(USER)
    with_bot(api, lambda bot: bot.send_message(USER, "Welcome back"))
    assert [m.text for m in api.messages(USER)] == ["Welcome back"]


def test_send_chat_action(api: FakeBotApi) -> None:
    assert with_bot(api, lambda bot: bot.send_chat_action(USER, telegram.constants.ChatAction.TYPING)) is True
    assert api.handle(api.token, "sendChatAction", {"chat_id": USER, "action": "dancing"})[1][
        "description"
    ] == ("Bad Request: wrong parameter action in request")


# --------------------------------------------------------------------------------------- inspection


def test_wait_for_reports_what_happened_when_it_times_out(api: FakeBotApi) -> None:
    api.handle(api.token, "sendMessage", {"chat_id": USER, "text": "only this"})

    with pytest.raises(AssertionError) as raised:
        api.wait_for(lambda a: len(a.messages(USER)) == 2, timeout=0.2)

    report = str(raised.value)
    assert "len(a.messages(USER)) == 2" in report
    assert "sendMessage(chat_id='1001', text='only this') -> ok" in report
    assert "'only this'" in report


def test_wait_for_returns_as_soon_as_another_thread_makes_it_true(api: FakeBotApi) -> None:
    threading.Timer(
        0.2, api.handle, args=(api.token, "sendMessage", {"chat_id": USER, "text": "late"})
    ).start()
    started = time.monotonic()

    api.wait_for(lambda a: any(m.text == "late" for m in a.messages(USER)), timeout=60)

    # As soon as it is true (0.2 s on an idle machine), not at the 60 s timeout: the bound is ten times that.
    assert time.monotonic() - started < 5


def test_every_successful_answer_has_the_declared_result_type(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> None:
        await bot.set_webhook("https://coach.example.com/telegram", secret_token="a-secret-token")
        await bot.delete_webhook()  # getUpdates answers 409 while a webhook is set
        sent = await bot.send_message(
            USER,
            "<b>x</b>",
            parse_mode="HTML",
            reply_markup=keyboard(InlineKeyboardButton("go", callback_data="go")),
        )
        api.user_presses(USER, sent.message_id, "go")
        updates = await bot.get_updates()
        query = updates[-1].callback_query
        assert query is not None
        await bot.answer_callback_query(query.id)
        await bot.edit_message_text("y", USER, sent.message_id, reply_markup=sent.reply_markup)
        await bot.edit_message_reply_markup(USER, sent.message_id)
        await bot.set_my_commands([("start", "Begin")])
        await bot.get_my_commands()
        await bot.delete_my_commands()
        await bot.send_chat_action(USER, "typing")
        document = await bot.send_document(USER, b"doc", filename="d.txt")
        await bot.get_file(document.document)
        await bot.send_photo(USER, PNG_1x1)
        await bot.close()
        await bot.log_out()

    with_bot(api, scenario)

    methods = load_spec()["methods"]
    checked = set()
    for call in api.calls:
        assert call.ok, call
        returns = methods[call.method]["returns"]
        problems = [spec_problems(call.response["result"], r) for r in returns]
        assert not all(problems), (call.method, problems)
        checked.add(call.method)
    assert checked == set(methods)


def test_calls_record_the_wire_parameters(api: FakeBotApi) -> None:
    with_bot(api, lambda bot: bot.send_message(USER, "hi", disable_notification=True))

    call = api.calls_to("sendmessage")[-1]
    assert isinstance(call, Call)
    assert call.params == {"chat_id": "1001", "text": "hi", "disable_notification": "true"}
    assert call.status == 200 and call.response["result"]["text"] == "hi"


# ---------------------------------------------------------------------------------------- over HTTP


def test_a_bot_talks_to_the_fake_over_http(api: FakeBotApi) -> None:
    async def scenario(bot: telegram.Bot) -> tuple[float, list[telegram.Update]]:
        me = await bot.get_me()
        assert me.username == "coach_test_bot"
        sent = await bot.send_message(
            USER,
            "<i>Hello</i>",
            parse_mode="HTML",
            reply_markup=keyboard(InlineKeyboardButton("Go", callback_data="go")),
        )
        assert sent.text == "Hello"
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(USER, "<i>Hello", parse_mode="HTML")
        document = await bot.send_document(USER, b"\x00\x01 bytes\r\n", filename="plan été.txt")
        assert document.document is not None and document.document.file_name == "plan été.txt"
        first = await bot.get_updates()
        threading.Timer(0.3, api.user_sends, args=(USER, "over http")).start()
        started = time.monotonic()
        woken = await bot.get_updates(offset=first[-1].update_id + 1, timeout=20)
        return time.monotonic() - started, list(woken)

    with FakeBotApiServer(api) as server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/bot")

        async def main() -> tuple[float, list[telegram.Update]]:
            async with telegram.Bot(api.token, base_url=server.base_url) as bot:
                return await scenario(bot)

        elapsed, woken = asyncio.run(main())

    # Woken after 0.3 s, not at its 20 s timeout (the bound is over ten times what an idle machine needs).
    assert 0.25 <= elapsed < 5
    assert texts(woken) == ["over http"]
    assert [m.kind for m in api.messages(USER)] == ["text", "document"]
    assert api.messages(USER)[1].document == ("plan été.txt", b"\x00\x01 bytes\r\n")


def test_a_bot_downloads_a_user_file_over_http(api: FakeBotApi) -> None:
    file_id = api.user_sends_document(USER, "veille.opml", OPML)["message"]["document"]["file_id"]

    with FakeBotApiServer(api) as server:
        assert server.base_file_url == server.base_url.removesuffix("/bot") + "/file/bot"
        assert server.base_file_url.startswith("http://127.0.0.1:")

        async def main() -> tuple[telegram.File, bytearray]:
            async with telegram.Bot(
                api.token, base_url=server.base_url, base_file_url=server.base_file_url
            ) as bot:
                with pytest.raises(BadRequest, match="(?i)invalid file_id"):
                    await bot.get_file("no-such-file-id")
                file = await bot.get_file(file_id)
                return file, await file.download_as_bytearray()

        file, content = asyncio.run(main())
        served = httpx.get(f"{server.base_file_url}{api.token}/documents/file_0.opml")
        unknown = httpx.get(f"{server.base_file_url}{api.token}/documents/file_7.opml")
        wrong_token = httpx.get(f"{server.base_file_url}42:AAE-another-bot/documents/file_0.opml")

    assert bytes(content) == OPML
    assert file.file_path == f"{server.base_file_url}{api.token}/documents/file_0.opml"
    assert api.calls_to("getFile")[0].response["description"] == "Bad Request: invalid file_id"
    assert (served.status_code, served.content) == (200, OPML)
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    assert (wrong_token.status_code, wrong_token.json()["description"]) == (401, "Unauthorized")


def test_the_server_reads_json_bodies_query_strings_and_refuses_other_paths(api: FakeBotApi) -> None:
    with FakeBotApiServer(api) as server:
        base = server.base_url + api.token
        by_json = httpx.post(
            f"{base}/sendMessage",
            json={
                "chat_id": USER,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
            },
        )
        by_query = httpx.get(f"{base}/sendMessage", params={"chat_id": USER, "text": "query"})
        by_form = httpx.post(
            f"{base}/sendmessage", data={"chat_id": str(USER), "text": "<b>x"}, params={"parse_mode": "HTML"}
        )
        elsewhere = httpx.get(server.base_url.removesuffix("/bot") + "/favicon.ico")
        wrong_token = httpx.get(server.base_url + "42:nope/getMe")

    assert (
        by_json.status_code == 200
        and by_json.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
    )
    assert by_query.status_code == 200 and by_query.json()["result"]["text"] == "query"
    assert by_form.status_code == 400 and "can't parse entities" in by_form.json()["description"]
    assert (elsewhere.status_code, elsewhere.json()["description"]) == (404, "Not Found")
    assert (wrong_token.status_code, wrong_token.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert [m.text for m in api.messages(USER)] == ["json", "query"]
    assert (
        json.loads(api.calls_to("sendMessage")[0].params["reply_markup"])["inline_keyboard"][0][0]["text"]
        == "a"
    )


def test_a_press_answered_after_the_window_is_refused_as_too_old() -> None:
    api = FakeBotApi(callback_window=2.0)  # the first press is answered within it on any machine

    async def scenario(bot: telegram.Bot) -> None:
        sent = await bot.send_message(USER, "Ready?", reply_markup=keyboard(
            InlineKeyboardButton("Yes", callback_data="yes"), InlineKeyboardButton("No", callback_data="no")))
        api.user_presses(USER, sent.message_id, "yes")
        api.user_presses(USER, sent.message_id, "no")
        *_, first, second = await bot.get_updates()
        assert await bot.answer_callback_query(first.callback_query.id) is True  # within the window
        await asyncio.sleep(2.1)
        assert api.presses_left_spinning() == 1  # the second one, never answered, is now past the window
        with pytest.raises(BadRequest, match="too old"):
            await bot.answer_callback_query(second.callback_query.id)

    api.user_sends(USER, "/start")
    with_bot(api, scenario)
    assert api.presses_left_spinning() == 1  # refused once, no longer open
    assert last_error(api, "answerCallbackQuery").startswith("Bad Request: query is too old")


def test_each_call_takes_the_latency_in_process_and_over_http() -> None:
    api = FakeBotApi(latency=0.05)
    started = time.monotonic()
    with_bot(api, lambda bot: bot.get_me())  # initialize: getMe; then getMe
    in_process = time.monotonic() - started
    assert in_process >= 0.1
    with FakeBotApiServer(api) as server:
        started = time.monotonic()
        with httpx.Client() as client:
            answer = client.post(f"{server.base_url}{api.token}/getMe")
        over_http = time.monotonic() - started
    assert answer.json()["ok"] is True
    assert over_http >= 0.05
