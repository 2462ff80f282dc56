"""The coach's front door: which feature answers each command, button and message, and what happens at each
scheduled moment.

`Coach.handle` takes the stored leader (None for a stranger), who is speaking, what they did and the current
time, and returns an `Outcome`: the leader to store and what to say (as data, rendered by each surface).
`Coach.wake` does the same for the scheduled moments. Nothing here performs any input or output.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from bot.core import actions, schedule
from bot.core.actions import (
    AccountReady,
    Answer,
    Ask,
    AskTake,
    Clarify,
    Commented,
    CommentOn,
    ConfirmDelete,
    ConfirmPublish,
    ConfirmSkip,
    Connect,
    HeardFor,
    Judge,
    LessonDone,
    LessonLater,
    LessonLaterAt,
    LessonMore,
    Longer,
    NoteIt,
    OnHeard,
    OpenLesson,
    OpenSuggestions,
    OpenToday,
    Publish,
    QuizPick,
    Rewrite,
    RewriteComment,
    ShowPost,
    Snooze,
    StartComment,
    SwitchLessons,
    UndoDone,
)
from bot.core.content import Content
from bot.core.events import (
    Command,
    CommentWritten,
    Connected,
    Event,
    FeedList,
    FeedProbed,
    PostWritten,
    Press,
    PublishDone,
    Text,
    Transcribed,
    VoiceNote,
    Who,
)
from bot.core.features import (
    answers,
    comments,
    feeds,
    interests,
    lessons,
    notes,
    onboarding,
    path,
    privacy,
    publishing,
    quiz,
    recap,
    reminders,
    settings,
    stats,
    style,
    suggestions,
    voice,
    waiting,
)
from bot.core.features.common import Context
from bot.core.features.suggestions import News
from bot.core.feedstate import FeedState
from bot.core.history import habit_of
from bot.core.markup import shorten
from bot.core.model import Delivery, Leader, Stage
from bot.core.parse import language_from_code
from bot.core.replies import Button, Lines, Msg, Outcome, Reply, msg

Feature = Callable[[Context, Leader, str, datetime], Outcome]

# Every command a leader can type, in the order of the menu, and the feature that answers it.
COMMANDS: dict[str, Feature] = {
    "today": lessons.today,
    "done": lessons.done,
    "skip": lessons.skip,
    "undo": lessons.undo,
    "roadmap": lessons.roadmap,
    "lesson": lessons.open_lesson,
    "stats": stats.show,
    "recap": recap.command,
    "suggest": lambda ctx, leader, args, now: Outcome(leader),  # answered with the news, in `handle`
    "comment": comments.start,
    "notes": notes.show,
    "interests": interests.interests,
    "style": style.style,
    "feeds": feeds.feeds,
    "remind": reminders.remind,
    "schedule": settings.schedule_lessons,
    "settings": settings.show,
    "timezone": settings.timezone,
    "language": settings.language,
    "pause": settings.pause,
    "resume": settings.resume,
    "export": privacy.export,
    "delete": privacy.delete,
}
MENU: tuple[str, ...] = (*COMMANDS, "help", "start")
MAX_ECHO = 32
LISTEN_LIMIT = 3  # articles worth reading, at most, at the listening stage
GENTLE_AFTER = 5  # scheduled days without any action, after which the morning asks for one easy step


class Coach:
    """Decides what to store and what to say; stateless apart from the content it speaks with."""

    def __init__(self, content: Content, *, allow_private_feeds: bool = False, listening: bool = False,
                 publishing: bool = False) -> None:
        self.content = content
        self.ctx = Context(content, allow_private_feeds, listening, publishing)

    def command_menu(self) -> list[tuple[str, Msg]]:
        """The command menu: (command, description); /linkedin only when the bot can publish there."""
        names = (*MENU[:-2], "linkedin", *MENU[-2:]) if self.ctx.publishing else MENU
        return [(name, msg(f"cmd_{name}")) for name in names]

    # --- what a leader does ----------------------------------------------------------------------------------

    def handle(self, leader: Leader | None, who: Who, event: Event, now: datetime, news: News = (),
               feed_states: Mapping[str, FeedState] | None = None) -> Outcome:
        """Answer one thing a leader did; `news` holds the items their suggestions are chosen from, and
        `feed_states` what is known of their feeds (for /feeds)."""
        language = leader.language if leader else language_from_code(who.language_code)
        outcome = self._route(leader, who, event, now, news, feed_states or {})
        after = outcome.leader.language if outcome.leader is not None else language
        return replace(outcome, language=after)

    def _route(self, leader: Leader | None, who: Who, event: Event, now: datetime, news: News,
               feed_states: Mapping[str, FeedState]) -> Outcome:
        if isinstance(event, Command):
            return self._command(leader, who, event, now, news, feed_states)
        if leader is None:
            if isinstance(event, Press):
                return Outcome(None, toast=msg("start_first"))
            return Outcome(None, (Reply(msg("start_first")),))
        if isinstance(event, Press):
            action = actions.decode(event.data)
            # A button is valid on the message that carried it only: data the message did not show is refused.
            if event.shown is not None and event.data not in event.shown:
                action = actions.UNKNOWN
            return self._press(leader, action, now, news, feed_states)
        if isinstance(event, FeedList):
            return feeds.import_list(self.ctx, leader, event)
        if isinstance(event, FeedProbed):
            return feeds.probed(self.ctx, leader, event)
        if isinstance(event, PostWritten):
            return suggestions.written(self.ctx, leader, event)
        if isinstance(event, CommentWritten):
            return comments.written(self.ctx, leader, event)
        if isinstance(event, VoiceNote):
            return voice.arrived(self.ctx, leader, event)
        if isinstance(event, Transcribed):
            return voice.transcribed(self.ctx, leader, event)
        if isinstance(event, PublishDone):
            return publishing.done(self.ctx, leader, event, now)
        if isinstance(event, Connected):
            return publishing.connected(self.ctx, leader, event, now)
        if isinstance(event, Text):
            if leader.heard_editing and not leader.awaiting:
                return voice.edited(self.ctx, leader, event.text, now)
            return self.words(leader, event.text, now)
        return Outcome(leader, (Reply(msg("unsupported_message")),))

    def words(self, leader: Leader, text: str, now: datetime) -> Outcome:
        """The leader's own words (typed, or a confirmed voice transcript), to whatever waits for them."""
        return waiting.words(self.ctx, leader, text, now)

    def _command(self, leader: Leader | None, who: Who, event: Command, now: datetime, news: News,
                 feed_states: Mapping[str, FeedState]) -> Outcome:
        name = event.name.lower()
        if name == "start":
            return onboarding.start(self.ctx, leader, who, now)
        if name == "help":
            listed = msg("help", opml=msg("help_opml"))
            shown = Lines((listed, msg("help_linkedin")), "\n") if self.ctx.publishing else listed
            return Outcome(leader, (Reply(shown),))
        feature = publishing.command if name == "linkedin" else COMMANDS.get(name)
        if feature is None:
            return Outcome(leader, (Reply(msg("unknown_command", command="/" + shorten(event.name, MAX_ECHO))),))
        if leader is None:
            return Outcome(None, (Reply(msg("start_first")),))
        # A command ends the wait for a take, a comment, a note, a corrected transcript, a post of theirs, or a
        # reminder's text.
        leader = leader.with_(take_for=None, waiting=None, heard_editing=False, style_waiting=False,
                              reminder_wait=None)
        if name == "suggest":
            return suggestions.suggest(self.ctx, leader, now, news, feed_states)
        if name == "feeds":
            return feeds.feeds(self.ctx, leader, event.args.strip(), now, feed_states)
        return feature(self.ctx, leader, event.args.strip(), now)

    def _press(self, leader: Leader, action: actions.Action, now: datetime, news: News,
               feed_states: Mapping[str, FeedState]) -> Outcome:
        ctx = self.ctx
        match action:
            case Answer(step, value):
                return answers.answer(ctx, leader, step, value, now, typed=False)
            case Ask(step):
                return settings.open_question(ctx, leader, step)
            case SwitchLessons(on):
                return settings.switch_lessons(ctx, leader, on, now)
            case OpenToday():
                return lessons.today(ctx, leader, "", now)
            case OpenSuggestions():
                return suggestions.suggest(ctx, leader, now, news, feed_states)
            case LessonDone() | LessonLater() | LessonMore():
                return lessons.press(ctx, leader, action, now)
            case ConfirmDelete():
                return privacy.confirm(ctx, leader, action, now)
            case Judge():
                return suggestions.judge(ctx, leader, action, now, news)
            case AskTake():
                return suggestions.ask_take(ctx, leader.with_(waiting=None), action)
            case ShowPost():
                return suggestions.show_post(ctx, leader, action)
            case Rewrite() | Longer():
                return suggestions.rewrite(ctx, leader, action)
            case LessonLaterAt():
                return lessons.later_at(ctx, leader, action, now)
            case ConfirmSkip():
                return lessons.confirm_skip(ctx, leader, action, now)
            case AccountReady():
                return lessons.account_ready(ctx, leader, now)
            case StartComment():
                return comments.start(ctx, leader.with_(take_for=None), "", now)
            case CommentOn():
                return comments.comment_on(ctx, leader, action, now)
            case Commented():
                return comments.commented(ctx, leader, action, now)
            case RewriteComment():
                return comments.rewrite(ctx, leader, action)
            case NoteIt():
                return notes.note_it(ctx, leader, action)
            case UndoDone():
                return lessons.undo_press(ctx, leader, action, now)
            case OpenLesson():
                return lessons.open_press(ctx, leader, action, now)
            case Clarify():
                return reminders.clarified(ctx, leader, action, now)
            case Snooze():
                return reminders.snooze(ctx, leader, action, now)
            case OnHeard():
                return voice.on_heard(ctx, leader, action, now)
            case HeardFor():
                return voice.heard_for(ctx, leader, action, now)
            case Publish():
                return publishing.publish(ctx, leader, action, now)
            case ConfirmPublish():
                return publishing.confirm(ctx, leader, action, now)
            case Connect():
                return publishing.connect(ctx, leader)
            case QuizPick():
                return quiz.pick(ctx, leader, action, now)
        return Outcome(leader, toast=msg("button_expired"))

    # --- scheduled moments -----------------------------------------------------------------------------------

    def wake(self, leader: Leader, now: datetime, news: News = ()) -> Outcome:
        """Act at a scheduled moment: the day's lesson, a lesson put off for later, reminders, the evening nudge.

        What is sent is recorded in the returned leader (the day's lesson as delivered, a reminder as sent), so
        that storing it before sending makes each of them go out at most once.
        """
        if not leader.active:
            return Outcome(leader, language=leader.language)
        replies: list[Reply] = []
        again: Reply | None = None
        slot = schedule.due_slot(leader, now)
        if slot is not None:
            leader, morning = self._morning(leader, slot, now, news)
            replies += morning
        else:
            leader, again = lessons.later(self.ctx, leader, now)
            replies += [again] if again else []
        leader, due = reminders.due(leader, now)
        replies += due
        if slot is None:
            leader, nudge = lessons.nudge(leader, now)
            # The lesson itself, just sent again, says more than a nudge: the nudge is counted as given.
            replies += [nudge] if nudge and again is None else []
        leader, recap = self._recap(leader, now)
        replies += recap
        leader, ending = publishing.due(self.ctx, leader, now)
        replies += ending
        return Outcome(leader, tuple(replies), language=leader.language)

    def _recap(self, leader: Leader, now: datetime) -> tuple[Leader, list[Reply]]:
        return recap.due(self.ctx, leader, now)

    def _morning(self, leader: Leader, slot: datetime, now: datetime, news: News) -> tuple[Leader, list[Reply]]:
        if path.needs_account(leader):  # no account yet: the account step comes before lesson 1, and alone
            day = schedule.local_now(slot, leader.timezone).date()
            leader = leader.with_(delivery=Delivery(day, ""), later_at=None)
            return leader, [path.account_message(self.ctx, leader, intro="intro_daily")]
        leader, lesson = lessons.morning(self.ctx, leader, slot)
        if lesson is None:
            return leader, []
        replies: list[Reply] = []
        habit = habit_of(leader, schedule.local_now(slot, leader.timezone).date())
        leader, notice = stats.freeze_notice(leader, habit)
        if notice:
            replies.append(Reply(notice))
        gentle = habit.idle_scheduled_days >= GENTLE_AFTER
        intro = "intro_gentle" if gentle else "intro_daily"
        replies.append(lessons.message(self.ctx, leader, lesson, now, intro=intro))
        limit = min(1, leader.suggestions_per_day) if gentle else leader.suggestions_per_day
        stage = path.stage_of(self.ctx, leader)
        if stage is Stage.LISTEN:
            limit = min(limit, LISTEN_LIMIT)
        offer: Reply | None = None
        if limit:
            suggest_intro = "suggest_intro_gentle" if gentle else "suggest_intro"
            leader, offer = suggestions.offers(self.ctx, leader, now, news, limit, suggest_intro)
            replies += [offer] if offer else []
        if stage is Stage.COMMENT and offer is None and lesson.stage != Stage.COMMENT.value:
            # No article this morning (or none asked for): the comment helper is offered all the same.
            replies.append(Reply(msg("comment_offer"), ((Button(msg("button_comment_post"), StartComment()),),)))
        return leader, replies

    def news_ready(self, leader: Leader, now: datetime, news: News,
                   feed_states: Mapping[str, FeedState] | None = None, *, told: bool = False) -> Outcome:
        """The leader's feeds have just been read for the first time: their first suggestions, or (when the
        leader was told they would follow, `told`) why there is none."""
        if not leader.onboarded or not leader.active or not leader.suggestions_per_day:
            return Outcome(leader, language=leader.language)
        changed, reply = suggestions.offers(self.ctx, leader, now, news, leader.suggestions_per_day,
                                            "suggest_intro_first")
        if reply is None and told:
            reply = Reply(suggestions.why_none(news, feed_states or {}, now))
        return Outcome(changed, (reply,) if reply else (), language=leader.language)

    def next_wake(self, leader: Leader, now: datetime) -> datetime | None:
        """When `wake` must next run for this leader (None: nothing scheduled)."""
        if not leader.active:
            return None
        when = schedule.next_wake(leader, now)
        warning = publishing.warn_at(self.ctx, leader)  # a LinkedIn connection ending within a week
        if warning is not None:
            warning = max(warning, now)
            when = warning if when is None else min(when, warning)
        return when
