"""Leaders to and from JSON-ready dictionaries: the one place that knows the stored shape.

Each stored leader carries its format version; `leader_from_dict` first brings older versions up to date, one
step at a time (`MIGRATIONS`), so that data written by any earlier release still opens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from bot.core.iso import day as _day
from bot.core.iso import instant as _dt
from bot.core.iso import parse_day as _parse_day
from bot.core.iso import parse_instant as _parse_dt
from bot.core.model import (
    DEFAULT_RECAP_AT,
    DEFAULT_RECAP_DAY,
    DEFAULT_SUGGESTIONS,
    STAGES,
    CommentDraft,
    CommentEvent,
    Delivery,
    Leader,
    LessonEvent,
    LessonKind,
    Note,
    Offer,
    OfferStatus,
    OwnFeed,
    Pause,
    PostEvent,
    Publishing,
    QuizAnswer,
    Reminder,
    Schedule,
    ScheduleChange,
    SentReminder,
    Stage,
    Standing,
    Step,
    Style,
    Taste,
    Waiting,
    WaitKind,
)

FORMAT_VERSION = 4


def _from_1(data: dict[str, Any]) -> dict[str, Any]:
    """Release 0.1.0: the same shape; a question it no longer asks is forgotten."""
    if data.get("awaiting") not in {step.value for step in Step}:
        data["awaiting"] = None
    return data


def _from_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 to 3: reminders may be one-off (a date or an instant); reminders lately sent (for their snooze
    buttons); the weekly recap, Sunday 18:00 by default, never sent yet."""
    data["reminders"] = [{**r, "on": None, "fire_at": None} for r in data.get("reminders", ())]
    data.setdefault("sent_reminders", [])
    data.setdefault("recap_day", DEFAULT_RECAP_DAY)
    data.setdefault("recap_at", DEFAULT_RECAP_AT.strftime("%H:%M"))
    data.setdefault("recapped_on", None)
    return data


# The lessons of releases 0.1 and 0.2 that belong to the commenting and posting stages (the course's own files
# say it since; these lists are history, kept as they were, for the data those releases wrote).
_COMMENT_LESSONS_0_2 = frozenset({"comment-before-you-post", "give-before-you-ask", "messages-and-requests"})
_POST_LESSONS_0_2 = frozenset({
    "first-post", "human-leadership", "conversations-not-slogans", "video-and-voice", "ai-and-delegation",
    "cool-head-when-it-heats-up", "company-crisis", "account-security", "leave-the-bubble", "weak-signals",
    "first-dividends", "win-inside-first", "board-and-resistance", "internal-voice", "voices-close-to-customers",
    "employee-advocacy", "cargo-cult-and-roi-traps", "lead-by-example",
})


def _from_3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3 to 4: the path (listen, comment, post). The stage reached is derived from the lessons done (a
    leader who did a posting lesson is at the posting stage, never sent back); where they stand was never asked;
    no comment, note or wait yet."""
    done = {e.get("lesson") for e in data.get("events", ()) if e.get("kind") == "done"}
    if done & _POST_LESSONS_0_2:
        reached = Stage.POST
    elif done & _COMMENT_LESSONS_0_2:
        reached = Stage.COMMENT
    else:
        reached = Stage.LISTEN
    data["stage_reached"] = reached.value
    for key in ("standing", "stage_set", "comment", "waiting"):
        data.setdefault(key, None)
    data.setdefault("account_ready", False)
    for key in ("comments", "notes"):
        data.setdefault(key, [])
    return data


# Version n -> the function that turns a dictionary of version n into one of version n + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_1, 2: _from_2, 3: _from_3}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored leader of any earlier format up to `FORMAT_VERSION` (a copy; the input is untouched)."""
    data = dict(data)
    version = int(data.get("format", 1))
    if version > FORMAT_VERSION:
        raise ValueError(f"stored with format {version}, newer than this release's {FORMAT_VERSION}")
    while version < FORMAT_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    data["format"] = version
    return data


