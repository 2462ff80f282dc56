"""A post as the leader receives it, sent through python-telegram-bot to the fake Bot API: the whole text in
a tap-to-copy block, LinkedIn's composer carrying the text, X's intent and the copy button with the X text.
(The chat flow around it, the "My take" button, is wired in the coach.)"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs, urlsplit

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.content_files import read_drafts
from bot.core.markup import escape
from bot.core.posts import PostRequest, compose
from bot.core.sharing import copy_text, linkedin_compose_url, x_post_url
from tests.conftest import CONTENT_DIR
from tests.support.fake_bot_api import FakeBotApi, RecordingRequest

USER = 1001
TAKE = "Notre usine l’a fait en 2024 : la première année a été dure, la deuxième l’a payée. Et vous ?"


def send(api: FakeBotApi, text: str, markup: InlineKeyboardMarkup) -> telegram.Message:
    async def main() -> telegram.Message:
        bot = telegram.Bot(api.token, request=RecordingRequest(api), get_updates_request=RecordingRequest(api))
        async with bot:
            return await bot.send_message(USER, text, parse_mode="HTML", reply_markup=markup)

    return asyncio.run(main())


def test_a_long_french_post_reaches_telegram_whole_with_buttons_that_keep_its_text():
    api = FakeBotApi()
    api.user_sends(USER, "/start")
    request = PostRequest(
        title="Réindustrialisation : l’État & les régions accélèrent <enfin>", source="Les Echos",
        link="https://www.lesechos.fr/industrie/reindustrialisation?utm_source=rss&id=42",
        summary="Les usines françaises ont créé 12 000 emplois « industriels » en 2025. " * 4,
        item_language="fr", language="fr", take=" ".join([TAKE] * 4), topics=("industrie", "énergie"))
    post = compose(request, read_drafts(CONTENT_DIR)["fr"])
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton("LinkedIn", url=linkedin_compose_url(post.linkedin)),
        InlineKeyboardButton("X", url=x_post_url(post)),
        InlineKeyboardButton("Copier pour X", copy_text=telegram.CopyTextButton(copy_text(post))),
    ]])
    message = send(api, f"<pre>{escape(post.linkedin)}</pre>", markup)
    assert message.text == post.linkedin  # the whole post, to copy with one tap
    linkedin, x, copy = message.reply_markup.inline_keyboard[0]
    assert parse_qs(urlsplit(linkedin.url).query)["text"][0].startswith(request.take)
    assert parse_qs(urlsplit(x.url).query)["text"] == [post.x]
    assert copy.copy_text.text.endswith(request.link) and len(copy.copy_text.text) <= 256
