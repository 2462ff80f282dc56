"""Checks of the course and of the message catalog: what `coachbot content check` and the tests enforce."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.content import PLURAL_FORMS, Catalog
from bot.core.markup import MAX_MESSAGE, html_problems, html_to_text, markdown_to_html
from bot.core.posts import FIELDS, PROMPT_FIELDS, REQUIRED_PROMPT_FIELDS, DraftTemplates, Prompts, template_fields

MAX_BODY_WORDS = 120
MAX_MORE_WORDS = 200
MAX_ACTION_CHARS = 300
MAX_TITLE_CHARS = 80
MAX_ID_CHARS = 32
REQUIRED = ("id", "module", "title", "action", "sources", "tags")
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
LESSON_NUMBER = re.compile(r"\b(?:lesson|leçon|module)s?\s+(?:n°\s*)?\d+", re.IGNORECASE)
NNBSP, NBSP = "\u202f", "\u00a0"
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
# A plural written with parentheses: "day(s)", « importé(s) », « prévu(e)(s) », "match(es)".
PARENTHESISED_PLURAL = re.compile(r"\w\((?:s|es|e|x|ne|le)\)", re.IGNORECASE)
# The plural forms a message holding a count must have, by language (CLDR cardinal categories used by the
# product; "zero" is this catalog's form for exactly nothing and "many" is accepted too).
NEEDED_FORMS: Mapping[str, tuple[str, ...]] = {"en": ("one", "other"), "fr": ("one", "other")}
ACCEPTED_FORMS: Mapping[str, tuple[str, ...]] = {"en": ("zero", "one", "other"),
                                                 "fr": ("zero", "one", "many", "other")}
_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_FIELD = re.compile(r"{\w+}")


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


def figures_of(lesson: RawLesson) -> dict[str, str]:
    """The figures a lesson gives in its body, more part and action: each as written, by its normalised form
    (no spaces, a decimal point, lower case), so that "82 %" and "82%" are the same figure."""
    text = " ".join((lesson.body, lesson.more, str(lesson.meta.get("action") or "")))
    return {re.sub(r"\s+", "", m.group(0)).replace(",", ".").casefold(): re.sub(r"\s+", " ", m.group(0))
            for m in FIGURE.finditer(text)}


def french_typography(text: str) -> list[str]:
    """What breaks French typography in a text: the ASCII apostrophe, a missing narrow no-break space before
    ; ! ?, a missing no-break space before : or inside « guillemets »."""
    text = _LINK_TARGET.sub(" ", text)
    problems: list[str] = []
    if "'" in text:
        problems.append(f"ASCII apostrophe in {_around(text, text.index(chr(39)))!r} (use ’)")
    for match in re.finditer(r"[;!?]", text):
        before = text[match.start() - 1] if match.start() else ""
        if before not in (NNBSP, "!", "?"):
            problems.append(f"{match.group(0)!r} without a narrow no-break space before it in "
                            f"{_around(text, match.start())!r}")
    for match in re.finditer(r":", text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before.isdigit() and after.isdigit():
            continue  # a ratio or a time written with a colon
        if before != NBSP and before not in ("", "\n"):
            problems.append(f"':' without a no-break space before it in {_around(text, match.start())!r}")
    for match in re.finditer(r"«(?!\u00a0)|(?<!\u00a0)»", text):
        problems.append(f"guillemets without a no-break space inside in {_around(text, match.start())!r}")
    return problems


def prose(text: str) -> str:
    """The words of a message as the reader reads them: commands in <code> (kept in ASCII, as typed) and
    HTML tags left out, {fields} as a neutral word."""
    return _FIELD.sub("x", _TAG.sub("", _CODE.sub("x", text)))


def parenthesised_plurals(text: str) -> list[str]:
    """Plurals written with parentheses ("day(s)"): a sentence must have real plural forms instead."""
    return [f"parenthesised plural {m.group(0)!r} in {_around(text, m.start())!r} (write the plural forms)"
            for m in PARENTHESISED_PLURAL.finditer(text)]


def apostrophes(texts: Mapping[str, str]) -> list[str]:
    """One kind of apostrophe across texts of one language: the one most of them use; each text that uses the
    other kind is named."""
    straight = {where for where, text in texts.items() if re.search(r"\w'\w", prose(text))}
    curly = {where for where, text in texts.items() if re.search(r"\w’\w", prose(text))}
    if not straight or not curly:
        return []
    odd, kind = (curly, "’") if len(straight) >= len(curly) else (straight, "'")
    return [f"{where}: mixed apostrophes: uses {kind} where the others use the other kind" for where in sorted(odd)]


def _around(text: str, index: int) -> str:
    return text[max(0, index - 20):index + 3].replace("\n", " ")


def check_french(lesson: RawLesson) -> list[str]:
    """French typography in a French lesson's title, action, body and more part."""
    meta = lesson.meta
    problems: list[str] = []
    for name, text in (("title", meta.get("title")), ("action", meta.get("action")), ("body", lesson.body),
                       ("more part", lesson.more)):
        problems.extend(f"{lesson.file_name}: {name}: {p}" for p in french_typography(str(text or "")))
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
            for x in courses[lang]:
                if str(x.meta.get("id")) in refs and x.meta.get("refers", []) != refs[str(x.meta.get("id"))]:
                    problems.append(f"{lang}/{x.file_name}: refers differs from {languages[0]}")
            if other != reference:
                problems.append(
                    f"{lang}: lesson ids or modules differ from {languages[0]} (same ids, same order wanted)"
                )
            if sorted(modules.get(lang, {})) != sorted(modules.get(languages[0], {})):
                problems.append(f"{lang}: modules.yaml lists other modules than {languages[0]}")
    return problems


