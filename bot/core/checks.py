"""Checks of the course: each lesson, one language's lessons in order, the course across languages, retired ids.

Part of what `coachbot content check` and the tests enforce; the message catalog, post templates, prompts and the
typography rules are checked in `bot.core.content_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.content_checks import apostrophes, french_typography, parenthesised_plurals
from bot.core.markup import MAX_MESSAGE, html_problems, html_to_text, markdown_to_html

MAX_BODY_WORDS = 120
MAX_MORE_WORDS = 200
MAX_ACTION_CHARS = 300
MAX_TITLE_CHARS = 80
MAX_ID_CHARS = 32
REQUIRED = ("id", "stage", "module", "title", "action", "sources", "tags")
STAGES = ("listen", "comment", "post")  # where the lesson sits on the path
MAX_PROMPT_CHARS = 300
MAX_CHOICE_CHARS = 60  # an answer is a button's label
MAX_FEEDBACK_CHARS = 200
AUDIENCES = ("SME", "mid-cap", "large", "all sizes")  # whom a figure is about; "SME / mid-cap" names two
# A figure: a percentage, "3.5 times", "9 in 10", "5 to 1", "1 sur 4", "9 fois" (not a scale "from 1 to 5").
FIGURE = re.compile(
    r"\d+(?:[.,]\d+)?\s?%|\d+(?:[.,]\d+)?\s+(?:times|fois)\b"
    r"|(?<!from )\b\d+\s+to\s+\d+\b|\b\d+\s+(?:in|out of|sur|contre)\s+\d+\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Room left in a 4,096-character message for the header, labels and status lines around the lesson.
MAX_LESSON_CHARS = MAX_MESSAGE - 400
LESSON_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A lesson never names another lesson or a module by its number (numbers change between editions): it lists the
# ids of the earlier lessons it relies on in its front matter, `refers: [id, ...]`, and the check makes sure they
# come before it.
# The path the course teaches, in order: each lesson names its stage, and stages never go back in course order.
STAGES = ("listen", "comment", "post")
NOTE_KINDS = ("yes", "topics")
LESSON_NUMBER = re.compile(r"\b(?:lesson|leçon|module)s?\s+(?:n°\s*)?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class RawLesson:
    """A lesson file as read: its name, front matter, Markdown body and "tell me more" part."""

    file_name: str
    meta: Mapping[str, Any]
    body: str
    more: str = ""
    problems: tuple[str, ...] = field(default=())


def words(text: str) -> int:
    """How many words a Markdown text has, links and markup aside."""
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return len(re.findall(r"[\w’'-]+", plain))


def check_lesson(lesson: RawLesson) -> list[str]:
    """Problems of one lesson, each prefixed with its file name."""
    where = lesson.file_name
    problems = [f"{where}: {p}" for p in lesson.problems]
    meta = lesson.meta
    for key in REQUIRED:
        if key not in meta:
            problems.append(f"{where}: missing '{key}' in the front matter")
    lesson_id = str(meta.get("id", ""))
    if not LESSON_ID.match(lesson_id) or len(lesson_id) > MAX_ID_CHARS:
        problems.append(f"{where}: id must be kebab-case, at most {MAX_ID_CHARS} characters")
    if not re.match(rf"^\d\d-{re.escape(lesson_id)}\.md$", where):
        problems.append(f"{where}: the file name must be NN-<id>.md")
    if "stage" in meta and meta.get("stage") not in STAGES:
        problems.append(f"{where}: stage must be one of {', '.join(STAGES)}")
    if "question" in meta:
        problems.extend(f"{where}: question: {p}" for p in question_problems(meta["question"]))
    if not isinstance(meta.get("module"), int):
        problems.append(f"{where}: module must be a number")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_CHARS:
        problems.append(f"{where}: title must be text of at most {MAX_TITLE_CHARS} characters")
    action = meta.get("action")
    if not isinstance(action, str) or not action.strip() or len(action) > MAX_ACTION_CHARS:
        problems.append(f"{where}: action must be text of at most {MAX_ACTION_CHARS} characters")
    sources = meta.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        problems.append(f"{where}: sources must be a list of texts")
        sources = []
    tags = meta.get("tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        problems.append(f"{where}: tags must be a non-empty list")
    if not lesson.body.strip():
        problems.append(f"{where}: the body is empty")
    if words(lesson.body) > MAX_BODY_WORDS:
        problems.append(f"{where}: the body has {words(lesson.body)} words (at most {MAX_BODY_WORDS})")
    if words(lesson.more) > MAX_MORE_WORDS:
        problems.append(f"{where}: the more part has {words(lesson.more)} words (at most {MAX_MORE_WORDS})")
    text = " ".join((lesson.body, lesson.more, str(action or "")))
    figures = sorted({re.sub(r"\s+", " ", m.group(0)) for m in FIGURE.finditer(text)})
    if figures and not sources:
        problems.append(f"{where}: gives a figure ({figures[0]!r}) but no source")
    if len(figures) > 1:
        problems.append(f"{where}: gives {len(figures)} figures {figures} (at most one per lesson)")
    for source in sources:
        if not YEAR.search(source):
            problems.append(f"{where}: the source {source!r} has no year")
    size = sum(len(html_to_text(markdown_to_html(part))) for part in (lesson.body, lesson.more))
    size += len(str(title or "")) + len(str(action or "")) + sum(len(s) for s in sources)
    if size > MAX_LESSON_CHARS:
        problems.append(f"{where}: the lesson with its more part is {size} characters (at most {MAX_LESSON_CHARS})")
    for name, part in (("title", str(title or "")), ("action", str(action or "")), ("body", lesson.body),
                       ("more part", lesson.more)):
        problems.extend(f"{where}: {name}: {p}" for p in parenthesised_plurals(part))
    for part, name in ((lesson.body, "body"), (lesson.more, "more part")):
        rendered = markdown_to_html(part)
        for problem in html_problems(rendered):
            problems.append(f"{where}: the {name} renders to invalid Telegram HTML: {problem}")
        if re.search(r"<[a-zA-Z/!]", part):
            problems.append(f"{where}: the {name} contains raw HTML (use Markdown)")
    return problems


def question_problems(question: object) -> list[str]:
    """What is wrong with a lesson's `question:`: a prompt, then 2 or 3 answers, each a short text with one line
    of feedback that says why, exactly one of them marked `best`."""
    if not isinstance(question, Mapping):
        return ["must be a mapping with a prompt and answers"]
    problems: list[str] = []
    prompt = question.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > MAX_PROMPT_CHARS:
        problems.append(f"the prompt must be text of at most {MAX_PROMPT_CHARS} characters")
    answers = question.get("answers")
    if not isinstance(answers, list) or not 2 <= len(answers) <= 3:
        return [*problems, "needs 2 or 3 answers"]
    for n, answer in enumerate(answers, 1):
        if not isinstance(answer, Mapping):
            problems.append(f"answer {n} must be a mapping with text and feedback")
            continue
        text, feedback = answer.get("text"), answer.get("feedback")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHOICE_CHARS:
            problems.append(f"answer {n} must have a text of at most {MAX_CHOICE_CHARS} characters")
        if not isinstance(feedback, str) or not feedback.strip() or len(feedback) > MAX_FEEDBACK_CHARS:
            problems.append(f"answer {n} has no feedback (one line of at most {MAX_FEEDBACK_CHARS} characters "
                            "saying why)")
        elif "\n" in feedback.strip():
            problems.append(f"answer {n}: the feedback must be one line")
        if not isinstance(answer.get("best", False), bool):
            problems.append(f"answer {n}: best must be true or false")
    if sum(1 for a in answers if isinstance(a, Mapping) and a.get("best") is True) != 1:
        problems.append("exactly one answer must be marked best: true")
    return problems


def question_texts(lesson: RawLesson) -> list[str]:
    """The prompt, answers and feedback of a lesson's question, for the typography checks."""
    question = lesson.meta.get("question")
    if not isinstance(question, Mapping):
        return []
    texts = [str(question.get("prompt") or "")]
    for answer in question.get("answers") or ():
        if isinstance(answer, Mapping):
            texts += [str(answer.get("text") or ""), str(answer.get("feedback") or "")]
    return texts


