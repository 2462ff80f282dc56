"""Lessons, messages and sectors read from files (YAML and Markdown) into the core's content types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.checks import MAX_ACTION_CHARS, MAX_BODY_WORDS, MAX_TITLE_CHARS, RawLesson, check_course, words
from bot.core.comments import COMMENT_PROMPT_FIELDS, CommentPrompts, CommentTemplates, template_problems
from bot.core.content import (
    Catalog,
    Choice,
    Content,
    Course,
    FeedInfo,
    Lesson,
    PathContent,
    PathStep,
    Question,
    Sector,
    Template,
)
from bot.core.content_checks import (
    check_catalog,
    check_draft_words,
    check_drafts,
    check_prompts,
    french_typography,
)
from bot.core.markup import escape, html_problems, markdown_to_html
from bot.core.model import LANGUAGES
from bot.core.posts import DraftTemplates, Prompts

MORE_MARK = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.MULTILINE)
# libyaml's safe loader when PyYAML has it (its wheels do): the content is read at every start, and the pure
# Python parser took most of it.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


class ContentError(Exception):
    """The content on disk cannot be used; the message says which file and why."""


def _yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


def read_lesson(path: Path) -> RawLesson:
    """Split a lesson file into front matter, body and "tell me more" part."""
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        return RawLesson(path.name, {}, text, problems=("no YAML front matter between --- lines",))
    try:
        meta = yaml.load(match.group(1), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as error:
        return RawLesson(path.name, {}, match.group(2), problems=(f"front matter is not valid YAML: {error}",))
    if not isinstance(meta, dict):
        return RawLesson(path.name, {}, match.group(2), problems=("front matter is not a mapping",))
    parts = MORE_MARK.split(match.group(2))
    problems = ("more than one <!-- more --> line",) if len(parts) > 2 else ()
    more = parts[1].strip() if len(parts) > 1 else ""
    return RawLesson(path.name, meta, parts[0].strip(), more, problems)


def read_course(content_dir: Path) -> tuple[dict[str, list[RawLesson]], dict[str, dict[int, str]]]:
    """Every lesson file and module title, by language, in file order."""
    lessons: dict[str, list[RawLesson]] = {}
    modules: dict[str, dict[int, str]] = {}
    for lang in LANGUAGES:
        folder = content_dir / "lessons" / lang
        lessons[lang] = [read_lesson(p) for p in sorted(folder.glob("[0-9][0-9]-*.md"))]
        titles = _yaml(folder / "modules.yaml") if (folder / "modules.yaml").exists() else {}
        modules[lang] = {int(k): str(v) for k, v in (titles or {}).items()}
    return lessons, modules


def read_retired(content_dir: Path) -> dict[str, str]:
    """Lessons dropped or merged by a new edition: old id -> the id of the lesson that now carries it
    (content/lessons/retired.yaml; none when the file is absent)."""
    path = content_dir / "lessons" / "retired.yaml"
    data = _yaml(path) if path.exists() else {}
    if not isinstance(data, dict | None):
        raise ContentError(f"{path}: must map old lesson ids to the ids that carry them")
    return {str(k): str(v) for k, v in (data or {}).items()}


FIGURE_TABLE_TITLE = "## Figures"
FIGURE_COLUMNS = ("lesson", "figure", "source", "date", "audience")


def read_figure_table(content_dir: Path) -> list[dict[str, str]]:
    """The figure table of content/README.md (the section "## Figures"): one row per figure a lesson gives, with
    its lesson, figure, source, date and audience; no rows when the file or the section is absent."""
    path = content_dir / "README.md"
    if not path.exists():
        return []
    rows: list[dict[str, str]] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = line.strip() == FIGURE_TABLE_TITLE
            continue
        if not inside or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[:1] == ["lesson"] or set("".join(cells)) <= set("-: "):
            continue
        rows.append(dict(zip(FIGURE_COLUMNS, cells + [""] * (len(FIGURE_COLUMNS) - len(cells)), strict=False)))
    return rows


def read_catalog(content_dir: Path) -> Catalog:
    """The message catalog: content/messages/<lang>.yaml, then one file per feature in content/messages/<lang>/
    (e.g. `comments.yaml`), in name order; a key written in two files is refused."""
    messages: dict[str, dict[str, Template]] = {}
    for lang in LANGUAGES:
        folder = content_dir / "messages"
        paths = [folder / f"{lang}.yaml", *sorted((folder / lang).glob("*.yaml"))]
        messages[lang] = {}
        for path in paths:
            data = _yaml(path)
            where = path.relative_to(folder).as_posix()
            if not isinstance(data, dict):
                raise ContentError(f"messages/{where} is not a mapping")
            for k, v in data.items():
                if str(k) in messages[lang]:
                    raise ContentError(f"messages/{where}: '{k}' is written in another file too")
                messages[lang][str(k)] = (
                    {str(form): str(text) for form, text in v.items()} if isinstance(v, dict) else str(v)
                )
    return Catalog(messages)


def read_sectors(feeds_path: Path) -> tuple[Sector, ...]:
    """The sectors listed in the feeds file (labels and keywords by language)."""
    data = _yaml(feeds_path) or {}
    sectors = []
    for entry in data.get("sectors", []) if isinstance(data, dict) else []:
        if not isinstance(entry, Mapping) or "id" not in entry:
            raise ContentError(f"{feeds_path}: every sector needs an id")
        labels = entry.get("label") or {}
        keywords = entry.get("keywords") or {}
        feeds = []
        for feed in entry.get("feeds") or ():
            if not isinstance(feed, Mapping) or not feed.get("url"):
                raise ContentError(f"{feeds_path}: every feed of sector {entry['id']} needs a url")
            feeds.append(FeedInfo(str(feed["url"]), str(feed.get("name") or feed["url"]),
                                  str(feed["lang"]) if feed.get("lang") else None))
        sectors.append(
            Sector(
                id=str(entry["id"]),
                labels={str(k): str(v) for k, v in labels.items()},
                keywords={str(k): tuple(str(w) for w in v or ()) for k, v in keywords.items()},
                feeds=tuple(feeds),
            )
        )
    return tuple(sectors)


def read_drafts(content_dir: Path) -> dict[str, DraftTemplates]:
    """The post templates by language: content/drafts/<lang>.yaml."""
    drafts = {}
    for lang in LANGUAGES:
        data = _yaml(content_dir / "drafts" / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise ContentError(f"drafts/{lang}.yaml is not a mapping")
        notes = data.get("language_notes") or {}
        names = data.get("languages") or {}
        if not isinstance(notes, dict) or not isinstance(names, dict):
            raise ContentError(f"drafts/{lang}.yaml: language_notes and languages are mappings")
        drafts[lang] = DraftTemplates(
            **{angle: tuple(str(t) for t in data.get(angle) or ()) for angle in DraftTemplates.ANGLES},
            language_notes={str(k): str(v) for k, v in notes.items()},
            language=lang,
            languages={str(k): str(v) for k, v in names.items()},
        )
    return drafts


def read_prompts(content_dir: Path) -> dict[str, Prompts]:
    """What a language model is told, by language: content/prompts/<lang>.yaml (`system` and `user`)."""
    prompts = {}
    for lang in LANGUAGES:
        data = _yaml(content_dir / "prompts" / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise ContentError(f"prompts/{lang}.yaml is not a mapping")
        prompts[lang] = Prompts(system=str(data.get("system") or "").strip(), user=str(data.get("user") or "").strip())
    return prompts


def _texts(data: Any, key: str) -> tuple[str, ...]:
    values = data.get(key) if isinstance(data, dict) else None
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def read_path(content_dir: Path) -> dict[str, PathContent]:
    """The path's own content by language: content/path/<lang>.yaml (the account step, comment templates and
    the comment prompts)."""
    path_content = {}
    for lang in LANGUAGES:
        data = _yaml(content_dir / "path" / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise ContentError(f"path/{lang}.yaml is not a mapping")
        account = data.get("account") or {}
        comment = data.get("comment") or {}
        prompts = data.get("comment_prompts") or {}
        if not all(isinstance(part, dict) for part in (account, comment, prompts)):
            raise ContentError(f"path/{lang}.yaml: account, comment and comment_prompts must be mappings")
        path_content[lang] = PathContent(
            account=PathStep(str(account.get("title") or "").strip(),
                             markdown_to_html(str(account.get("body") or "").strip()),
                             str(account.get("action") or "").strip()),
            comment=CommentTemplates(_texts(comment, "quote"), _texts(comment, "question"),
                                     _texts(comment, "praise"), lang),
            prompts=CommentPrompts(str(prompts.get("system") or "").strip(), str(prompts.get("user") or "").strip()),
        )
    return path_content


def path_problems(path_content: Mapping[str, PathContent]) -> list[str]:
    """Problems of the path's content, once read."""
    problems: list[str] = []
    for lang, content in path_content.items():
        where = f"path/{lang}.yaml"
        step = content.account
        if not step.title or len(step.title) > MAX_TITLE_CHARS:
            problems.append(f"{where}: account: title must be text of at most {MAX_TITLE_CHARS} characters")
        if not step.action or len(step.action) > MAX_ACTION_CHARS:
            problems.append(f"{where}: account: action must be text of at most {MAX_ACTION_CHARS} characters")
        if not step.body or words(step.body) > MAX_BODY_WORDS:
            problems.append(f"{where}: account: the body must have 1 to {MAX_BODY_WORDS} words")
        problems.extend(f"{where}: account: {p}" for p in html_problems(step.body))
        problems.extend(template_problems(content.comment))
        for name, text in (("system", content.prompts.system), ("user", content.prompts.user)):
            if not text:
                problems.append(f"{where}: comment_prompts: {name} is empty")
        fields = set(re.findall(r"{(\w+)}", content.prompts.user))
        if fields - set(COMMENT_PROMPT_FIELDS) or not {"post", "view", "limit"} <= fields:
            problems.append(f"{where}: comment_prompts: user must use {{post}}, {{view}}, {{limit}} and only "
                            f"{', '.join(COMMENT_PROMPT_FIELDS)}")
        if lang == "fr":
            texts = (step.title, step.action, step.body, *content.comment.quote, *content.comment.question)
            for text in texts:
                problems.extend(f"{where}: {p}" for p in french_typography(text))
    return problems


