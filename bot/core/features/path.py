"""The path the course teaches: listen, then comment, then post.

Where the leader stands (one tap at the end of onboarding, or in /settings) places them on it: no account yet
brings the account step first (a profile in ten minutes, two-step sign-in from the start); a leader who already
reads or posts is offered a later stage, never forced. The stage follows the course by default (each lesson says
which stage it belongs to) and can be set by hand; the mornings, /suggest and the rewards follow it.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.actions import AccountReady, Answer, OpenToday
from bot.core.features.common import Context
from bot.core.features.questions import AUTO, ask
from bot.core.model import STAGES, Leader, Stage, Standing, Step
from bot.core.replies import Button, Html, Keyboard, Lines, Msg, Outcome, Reply, msg


def course_stage(ctx: Context, leader: Leader) -> Stage:
    """The stage of the lesson the leader takes next (posting once the course is complete)."""
    lesson = ctx.course(leader).current(leader.finished_ids)
    if lesson is None:
        return Stage.POST
    return Stage(lesson.stage) if lesson.stage in {s.value for s in STAGES} else Stage.LISTEN


def stage_of(ctx: Context, leader: Leader) -> Stage:
    """The stage the mornings follow: the one set by hand, else the course's (never below the stage reached)."""
    if leader.stage_set is not None:
        return leader.stage_set
    course = course_stage(ctx, leader)
    return course if course.rank >= leader.stage_reached.rank else leader.stage_reached


def needs_account(leader: Leader) -> bool:
    """Whether the account step comes first (the leader said they have no account, and has not opened one)."""
    return leader.standing is Standing.NO_ACCOUNT and not leader.account_ready


def stage_name(stage: Stage) -> Msg:
    """The stage, as a sentence says it."""
    return msg(f"stage_{stage.value}")


def where(ctx: Context, leader: Leader) -> Msg:
    """Where the course is: its stage and lesson (and the stage set by hand, if any)."""
    course = ctx.course(leader)
    lesson = course.current(leader.finished_ids)
    if lesson is None and leader.stage_set is None:
        return msg("where_course_done")
    number = lesson.position if lesson else len(course.lessons)
    if leader.stage_set is not None:
        return msg("where_course_set", stage=stage_name(leader.stage_set), number=number, total=len(course.lessons))
    return msg("where_course", stage=stage_name(stage_of(ctx, leader)), number=number, total=len(course.lessons))


def settings_line(ctx: Context, leader: Leader) -> Msg:
    """The settings panel's lines about the path."""
    standing = msg(f"standing_{leader.standing.value}") if leader.standing else msg("standing_unknown")
    stage = msg(f"stage_choice_{stage_of(ctx, leader).value}")
    return msg("settings_path", standing=standing,
               stage=stage if leader.stage_set else msg("stage_followed", stage=stage))


def account_message(ctx: Context, leader: Leader, *, intro: str | None = None) -> Reply:
    """The account step: open and set up a profile in ten minutes, with two-step sign-in from the start."""
    step = ctx.content.path[leader.language].account
    parts: list[Msg | Html] = [msg(intro)] if intro else []
    parts += [msg("account_header", title=step.title), Html(step.body), msg("lesson_action", action=step.action)]
    return Reply(Lines(tuple(parts), "\n\n"), ((Button(msg("button_account_ready"), AccountReady()),),))


def answered(ctx: Context, leader: Leader, step: Step, now: datetime) -> Outcome:
    """Where the leader stands, or the stage, just answered: what it means for them, with what comes next."""
    first = (Button(msg("button_first_lesson"), OpenToday()),)
    if step is Step.STAGE:
        stage = stage_name(stage_of(ctx, leader))
        text = msg("saved_stage", stage=stage) if leader.stage_set else msg("saved_stage_auto", stage=stage)
        return Outcome(leader, (Reply(text),), toast=msg("saved"))
    standing = leader.standing
    if standing is Standing.NO_ACCOUNT:
        replies = [Reply(msg("standing_saved_none"))]
        if needs_account(leader):
            replies.append(account_message(ctx, leader))
        return Outcome(leader, tuple(replies), toast=msg("saved"))
    if standing is Standing.READER:
        rows: Keyboard = ((Button(msg("button_stage_comment_now"), Answer(Step.STAGE, Stage.COMMENT.value)),),
                          (Button(msg("button_follow_course"), Answer(Step.STAGE, AUTO)),), first)
        return Outcome(leader, (Reply(msg("standing_saved_reader"), rows),), toast=msg("saved"))
    if standing is Standing.POSTER:
        rows = ((Button(msg("button_stage_post_now"), Answer(Step.STAGE, Stage.POST.value)),),
                (Button(msg("button_follow_course"), Answer(Step.STAGE, AUTO)),), first)
        return Outcome(leader, (Reply(msg("standing_saved_poster"), rows),), toast=msg("saved"))
    return Outcome(leader, (Reply(msg("standing_saved_unused"), (first,)),), toast=msg("saved"))


def ask_standing(ctx: Context, leader: Leader) -> Reply:
    """Where do you stand? (from the settings)."""
    return ask(ctx, leader, Step.STANDING)