def figures_of(lesson: RawLesson) -> dict[str, str]:
    """The figures a lesson gives in its body, more part and action: each as written, by its normalised form
    (no spaces, a decimal point, lower case), so that "82 %" and "82%" are the same figure."""
    text = " ".join((lesson.body, lesson.more, str(lesson.meta.get("action") or "")))
    return {re.sub(r"\s+", "", m.group(0)).replace(",", ".").casefold(): re.sub(r"\s+", " ", m.group(0))
            for m in FIGURE.finditer(text)}


def check_french(lesson: RawLesson) -> list[str]:
    """French typography in a French lesson's title, action, body and more part."""
    meta = lesson.meta
    problems: list[str] = []
    for name, text in (("title", meta.get("title")), ("action", meta.get("action")), ("body", lesson.body),
                       ("more part", lesson.more)):
        problems.extend(f"{lesson.file_name}: {name}: {p}" for p in french_typography(str(text or "")))
    for text in question_texts(lesson):
        problems.extend(f"{lesson.file_name}: question: {p}" for p in french_typography(text))
    return problems


def check_order(lessons: Sequence[RawLesson]) -> list[str]:
    """Problems of one language's lessons taken together: a figure given in two lessons, a lesson that refers to
    one that is not before it, a lesson named by its number."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for lesson in lessons:
        for figure, written in sorted(figures_of(lesson).items()):
            if figure in seen:
                problems.append(f"{lesson.file_name}: the figure {written!r} is already given in {seen[figure]}")
            else:
                seen[figure] = lesson.file_name
    position = {str(lesson.meta.get("id")): i for i, lesson in enumerate(lessons)}
    for i, lesson in enumerate(lessons):
        refers = lesson.meta.get("refers", [])
        if not isinstance(refers, list) or not all(isinstance(r, str) for r in refers):
            problems.append(f"{lesson.file_name}: refers must be a list of lesson ids")
            continue
        for ref in refers:
            if ref not in position:
                problems.append(f"{lesson.file_name}: refers to {ref!r}, which is not a lesson")
            elif position[ref] >= i:
                problems.append(f"{lesson.file_name}: refers to {ref!r}, which comes later in the course")
        text = " ".join((lesson.body, lesson.more, str(lesson.meta.get("action") or "")))
        for match in LESSON_NUMBER.finditer(text):
            problems.append(f"{lesson.file_name}: names a lesson by its number ({match.group(0)!r}): "
                            "list its id under refers")
    return problems


def check_stages(lessons: Sequence[RawLesson]) -> list[str]:
    """Problems of one language's path: a lesson without a known stage, a stage that goes back in course order,
    a `note` that is not yes/topics, `recalls` that name no earlier lesson."""
    problems: list[str] = []
    highest = 0
    position = {str(lesson.meta.get("id")): i for i, lesson in enumerate(lessons)}
    for i, lesson in enumerate(lessons):
        stage = lesson.meta.get("stage")
        if stage not in STAGES:
            problems.append(f"{lesson.file_name}: stage must be one of {', '.join(STAGES)} (found {stage!r})")
        else:
            rank = STAGES.index(stage)
            if rank < highest:
                problems.append(f"{lesson.file_name}: stage {stage!r} comes after {STAGES[highest]!r} "
                                "(the path goes listen, comment, post, never back)")
            highest = max(highest, rank)
        note = lesson.meta.get("note")
        if note is not None and note is not True and note not in NOTE_KINDS:
            problems.append(f"{lesson.file_name}: note must be yes or topics (found {note!r})")
        recalls = lesson.meta.get("recalls", [])
        if not isinstance(recalls, list) or not all(isinstance(r, str) for r in recalls):
            problems.append(f"{lesson.file_name}: recalls must be a list of lesson ids")
            continue
        for ref in recalls:
            if position.get(ref, i) >= i:
                problems.append(f"{lesson.file_name}: recalls {ref!r}, which is not an earlier lesson")
    return problems


def check_retired(retired: Mapping[str, str], ids: Sequence[str]) -> list[str]:
    """Problems of the retired-lesson map: each old id must be gone from the course, each target still in it."""
    problems: list[str] = []
    for old, new in retired.items():
        if old in ids:
            problems.append(f"retired.yaml: {old!r} is retired but still a lesson of the course")
        if new not in ids:
            problems.append(f"retired.yaml: {old!r} is carried by {new!r}, which is not a lesson of the course")
    return problems


def check_course(
    courses: Mapping[str, Sequence[RawLesson]],
    modules: Mapping[str, Mapping[int, str]],
    retired: Mapping[str, str] | None = None,
    figure_table: Sequence[Mapping[str, str]] | None = None,
) -> list[str]:
    """Problems of the whole course across languages: same ids in the same order, known modules, in order, each
    figure in one lesson only, references only backwards, French typography, retired ids that still resolve."""
    problems: list[str] = []
    languages = sorted(courses)
    for lang in languages:
        for lesson in courses[lang]:
            problems.extend(f"{lang}/{p}" for p in check_lesson(lesson))
            if lang == "fr":
                problems.extend(f"{lang}/{p}" for p in check_french(lesson))
        problems.extend(f"{lang}/{p}" for p in check_order(courses[lang]))
        problems.extend(f"{lang}/{p}" for p in check_stages(courses[lang]))
        texts = {lesson.file_name: " ".join((str(lesson.meta.get("title") or ""), str(lesson.meta.get("action") or ""),
                                             lesson.body, lesson.more)) for lesson in courses[lang]}
        problems.extend(f"{lang}/{p}" for p in apostrophes(texts))
        if lang == "fr":
            for number, title in sorted(modules.get(lang, {}).items()):
                problems.extend(f"{lang}/modules.yaml: {number}: {p}" for p in french_typography(title))
        if retired:
            problems.extend(f"{lang}/{p}" for p in check_retired(retired, [str(x.meta.get("id")) for x in
                                                                          courses[lang]]))
        ids = [str(lesson.meta.get("id")) for lesson in courses[lang]]
        if len(set(ids)) != len(ids):
            problems.append(f"{lang}: a lesson id is used twice")
        numbers = [lesson.meta.get("module") for lesson in courses[lang]]
        whole = [n for n in numbers if isinstance(n, int)]
        if len(whole) != len(numbers) or whole != sorted(whole):
            problems.append(f"{lang}: lessons are not in module order")
        for number in {n for n in numbers if isinstance(n, int)}:
            if number not in modules.get(lang, {}):
                problems.append(f"{lang}: module {number} has no title in modules.yaml")
    if len(languages) > 1:
        reference = [(str(x.meta.get("id")), x.meta.get("module")) for x in courses[languages[0]]]
        for lang in languages[1:]:
            other = [(str(x.meta.get("id")), x.meta.get("module")) for x in courses[lang]]
            refs = {str(x.meta.get("id")): x.meta.get("refers", []) for x in courses[languages[0]]}
            path = {str(x.meta.get("id")): (x.meta.get("stage"), x.meta.get("note"), x.meta.get("recalls"))
                    for x in courses[languages[0]]}
            for x in courses[lang]:
                if str(x.meta.get("id")) in refs and x.meta.get("refers", []) != refs[str(x.meta.get("id"))]:
                    problems.append(f"{lang}/{x.file_name}: refers differs from {languages[0]}")
                ours = (x.meta.get("stage"), x.meta.get("note"), x.meta.get("recalls"))
                if str(x.meta.get("id")) in path and ours != path[str(x.meta.get("id"))]:
                    problems.append(f"{lang}/{x.file_name}: stage, note or recalls differ from {languages[0]}")
            if other != reference:
                problems.append(
                    f"{lang}: lesson ids or modules differ from {languages[0]} (same ids, same order wanted)"
                )
            if sorted(modules.get(lang, {})) != sorted(modules.get(languages[0], {})):
                problems.append(f"{lang}: modules.yaml lists other modules than {languages[0]}")
    if "en" in courses and "fr" in courses:
        problems.extend(check_pairs(courses["en"], courses["fr"]))
    if figure_table is not None and "en" in courses:
        problems.extend(check_figure_table(courses["en"], figure_table))
    return problems


# --- a French/English pair says the same things: the same numbers, the same names, as many paragraphs -------------

NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*(?: \d{3}(?!\d))*")
THOUSANDS = re.compile(r"^\d{1,3}(?:[,\u00a0\u202f ]\d{3})+$")
# A word that starts with a capital and does not start a sentence: a name if the other language writes it too.
CAPITALISED = re.compile(r"(?<![.!?:…»\"“\n]\s)(?<![.!?:…\n])(?<!^)\b[A-Z][\w’'&-]*[\w]", re.MULTILINE)


def _number(written: str) -> str:
    if THOUSANDS.match(written):
        return re.sub(r"\D", "", written)
    return written.replace(",", ".").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")


def _pair_text(lesson: RawLesson) -> str:
    meta = lesson.meta
    return "\n".join((str(meta.get("title") or ""), str(meta.get("action") or ""), lesson.body, lesson.more,
                      *question_texts(lesson)))


def numbers_of(lesson: RawLesson) -> set[str]:
    """The numbers a lesson writes in digits, thousands separators and decimal commas made alike."""
    return {_number(m.group(0)) for m in NUMBER.finditer(_pair_text(lesson))}


def paragraphs(text: str) -> int:
    """How many paragraphs a Markdown text has (a list is one)."""
    return len([block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()])


def _capitalised(text: str) -> set[str]:
    plain = re.sub(r"\*\*|__|[*_`]", "", text)
    return {m.group(0) for m in CAPITALISED.finditer(plain)}


def _question_shape(lesson: RawLesson) -> tuple[bool, ...] | None:
    """Which answers of a lesson's question are the best one (None: no question)."""
    question = lesson.meta.get("question")
    if not isinstance(question, Mapping) or not isinstance(question.get("answers"), list):
        return None
    return tuple(isinstance(a, Mapping) and a.get("best") is True for a in question["answers"])