def check_catalog(catalog: Catalog) -> list[str]:
    """Problems of the message catalog: a key missing in a language, fields that differ, invalid HTML, plural
    forms that are not CLDR categories, a count without plural forms or missing one its language needs, a
    parenthesised plural, French typography, mixed apostrophes."""
    problems: list[str] = []
    languages = sorted(catalog.messages)
    keys = set().union(*(catalog.messages[lang].keys() for lang in languages)) if languages else set()
    for key in sorted(keys):
        present = [lang for lang in languages if key in catalog.messages[lang]]
        for lang in languages:
            if lang not in present:
                problems.append(f"messages/{lang}: missing '{key}'")
        fields = {lang: Catalog.fields(catalog.messages[lang][key]) for lang in present}
        if len({frozenset(f) for f in fields.values()}) > 1:
            problems.append(f"messages: '{key}' has different {{fields}} across languages: {fields}")
        for lang in present:
            problems.extend(_plural_problems(catalog, lang, key))
            forms = catalog.forms(lang, key)
            for form, template in forms.items():
                where = f"messages/{lang}: '{key}'" + (f" ({form})" if len(forms) > 1 else "")
                problems += _template_problems(where, template)
                if isinstance(template, str):
                    problems += [f"{where}: {p}" for p in parenthesised_plurals(prose(template))]
                    if lang == "fr":
                        problems += [f"{where}: {p}" for p in french_typography(prose(template))]
    for lang in languages:
        texts = {f"messages/{lang}: '{key}' ({form})": template for key in catalog.messages[lang]
                 for form, template in catalog.forms(lang, key).items() if isinstance(template, str)}
        problems.extend(apostrophes(texts))
    return problems


def _plural_problems(catalog: Catalog, lang: str, key: str) -> list[str]:
    """A message that holds {count} needs the plural forms of its language, and only CLDR categories."""
    template = catalog.messages[lang][key]
    where = f"messages/{lang}: '{key}'"
    if isinstance(template, str):
        if "count" in Catalog.fields(template):
            needed = ", ".join(NEEDED_FORMS.get(lang, ("other",)))
            return [f"{where} holds {{count}} but has no plural forms ({needed})"]
        return []
    if not isinstance(template, Mapping):
        return [f"{where} is neither a text nor plural forms"]
    problems = []
    forms = catalog.forms(lang, key)
    if "other" not in forms or any(form not in PLURAL_FORMS for form in forms):
        problems.append(f"{where} needs an 'other' form and CLDR plural categories only")
    missing = [form for form in NEEDED_FORMS.get(lang, ("other",)) if form not in forms]
    if missing:
        problems.append(f"{where} lacks the plural form {', '.join(missing)} that {lang} needs")
    extra = [form for form in forms if form in PLURAL_FORMS and form not in ACCEPTED_FORMS.get(lang, PLURAL_FORMS)]
    if extra:
        problems.append(f"{where} has the plural form {', '.join(extra)}, which {lang} never uses")
    return problems


def _template_problems(where: str, template: object) -> list[str]:
    if not isinstance(template, str) or not template.strip():
        return [f"{where} is empty"]
    problems = []
    sample = re.sub(r"{\w+}", "x", template)
    for problem in html_problems(sample):
        problems.append(f"{where} is invalid Telegram HTML: {problem}")
    if len(sample) > MAX_MESSAGE:
        problems.append(f"{where} is too long")
    return problems


# Words a public post must not hold: course vocabulary, the calque "in the words of", plurals in brackets.
FORBIDDEN_IN_POSTS = {
    "en": ("in the words of", "this week i am working on", "lesson", "roadmap", "(s)", "streak"),
    "fr": ("dans les mots de", "je travaille sur", "leçon", "parcours", "(s)", "série"),
}
# In French, a source's name may start with an article ("Les Echos", "Le Monde"): no "de/du/dans" before it.
_FRENCH_BEFORE_SOURCE = re.compile(r"(?:\b(?:de|du|des|dans|le|la|les)|\bd’|\bd')\s*\{source\}", re.IGNORECASE)
_FRENCH_SPACE_BEFORE = re.compile(r"[^\u00a0\u202f\n{](?=[:;!?»])|«(?=[^\u00a0])")
_FRENCH_WRONG_SPACE = re.compile(r"\u00a0(?=[;!?])|\u202f(?=[:»])")


