"""Checks of the words the bot says: the message catalog, the post templates and the model prompts, and the
typography rules they share with the lessons (French spacing, one apostrophe, no "(s)" plurals).

Part of what `coachbot content check` and the tests enforce; the course and its lessons are checked in
`bot.core.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from bot.core.content import PLURAL_FORMS, Catalog
from bot.core.markup import MAX_MESSAGE, html_problems
from bot.core.posts import (
    FIELDS,
    FIRST_LINES,
    PROMPT_FIELDS,
    REQUIRED_PROMPT_FIELDS,
    DraftTemplates,
    Prompts,
    render_sample,
    template_fields,
    visible_first,
)

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
# A command named in a message: "/today", "<code>/remind list</code>" (not a path, a link or a closing tag).
_COMMAND = re.compile(r"(?<![\w/.:<-])/([a-z_]+)\b")
SURFACE_MARK = "@"  # "post_draft@terminal": a surface's own wording of "post_draft"


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


def check_catalog(catalog: Catalog, commands: Collection[str] | None = None) -> list[str]:
    """Problems of the message catalog: a key missing in a language, fields that differ, invalid HTML, plural
    forms that are not CLDR categories, a count without plural forms or missing one its language needs, a
    parenthesised plural, French typography, mixed apostrophes; a surface's wording (`key@terminal`) without
    the message it stands for or with other fields; and, given the `commands` the bot has, a command named in a
    message that it does not have."""
    problems: list[str] = []
    for lang in sorted(catalog.messages):
        for key in sorted(catalog.messages[lang]):
            problems += _command_problems(catalog, lang, key, commands)
            base, mark, _ = key.partition(SURFACE_MARK)
            if not mark:
                continue
            if base not in catalog.messages[lang]:
                problems.append(f"messages/{lang}: '{key}' stands for '{base}', which does not exist")
            elif Catalog.fields(catalog.messages[lang][key]) != Catalog.fields(catalog.messages[lang][base]):
                problems.append(f"messages/{lang}: '{key}' has other {{fields}} than '{base}'")
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


def _command_problems(catalog: Catalog, lang: str, key: str, commands: Collection[str] | None) -> list[str]:
    """The commands a message names that the bot does not have."""
    if commands is None:
        return []
    named = {name for template in catalog.forms(lang, key).values() for name in _COMMAND.findall(template)}
    return [f"messages/{lang}: '{key}' names /{name}, a command the bot does not have"
            for name in sorted(named - set(commands))]


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
            if other != lang and not templates.languages.get(other):
                problems.append(f"drafts/{lang}: languages needs a name for articles in '{other}'")
    if len(drafts) < 2:
        problems.append("drafts: both languages are needed")
    return problems


def _draft_problems(lang: str, angle: str, template: str) -> list[str]:
    problems: list[str] = []
    used = template_fields(template)
    if angle in DraftTemplates.QUESTIONS:
        if used:
            problems.append(f"drafts/{lang}: a question has placeholders {sorted(used)}")
    else:
        unknown = used - set(FIELDS)
        if unknown:
            problems.append(f"drafts/{lang}: unknown placeholder(s) {sorted(unknown)} in {angle}")
        if "title" not in used:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{title}}")
        if "{source}{note}" not in template:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{note}} (the article's language) "
                            "right after {source}")
        if angle.startswith("take_") != ("take" in used):
            problems.append(f"drafts/{lang}: {{take}} is in take_ templates only, and in each, in {angle}")
        if angle in ("linkedin", "take_linkedin") and "link" not in used:
            problems.append(f"drafts/{lang}: a {angle} template lacks {{link}}")
        if angle in ("x", "take_x") and "link" in used:
            problems.append(f"drafts/{lang}: an {angle} template has {{link}} (it is added after the text)")
        if not angle.startswith("take_") and "question" in used and "summary" not in used:
            problems.append(f"drafts/{lang}: a {angle} template asks a question under a bare headline "
                            "(a question without a take needs {summary})")
        problems.extend(_first_lines_problems(lang, angle, template))
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


def _first_lines_problems(lang: str, angle: str, template: str) -> list[str]:
    """The first FIRST_LINES characters (what LinkedIn shows before "...see more") must hold the take, or
    without a take the article's title or summary: measured on the template filled with long sample values."""
    if "linkedin" not in angle:
        return []
    text, sample = render_sample(template)
    wanted = ("take",) if angle.startswith("take_") else ("title", "summary")
    if any(name in template_fields(template) and visible_first(text, sample[name]) for name in wanted):
        return []
    what = "the take" if angle.startswith("take_") else "the article's title or summary"
    return [f"drafts/{lang}: a {angle} template does not show {what} in its first {FIRST_LINES} characters: "
            f"{template.splitlines()[0]!r}"]


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