def check_pairs(english: Sequence[RawLesson], french: Sequence[RawLesson]) -> list[str]:
    """Problems of each English lesson and its French version (same id): numbers written in one and not the other,
    a name (a capitalised word the other language's course also writes) in one and not the other, another count of
    paragraphs in the body or in the "tell me more" part."""
    problems: list[str] = []
    french_by_id = {str(x.meta.get("id")): x for x in french}
    english_words = set(re.findall(r"[\w’'&-]+", " ".join(_pair_text(x) for x in english)))
    french_words = set(re.findall(r"[\w’'&-]+", " ".join(_pair_text(x) for x in french)))
    for en in english:
        fr = french_by_id.get(str(en.meta.get("id")))
        if fr is None:
            continue
        where = f"{en.file_name} (en/fr)"
        only_en, only_fr = numbers_of(en) - numbers_of(fr), numbers_of(fr) - numbers_of(en)
        if only_en or only_fr:
            problems.append(f"{where}: numbers differ: only in English {sorted(only_en)}, only in French "
                            f"{sorted(only_fr)}")
        en_text, fr_text = _pair_text(en), _pair_text(fr)
        # A capitalised word that its own language also writes in lower case is a common word, not a name.
        en_names = {n for n in _capitalised(en_text) if n in french_words and n.lower() not in english_words}
        fr_names = {n for n in _capitalised(fr_text) if n in english_words and n.lower() not in french_words}
        missing = sorted(n for n in en_names if not re.search(rf"\b{re.escape(n)}\b", fr_text))
        missing += sorted(n for n in fr_names if not re.search(rf"\b{re.escape(n)}\b", en_text))
        if missing:
            problems.append(f"{where}: names written in one language only: {sorted(set(missing))}")
        if _question_shape(en) != _question_shape(fr):
            problems.append(f"{where}: the question differs (asked in one language only, or other answers, or "
                            "another best answer)")
        for name, a, b in (("body", en.body, fr.body), ("more part", en.more, fr.more)):
            if paragraphs(a) != paragraphs(b):
                problems.append(f"{where}: the {name} has {paragraphs(a)} paragraphs in English, "
                                f"{paragraphs(b)} in French")
    return problems