def leader_to_dict(leader: Leader) -> dict[str, Any]:
    """Turn a leader into plain JSON values."""
    return {
        "format": FORMAT_VERSION,
        "user_id": leader.user_id,
        "chat_id": leader.chat_id,
        "language": leader.language,
        "timezone": leader.timezone,
        "schedule": {
            "at": leader.schedule.at.strftime("%H:%M"),
            "days": sorted(leader.schedule.days),
            "enabled": leader.schedule.enabled,
        },
        "sector": leader.sector,
        "onboarded": leader.onboarded,
        "awaiting": str(leader.awaiting) if leader.awaiting else None,
        "pauses": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in leader.pauses],
        "schedule_log": [{"since": c.since.isoformat(), "days": sorted(c.days)} for c in leader.schedule_log],
        "active": leader.active,
        "created_at": _dt(leader.created_at),
        "events": [
            {"lesson": e.lesson_id, "kind": str(e.kind), "at": e.at.isoformat(),
             "local_date": e.local_date.isoformat()}
            for e in leader.events
        ],
        "delivery": (
            {
                "local_date": leader.delivery.local_date.isoformat(),
                "lesson": leader.delivery.lesson_id,
            }
            if leader.delivery
            else None
        ),
        "later_at": _dt(leader.later_at),
        "posts": [{"key": p.key, "at": p.at.isoformat(), "local_date": p.local_date.isoformat()} for p in leader.posts],
        "reminders": [_reminder_to_dict(r) for r in leader.reminders],
        "sent_reminders": [{"ref": s.ref, "text": s.text, "snoozed": s.snoozed} for s in leader.sent_reminders],
        "recap_day": leader.recap_day,
        "recap_at": leader.recap_at.strftime("%H:%M") if leader.recap_at else None,
        "recapped_on": _day(leader.recapped_on),
        "quiz": [{"lesson": q.lesson_id, "choice": q.choice, "local_date": q.local_date.isoformat(),
                  "review": q.review} for q in leader.quiz],
        "nudge_at": leader.nudge_at.strftime("%H:%M") if leader.nudge_at else None,
        "nudged_on": _day(leader.nudged_on),
        "nudge_turn": leader.nudge_turn,
        "weekly_goal": leader.weekly_goal,
        "freezes_told": _day(leader.freezes_told),
        "taste": {
            "interests": list(leader.taste.interests),
            "sources": dict(leader.taste.sources),
            "topics": dict(leader.taste.topics),
            "seen": list(leader.taste.seen),
        },
        "suggestions_per_day": leader.suggestions_per_day,
        "own_feeds": [{"url": f.url, "name": f.name} for f in leader.own_feeds],
        "offers": [
            {"ref": o.ref, "batch": o.batch, "key": o.key, "title": o.title, "link": o.link, "source": o.source,
             "draft": o.draft, "topics": list(o.topics), "published": _dt(o.published), "status": str(o.status),
             "summary": o.summary, "item_language": o.item_language, "take": o.take, "variant": o.variant,
             "shorter": o.shorter, "post_linkedin": o.post_linkedin, "post_x": o.post_x,
             "weights_before": [[key, value] for key, value in o.weights_before]}
            for o in leader.offers
        ],
        "take_for": leader.take_for,
        "standing": leader.standing.value if leader.standing else None,
        "stage_set": leader.stage_set.value if leader.stage_set else None,
        "stage_reached": leader.stage_reached.value,
        "account_ready": leader.account_ready,
        "comments": [{"at": c.at.isoformat(), "local_date": c.local_date.isoformat()} for c in leader.comments],
        "comment": _comment_to_dict(leader.comment),
        "waiting": {"kind": leader.waiting.kind.value, "ref": leader.waiting.ref} if leader.waiting else None,
        "notes": [{"lesson": n.lesson_id, "text": n.text, "at": n.at.isoformat()} for n in leader.notes],
        "heard": leader.heard,
        "heard_editing": leader.heard_editing,
        "publishing": {
            "until": _dt(leader.publishing.until), "warned": leader.publishing.warned,
            "pending": [{"ref": ref, "since": since.isoformat()} for ref, since in leader.publishing.pending],
            "done": [{"ref": ref, "url": url} for ref, url in leader.publishing.done],
        },
        "style_examples": list(leader.style_examples),
        "style": {"question": leader.style.question, "hashtags": leader.style.hashtags, "length": leader.style.length,
                  "sign_off": leader.style.sign_off, "shorter": leader.style.shorter,
                  "longer": leader.style.longer},
        "style_waiting": leader.style_waiting,
        "reminder_wait": _reminder_to_dict(leader.reminder_wait) if leader.reminder_wait else None,
    }