def _question(data: object) -> Question | None:
    """A lesson's `question:` (already checked): its prompt and answers."""
    if not isinstance(data, Mapping):
        return None
    return Question(
        prompt=str(data["prompt"]).strip(),
        choices=tuple(Choice(str(a["text"]).strip(), str(a["feedback"]).strip(), bool(a.get("best", False)))
                      for a in data["answers"]),
    )


def _lesson(raw: RawLesson, position: int) -> Lesson:
    meta = raw.meta
    note = meta.get("note")
    return Lesson(
        id=str(meta["id"]),
        module=int(meta["module"]),
        position=position,
        title=str(meta["title"]).strip(),
        body=markdown_to_html(raw.body),
        more=markdown_to_html(raw.more),
        action=str(meta["action"]).strip(),
        sources=tuple(str(s) for s in meta.get("sources") or ()),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        stage=str(meta.get("stage") or "listen"),
        note=None if note is None or note is False else ("yes" if note is True else str(note)),
        recalls=tuple(dict.fromkeys(str(r) for r in (*(meta.get("refers") or ()), *(meta.get("recalls") or ())))),
        question=_question(meta.get("question")),
    )


def known_commands() -> frozenset[str]:
    """Every command a message may name: the bot's menu, /linkedin (in the menu when the operator set LinkedIn
    up), and the terminal chat's /quit and /voice."""
    from bot.core.router import MENU

    return frozenset((*MENU, "linkedin", "quit", "exit", "voice"))