def check_drafts(drafts: Mapping[str, DraftTemplates]) -> list[str]:
    """Problems of the post templates: every part filled with variety in each language, known placeholders,
    the link in every LinkedIn template, the take first, the language note where a frame is, no course
    vocabulary, French grammar and typography."""
    problems: list[str] = []
    for lang, templates in sorted(drafts.items()):
        for angle in DraftTemplates.ANGLES:
            items: tuple[str, ...] = getattr(templates, angle)
            if len(items) < 2:
                problems.append(f"drafts/{lang}: '{angle}' needs at least two entries (the wording varies)")
            for template in items:
                problems.extend(_draft_problems(lang, angle, template))
        for other in drafts:
            if other != lang and not templates.language_notes.get(other):
                problems.append(f"drafts/{lang}: language_notes needs a note for articles in '{other}'")
    if len(drafts) < 2:
        problems.append("drafts: both languages are needed")
    return problems


def _draft_problems(lang: str, angle: str, template: str) -> list[str]:
    problems: list[str] = []
    used = template_fields(template)
    if angle == "questions":
        if used:
            problems.append(f"drafts/{lang}: a question has placeholders {sorted(used)}")
    else:
        unknown = used - set(FIELDS)
        if unknown:
            problems.append(f"drafts/{lang}: unknown placeholder(s) {sorted(unknown)} in {angle}")
        if "title" not in used:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{title}}")
        if "note" not in used:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{note}} (the article's language)")
        if angle.startswith("take_") != template.lstrip().startswith("{take}"):
            problems.append(f"drafts/{lang}: {{take}} comes first in take_ templates only, in {angle}")
        if angle in ("linkedin", "take_linkedin") and "link" not in used:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{link}}")
        if angle in ("x", "take_x") and "link" in used:
            problems.append(f"drafts/{lang}: an {angle} template has {{link}} (it is added after the text)")
    folded = template.casefold()
    for words in FORBIDDEN_IN_POSTS.get(lang, ()):
        if words in folded:
            problems.append(f"drafts/{lang}: {angle} holds {words!r}")
    if lang == "fr":
        if _FRENCH_BEFORE_SOURCE.search(template):
            problems.append(f"drafts/fr: {angle} puts an article or « de » before {{source}}")
        plain = re.sub(r"\{\w+\}", "x", template)
        if _FRENCH_SPACE_BEFORE.search(plain) or _FRENCH_WRONG_SPACE.search(plain):
            problems.append(f"drafts/fr: {angle} needs a (narrow) no-break space before : ; ! ? » and after «")
        if "'" in template:
            problems.append(f"drafts/fr: {angle} has a straight apostrophe (’ is the one)")
    return problems


def check_prompts(prompts: Mapping[str, Prompts]) -> list[str]:
    """Problems of the model prompts: both languages, a system and a user prompt, the user prompt with the
    article, the take and the limit, and no other placeholder."""
    problems: list[str] = []
    for lang, prompt in sorted(prompts.items()):
        if not prompt.system:
            problems.append(f"prompts/{lang}: the system prompt is empty")
        if template_fields(prompt.system):
            problems.append(f"prompts/{lang}: the system prompt has placeholders (the article goes in the user one)")
        used = template_fields(prompt.user)
        missing = set(REQUIRED_PROMPT_FIELDS) - used
        unknown = used - set(PROMPT_FIELDS)
        if missing:
            problems.append(f"prompts/{lang}: the user prompt lacks {sorted(missing)}")
        if unknown:
            problems.append(f"prompts/{lang}: unknown placeholder(s) {sorted(unknown)} in the user prompt")
    if len(prompts) < 2:
        problems.append("prompts: both languages are needed")
    return problems


def check_draft_words(drafts: Mapping[str, DraftTemplates]) -> list[str]:
    """The words of the draft templates: no parenthesised plural, French typography, one kind of apostrophe,
    and the same placeholders in each angle across languages."""
    problems: list[str] = []
    for lang, templates in sorted(drafts.items()):
        texts: dict[str, str] = {}
        for angle in DraftTemplates.ANGLES:
            for number, template in enumerate(getattr(templates, angle), 1):
                where = f"drafts/{lang}: {angle} {number}"
                texts[where] = template
                problems += [f"{where}: {p}" for p in parenthesised_plurals(prose(template))]
                if lang == "fr":
                    problems += [f"{where}: {p}" for p in french_typography(prose(template))]
        problems.extend(apostrophes(texts))
    languages = sorted(drafts)
    for angle in DraftTemplates.ANGLES:
        used = {lang: frozenset(f for t in getattr(drafts[lang], angle) for f in template_fields(t))
                for lang in languages}
        if len(set(used.values())) > 1:
            problems.append(f"drafts: the {angle} templates use different placeholders across languages: "
                            f"{ {lang: sorted(f) for lang, f in used.items()} }")
    return problems
