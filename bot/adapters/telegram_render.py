"""What the coach says, drawn for Telegram: HTML messages, inline keyboards, pictures and files.

The one renderer of the Telegram surface: every reply goes out through `TelegramRenderer.send`.
"""

from __future__ import annotations

import asyncio

from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.adapters.words import Words
from bot.core.actions import encode
from bot.core.markup import MAX_MESSAGE, split_message, telegram_length
from bot.core.replies import Keyboard, Reply

MAX_COPY_TEXT = 256  # Telegram's limit for a copy-text button
MAX_TOAST = 200  # Telegram's limit for the answer to a button press


def is_not_modified(error: BadRequest) -> bool:
    """Whether Telegram refused an edit only because nothing changed."""
    return "not modified" in error.message.lower()


class TelegramRenderer:
    """Turns replies into Bot API calls, in the leader's language."""

    def __init__(self, words: Words) -> None:
        self.words = words

    def markup(self, buttons: Keyboard, language: str) -> InlineKeyboardMarkup | None:
        """The inline keyboard of a reply (None when it has no buttons)."""
        if not buttons:
            return None
        rows = []
        for row in buttons:
            drawn = []
            for button in row:
                label = self.words.plain(button.label, language)
                if button.url is not None:
                    drawn.append(InlineKeyboardButton(label, url=button.url))
                elif button.copy is not None:
                    drawn.append(InlineKeyboardButton(label, copy_text=CopyTextButton(button.copy[:MAX_COPY_TEXT])))
                elif button.action is not None:
                    drawn.append(InlineKeyboardButton(label, callback_data=encode(button.action)))
            rows.append(drawn)
        return InlineKeyboardMarkup(rows)

    def toast(self, reply: object, language: str) -> str | None:
        """The short answer shown on a button press."""
        if reply is None:
            return None
        return self.words.plain(reply, language)[:MAX_TOAST]  # type: ignore[arg-type]

    async def send(self, bot: ExtBot[str], chat_id: int, reply: Reply, language: str, source: Message | None,
                   priority: str | None = None) -> None:
        """Send a reply (or edit the message it answers in place)."""
        text = self.words.html(reply.text, language)
        markup = self.markup(reply.buttons, language)
        if telegram_length(text) > MAX_MESSAGE and reply.chart is None and reply.document is None:
            # A list longer than a message (many feeds, long names): sent in parts, the buttons with the last;
            # an edit keeps the part that fits.
            parts = split_message(text)
            if reply.edit and source is not None:
                parts = parts[:1]
            else:
                for part in parts[:-1]:
                    await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, rate_limit_args=priority)
                parts = parts[-1:]
            text = parts[0]
        if reply.chart is not None:
            from bot.adapters.heatmap import render_heatmap  # Pillow loads on the first picture, not at start

            chart = reply.chart
            labels = {key: self.words.plain(label, language) for key, label in chart.labels}
            png = await asyncio.to_thread(render_heatmap, chart.days, today=chart.today, labels=labels,
                                          title=self.words.plain(chart.title, language))
            await bot.send_photo(chat_id, photo=png, caption=text, parse_mode=ParseMode.HTML,
                                 rate_limit_args=priority)
        elif reply.document is not None:
            await bot.send_document(chat_id, document=reply.document.content, filename=reply.document.file_name,
                                    caption=text, parse_mode=ParseMode.HTML, rate_limit_args=priority)
        elif reply.edit and source is not None:
            try:
                await bot.edit_message_text(text, chat_id=source.chat_id, message_id=source.message_id,
                                            parse_mode=ParseMode.HTML, reply_markup=markup,
                                            rate_limit_args=priority)
            except BadRequest as error:
                if not is_not_modified(error):
                    raise
        else:
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                   rate_limit_args=priority)