def _comment_to_dict(draft: CommentDraft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {"ref": draft.ref, "post": draft.post, "view": draft.view, "language": draft.language,
            "variant": draft.variant, "shorter": draft.shorter, "text": draft.text, "commented": draft.commented}


def _comment_from_dict(data: Any) -> CommentDraft | None:
    if not isinstance(data, dict):
        return None
    return CommentDraft(str(data["ref"]), str(data["post"]), str(data.get("view", "")),
                        str(data.get("language", "en")), int(data.get("variant", 0)), bool(data.get("shorter", False)),
                        str(data.get("text", "")), bool(data.get("commented", False)))


def _stage(value: Any) -> Stage | None:
    return Stage(value) if value in {s.value for s in STAGES} else None


def _waiting(data: Any) -> Waiting | None:
    if not isinstance(data, dict) or data.get("kind") not in {k.value for k in WaitKind}:
        return None
    return Waiting(WaitKind(data["kind"]), str(data.get("ref", "")))


def _reminder_to_dict(r: Reminder) -> dict[str, Any]:
    return {"days": sorted(r.days), "at": r.at.strftime("%H:%M"), "text": r.text,
            "sent_on": r.sent_on.isoformat() if r.sent_on else None, "on": _day(r.on), "fire_at": _dt(r.fire_at)}


def _reminder_from_dict(r: dict[str, Any]) -> Reminder:
    return Reminder(frozenset(int(d) for d in r["days"]), time.fromisoformat(r["at"]), str(r["text"]),
                    _parse_day(r.get("sent_on")), _parse_day(r.get("on")), _parse_dt(r.get("fire_at")))


def leader_from_dict(data: dict[str, Any]) -> Leader:
    """Rebuild a leader from what `leader_to_dict` produced, by this release or an earlier one."""
    data = migrate(data)
    sched = data.get("schedule") or {}
    taste = data.get("taste") or {}
    delivery = data.get("delivery")
    return Leader(
        user_id=int(data["user_id"]),
        chat_id=int(data["chat_id"]),
        language=data.get("language", "en"),
        timezone=data.get("timezone", "Europe/Paris"),
        schedule=Schedule(
            at=time.fromisoformat(sched.get("at", "08:00")),
            days=frozenset(int(d) for d in sched.get("days", range(5))),
            enabled=bool(sched.get("enabled", True)),
        ),
        sector=data.get("sector"),
        onboarded=bool(data.get("onboarded", False)),
        awaiting=Step(data["awaiting"]) if data.get("awaiting") else None,
        pauses=tuple(
            Pause(date.fromisoformat(p["start"]), date.fromisoformat(p["end"])) for p in data.get("pauses", ())
        ),
        schedule_log=tuple(
            ScheduleChange(date.fromisoformat(c["since"]), frozenset(int(d) for d in c["days"]))
            for c in data.get("schedule_log", ())
        ),
        active=bool(data.get("active", True)),
        created_at=_parse_dt(data.get("created_at")),
        events=tuple(
            LessonEvent(
                lesson_id=e["lesson"],
                kind=LessonKind(e["kind"]),
                at=datetime.fromisoformat(e["at"]),
                local_date=date.fromisoformat(e["local_date"]),
            )
            for e in data.get("events", ())
        ),
        delivery=(
            Delivery(
                local_date=date.fromisoformat(delivery["local_date"]),
                lesson_id=delivery["lesson"],
            )
            if delivery
            else None
        ),
        later_at=_parse_dt(data.get("later_at")),
        posts=tuple(
            PostEvent(p["key"], datetime.fromisoformat(p["at"]), date.fromisoformat(p["local_date"]))
            for p in data.get("posts", ())
        ),
        reminders=tuple(_reminder_from_dict(r) for r in data.get("reminders", ())),
        sent_reminders=tuple(
            SentReminder(str(s["ref"]), str(s["text"]), bool(s.get("snoozed", False)))
            for s in data.get("sent_reminders", ())
        ),
        recap_day=int(data.get("recap_day", DEFAULT_RECAP_DAY)),
        recap_at=time.fromisoformat(data["recap_at"]) if data.get("recap_at") else None,
        recapped_on=_parse_day(data.get("recapped_on")),
        quiz=tuple(
            QuizAnswer(str(q["lesson"]), int(q["choice"]), date.fromisoformat(q["local_date"]),
                       bool(q.get("review", False)))
            for q in data.get("quiz", ())
        ),
        nudge_at=time.fromisoformat(data.get("nudge_at", "18:00")) if data.get("nudge_at", "18:00") else None,
        nudged_on=_parse_day(data.get("nudged_on")),
        nudge_turn=int(data.get("nudge_turn", 0)),
        weekly_goal=data.get("weekly_goal"),
        freezes_told=_parse_day(data.get("freezes_told")),
        taste=Taste(
            interests=tuple(taste.get("interests", ())),
            sources={str(k): float(v) for k, v in taste.get("sources", {}).items()},
            topics={str(k): float(v) for k, v in taste.get("topics", {}).items()},
            seen=tuple(taste.get("seen", ())),
        ),
        suggestions_per_day=int(data.get("suggestions_per_day", DEFAULT_SUGGESTIONS)),
        own_feeds=tuple(OwnFeed(f["url"], f["name"]) for f in data.get("own_feeds", ())),
        offers=tuple(
            Offer(o["ref"], o["batch"], o["key"], o["title"], o["link"], o["source"], o["draft"],
                  tuple(o.get("topics", ())), _parse_dt(o.get("published")), OfferStatus(o.get("status", "offered")),
                  summary=str(o.get("summary", "")), item_language=o.get("item_language"), take=o.get("take"),
                  variant=int(o.get("variant", 0)), shorter=bool(o.get("shorter", False)),
                  post_linkedin=str(o.get("post_linkedin", "")), post_x=str(o.get("post_x", "")),
                  weights_before=tuple((str(key), None if value is None else float(value))
                                       for key, value in o.get("weights_before", ())))
            for o in data.get("offers", ())
        ),
        take_for=data.get("take_for"),
        standing=Standing(data["standing"]) if data.get("standing") in {s.value for s in Standing} else None,
        stage_set=_stage(data.get("stage_set")),
        stage_reached=_stage(data.get("stage_reached")) or Stage.LISTEN,
        account_ready=bool(data.get("account_ready", False)),
        comments=tuple(CommentEvent(datetime.fromisoformat(c["at"]), date.fromisoformat(c["local_date"]))
                       for c in data.get("comments", ())),
        comment=_comment_from_dict(data.get("comment")),
        waiting=_waiting(data.get("waiting")),
        notes=tuple(Note(str(n["lesson"]), str(n["text"]), datetime.fromisoformat(n["at"]))
                    for n in data.get("notes", ())),
        heard=data.get("heard") if isinstance(data.get("heard"), str) else None,
        heard_editing=bool(data.get("heard_editing", False)),
        publishing=_publishing(data.get("publishing") or {}),
        style_examples=tuple(str(example) for example in data.get("style_examples", ())),
        style=_style(data.get("style") or {}),
        style_waiting=bool(data.get("style_waiting", False)),
        reminder_wait=_reminder_from_dict(data["reminder_wait"]) if data.get("reminder_wait") else None,
    )


def _publishing(data: dict[str, Any]) -> Publishing:
    """The publishing connection, absent from leaders stored before it existed."""
    return Publishing(
        until=_parse_dt(data.get("until")),
        warned=bool(data.get("warned", False)),
        pending=tuple((str(p["ref"]), datetime.fromisoformat(p["since"])) for p in data.get("pending", ())),
        done=tuple((str(d["ref"]), str(d["url"])) for d in data.get("done", ())),
    )


def _style(data: dict[str, Any]) -> Style:
    """The leader's style as stored (absent before this release: nothing learnt)."""

    def choice(value: object) -> bool | None:
        return value if isinstance(value, bool) else None

    length = data.get("length")
    sign_off = data.get("sign_off")
    return Style(question=choice(data.get("question")), hashtags=choice(data.get("hashtags")),
                 length=length if length in ("short", "long") else None,
                 sign_off=str(sign_off) if sign_off else None,
                 shorter=int(data.get("shorter", 0)), longer=int(data.get("longer", 0)))