# --- the figure table of content/README.md --------------------------------------------------------------------------

def normalised_figure(written: str) -> str:
    """A figure in the form figures are compared in ("82 %" and "82%" alike, "3,5" as "3.5")."""
    return re.sub(r"\s+", "", written).replace(",", ".").casefold()


def check_figure_table(lessons: Sequence[RawLesson], rows: Sequence[Mapping[str, str]]) -> list[str]:
    """Each figure a lesson gives has its line in the figure table (lesson, figure, source, date, audience), and
    each line has a source, a date with its year and an audience; a line for a figure no lesson gives is stale."""
    problems: list[str] = []
    given = {(str(x.meta.get("id")), f): x.file_name for x in lessons for f in figures_of(x)}
    listed: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, 1):
        lesson_id = row.get("lesson", "").strip("` ")
        figure = normalised_figure(row.get("figure", ""))
        listed.add((lesson_id, figure))
        where = f"figure table, line {n} ({lesson_id}: {row.get('figure', '')})"
        if not row.get("source", "").strip():
            problems.append(f"{where}: no source")
        if not YEAR.search(row.get("date", "")):
            problems.append(f"{where}: no date with its year")
        audience = [a.strip() for a in row.get("audience", "").split("/")]
        if not all(a in AUDIENCES for a in audience):
            problems.append(f"{where}: the audience must be one of {', '.join(AUDIENCES)}")
        if (lesson_id, figure) not in given:
            problems.append(f"{where}: no lesson gives this figure")
    for (lesson_id, figure), file_name in sorted(given.items()):
        if (lesson_id, figure) not in listed:
            problems.append(f"{file_name}: the figure {figure!r} is missing from the figure table of content/README.md")
    return problems