@dataclass(frozen=True)
class _Read:
    """Everything of the content directory, read once, and its problems."""

    problems: list[str]
    lessons: dict[str, list[RawLesson]]
    modules: dict[str, dict[int, str]]
    retired: dict[str, str]
    catalog: Catalog | None = None
    drafts: dict[str, DraftTemplates] | None = None
    prompts: dict[str, Prompts] | None = None
    path: dict[str, PathContent] | None = None


def _read_and_check(content_dir: Path) -> _Read:
    lessons, modules = read_course(content_dir)
    try:
        retired = read_retired(content_dir)
    except ContentError as error:
        retired = {}
        problems = [str(error)]
    else:
        problems = []
    problems.extend(check_course(lessons, modules, retired, read_figure_table(content_dir)))
    if not any(lessons.values()):
        problems.append("no lessons found under lessons/<lang>/")
    try:
        catalog = read_catalog(content_dir)
        problems.extend(check_catalog(catalog, commands=known_commands()))
        drafts = read_drafts(content_dir)
        problems.extend(check_drafts(drafts))
        problems.extend(check_draft_words(drafts))
        prompts = read_prompts(content_dir)
        problems.extend(check_prompts(prompts))
        path = read_path(content_dir)
        problems.extend(path_problems(path))
    except ContentError as error:
        problems.append(str(error))
        return _Read(problems, lessons, modules, retired)
    return _Read(problems, lessons, modules, retired, catalog, drafts, prompts, path)


def check_content(content_dir: Path) -> list[str]:
    """Every problem of the course and the catalog (empty when all is well)."""
    return _read_and_check(content_dir).problems


def load_content(content_dir: Path, feeds_path: Path) -> Content:
    """Read and check everything the coach speaks with (each file read once); raise ContentError on any
    problem."""
    read = _read_and_check(content_dir)
    if read.problems:
        raise ContentError("the content has problems:\n" + "\n".join(read.problems[:20]))
    assert read.catalog is not None and read.drafts is not None and read.prompts is not None and read.path is not None
    courses = {
        lang: Course(tuple(_lesson(raw, i + 1) for i, raw in enumerate(read.lessons[lang])), read.modules[lang],
                     read.retired)
        for lang in LANGUAGES
    }
    return Content(courses=courses, catalog=read.catalog, sectors=read_sectors(feeds_path),
                   drafts=read.drafts, prompts=read.prompts, path=read.path)


__all__ = ["ContentError", "check_content", "escape", "load_content", "read_sectors"]
