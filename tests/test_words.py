"""The bot's own words, as a leader reads them in Telegram (issue 15): onboarding, settings, /remind, /pause,
/stats and /feeds in English and in French through the real Application, with the exact sentences for the
counts 0, 1 and 2 and a date in each month of the year.

French expectations are written with plain spaces and straight apostrophes and put into French typography by
`fr()` below (a narrow no-break space before ; ! ?, a no-break space before : and inside « », the apostrophe ’),
so that a missing or wrong space in the catalog makes these tests fail.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.adapters.storage import LeaderStore
from bot.core.model import PostEvent
from bot.core.opml import write_opml
from tests.conftest import utc
from tests.telegram_harness import Harness, run

UID = 601


def fr(text: str) -> str:
    """A French sentence written with ordinary spaces, in French typography (what the reader must see)."""
    text = text.replace("'", "\u2019")
    text = re.sub(r" ([;!?])", "\u202f\\1", text)
    text = re.sub(r" :(?=\s|$)", "\u00a0:", text)
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def said(language: str, text: str) -> str:
    return fr(text) if language == "fr" else text


def labels(message) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (message.reply_markup or {}).get("inline_keyboard", [])]


def test_fr_helper_puts_the_spaces_where_french_wants_them():
    assert fr("Oui : « non » ; l'an ? Ah !") == "Oui\u00a0: «\u00a0non\u00a0»\u202f; l\u2019an\u202f? Ah\u202f!"


# --- Onboarding --------------------------------------------------------------------------------------------------

ONBOARDING = {
    "en": {
        "welcome": "Hello! I am your social media coach. 👋\nOne minute a day: one idea (with a dated, sourced fact "
                   "when one helps) and one small action to do today (under ten minutes); in many lessons, a "
                   "question checks what stuck. No compulsive posting: the aim is to listen, "
                   "join the conversation and lead by example.\n\nFirst, which language would you like me to use?",
        "timezone": "Which time zone are you in? Tap a city, or type yours (for example Lyon, New York or "
                    "Europe/Paris).",
        "cities": [["Paris", "London"], ["New York", "Montreal"], ["Casablanca", "Dubai"], ["Singapore", "UTC"]],
        "left_4": "Let's finish setting you up first: 4 questions to go.",
        "typo": "Lyom",
        "unknown": "I do not know “Lyom”. Did you mean Lyon?",
        "city": "London",
        "time": "At what time would you like your lesson? Tap one, or type it (for example 07:45).",
        "left_3": "Let's finish setting you up first: 3 questions to go.",
        "days": "On which days? Tap one, or type them (for example mon-fri or mon,wed,fri).",
        "day_labels": [["Monday to Friday"], ["every day"], ["Monday, Wednesday and Friday"],
                       ["Tuesday and Thursday"]],
        "typed_days": "Monday to Friday",
        "left_1": "Let's finish setting you up first: one question to go.",
        "sector": "Last question: which sector are you in? I will use it to suggest news worth sharing.",
        "done": "You are all set.\nYour lessons: Monday to Friday at 08:00 (Europe/London). Next one: Monday "
                "23 November at 08:00.\nSector: Technology.\n\nShall we start with your first lesson now?\n\n"
                "🧭 One last question: where do you stand on LinkedIn today?",
    },
    "fr": {
        "welcome": fr("Bonjour ! Je suis votre coach pour les réseaux sociaux. 👋\nUne minute par jour : une idée "
                      "(avec un fait daté et sourcé quand il éclaire) et une petite action à faire dans la journée "
                      "(moins de dix minutes) ; dans bien des leçons, une question vérifie ce qui reste. Pas "
                      "question de publier à tout-va : il s'agit d'écouter, de prendre part aux échanges et de "
                      "montrer l'exemple.\n\nPour commencer, dans quelle langue préférez-vous que je vous écrive ?"),
        "timezone": fr("Dans quel fuseau horaire vivez-vous ? Touchez une ville, ou écrivez la vôtre (par exemple "
                       "Lyon, Montréal ou Europe/Paris)."),
        "cities": [["Paris", "Londres"], ["New York", "Montréal"], ["Casablanca", "Dubaï"], ["Singapour", "UTC"]],
        "left_4": fr("Terminons d'abord vos réglages : il reste 4 questions."),
        "typo": "Londre",
        "unknown": fr("Je ne connais pas « Londre ». Vouliez-vous dire Londres ?"),
        "city": "Londres",
        "time": fr("À quelle heure souhaitez-vous recevoir votre leçon ? Touchez un bouton, ou écrivez l'heure "
                   "(par exemple 07:45 ou 7h45)."),
        "left_3": fr("Terminons d'abord vos réglages : il reste 3 questions."),
        "days": fr("Quels jours ? Touchez un bouton, ou écrivez-les (par exemple lun-ven ou lun,mer,ven)."),
        "day_labels": [["du lundi au vendredi"], ["tous les jours"], ["lundi, mercredi et vendredi"],
                       ["mardi et jeudi"]],
        "typed_days": "du lundi au vendredi",
        "left_1": fr("Terminons d'abord vos réglages : il reste une question."),
        "sector": fr("Dernière question : dans quel secteur êtes-vous ? Il me sert à vous suggérer des actualités "
                     "à partager."),
        "done": fr("Tout est prêt.\nVos leçons : du lundi au vendredi à 8\u00a0h (Europe/London). Prochaine : lundi "
                   "23 novembre à 8\u00a0h.\nSecteur : Technologie.\n\nVoulez-vous découvrir votre première leçon dès "
                   "maintenant ?\n\n🧭 Une dernière question : où en êtes-vous sur LinkedIn aujourd'hui ?"),
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_onboarding_speaks_each_question_once_with_a_true_count_of_what_is_left(tmp_path, language):
    words = ONBOARDING[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            async def send(text: str) -> str:
                await bot.send(UID, text, language_code=language)
                return bot.last(UID).text

            assert await send("/start") == words["welcome"]
            await bot.press(UID, f"lang:{language}")
            assert bot.last(UID).text == words["timezone"]
            assert labels(bot.last(UID)) == words["cities"]
            assert await send("/today") == words["left_4"] + "\n\n" + words["timezone"]
            assert await send(words["typo"]) == words["unknown"] + "\n\n" + words["timezone"]
            assert await send(words["city"]) == words["time"]  # a city in the leader's language
            assert await send("/today") == words["left_3"] + "\n\n" + words["time"]
            await bot.press(UID, "time:0800")
            assert bot.last(UID).text == words["days"]
            assert labels(bot.last(UID)) == words["day_labels"]
            assert await send(words["typed_days"]) == words["sector"]  # the label of a button, typed
            assert await send("/today") == words["left_1"] + "\n\n" + words["sector"]
            await bot.press(UID, "sec:technology")
            assert bot.last(UID).text == words["done"]

    run(scenario())


# --- Settings: a change answers in one line, and questions come without the onboarding framing ----------------

SETTINGS = {
    "en": {
        "panel": "Your settings\nLanguage: English\nTime zone: Europe/Paris\nLessons: on\nLesson time: 08:00\n"
                 "Lesson days: Monday to Friday\nSector: Technology\nEvening nudge: 18:00\nWeekly goal: 5 days with "
                 "an action\nSuggested posts with each lesson: 3\nInterests: none yet\nPause: none\n🧭 Where you "
                 "stand: not said\n🛤 Stage: 👂 Listening (follows the course)\n\nTap what you would like to change.",
        "ask_timezone": "Which time zone are you in? Tap a city, or type yours (for example Lyon, New York or "
                        "Europe/Paris).",
        "tokyo": "Time zone: Asia/Tokyo. Next lesson: Tuesday 24 November at 08:00.",
        "geneva": "Time zone: Europe/Zurich. Next lesson: Tuesday 24 November at 08:00.",
        "ask_language": "Which language would you like me to use?",
        "ask_sector": "Which sector are you in? I use it to suggest news worth sharing.",
        "goal": [("set:goal", "goal:1", "Weekly goal: one day with an action."),
                 ("set:goal", "goal:2", "Weekly goal: 2 days with an action."),
                 ("set:suggest", "sugg:0", "No more suggested posts with your lessons: /suggest still brings some "
                                              "when you ask."),
                 ("set:suggest", "sugg:1", "One suggested post with each lesson."),
                 ("set:suggest", "sugg:2", "2 suggested posts with each lesson.")],
    },
    "fr": {
        "panel": fr("Vos réglages\nLangue : Français\nFuseau horaire : Europe/Paris\nLeçons : activées\nHeure des "
                    "leçons : 8\u00a0h\nJours des leçons : du lundi au vendredi\nSecteur : Technologie\nRelance du "
                    "soir : 18\u00a0h\nObjectif de la semaine : 5 jours avec une action\nPosts suggérés avec chaque "
                    "leçon : 3\nCentres d'intérêt : aucun pour l'instant\nPause : aucune\n🧭 Où vous en êtes : non "
                    "précisé\n🛤 Étape : 👂 L'écoute (suit le parcours)\n\nTouchez ce que vous souhaitez modifier."),
        "ask_timezone": fr("Dans quel fuseau horaire vivez-vous ? Touchez une ville, ou écrivez la vôtre (par "
                           "exemple Lyon, Montréal ou Europe/Paris)."),
        "tokyo": fr("Fuseau horaire : Asia/Tokyo. Prochaine leçon : mardi 24 novembre à 8\u00a0h."),
        "geneva": fr("Fuseau horaire : Europe/Zurich. Prochaine leçon : mardi 24 novembre à 8\u00a0h."),
        "ask_language": fr("Dans quelle langue préférez-vous que je vous écrive ?"),
        "ask_sector": fr("Dans quel secteur êtes-vous ? Il me sert à vous suggérer des actualités à partager."),
        "goal": [("set:goal", "goal:1", fr("Objectif de la semaine : un jour avec une action.")),
                 ("set:goal", "goal:2", fr("Objectif de la semaine : 2 jours avec une action.")),
                 ("set:suggest", "sugg:0", fr("Plus de posts suggérés avec vos leçons : /suggest en propose toujours "
                                                 "quand vous le demandez.")),
                 ("set:suggest", "sugg:1", "Un post suggéré avec chaque leçon."),
                 ("set:suggest", "sugg:2", "2 posts suggérés avec chaque leçon.")],
    },
}


async def onboard(bot: Harness, language: str) -> None:
    await bot.send(UID, "/start", language_code=language)
    for data in (f"lang:{language}", "tz:Europe/Paris", "time:0800", "days:01234", "sec:technology"):
        await bot.press(UID, data)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_change_from_settings_or_a_command_answers_in_one_line(tmp_path, language):
    words = SETTINGS[language]

    async def scenario():
        async with Harness(tmp_path) as bot:  # Monday 23 November 2026, 07:00 in Paris
            await onboard(bot, language)
            await bot.send(UID, "/settings", language_code=language)
            assert bot.last(UID).text == words["panel"]
            count = len(bot.api.messages(UID))
            await bot.press(UID, "set:timezone")
            assert bot.last(UID).text == words["ask_timezone"]
            await bot.send(UID, "Tokyo", language_code=language)  # 16:00 in Tokyo: today's lesson has passed
            assert bot.last(UID).text == words["tokyo"]
            assert len(bot.api.messages(UID)) == count + 2  # the question and one line: no panel again
            await bot.send(UID, "/timezone Genève", language_code=language)
            assert bot.last(UID).text == words["geneva"]
            await bot.send(UID, "/language", language_code=language)
            assert bot.last(UID).text == words["ask_language"]
            await bot.press(UID, "set:sector")
            assert bot.last(UID).text == words["ask_sector"]
            for ask, answer, line in words["goal"]:
                await bot.press(UID, ask)
                await bot.press(UID, answer)
                assert bot.last(UID).text == line
            toasts = [c.params.get("text") for c in bot.api.calls_to("answerCallbackQuery")]
            assert toasts[-1] == said(language, "Saved." if language == "en" else "C'est enregistré.")

    run(scenario())


# --- /remind -----------------------------------------------------------------------------------------------------

REMIND = {
    "en": {
        "none": "No reminders of your own yet. For example: /remind fri 17:00 Share the week's best read.",
        "schedule": "Saved. Your lessons: Monday, Wednesday and Friday at 07:45 (Europe/Paris). Next one: "
                    "Monday 23 November at 07:45.",
        "added_1": "⏰ Reminder added: every Friday at 17:00 — Share the best read. /remind list shows them all.",
        "list_1": "Your reminders\n1. every Friday at 17:00 — Share the best read",
        "added_2": "⏰ Reminder added: every Tuesday and Thursday at 09:00 — Call the team. /remind list shows them "
                   "all.",
        # In the order they will come: on Monday 23 November, Tuesday at 09:00 comes before Friday.
        "list_2": "Your reminders\n1. every Tuesday and Thursday at 09:00 — Call the team\n2. every Friday at 17:00 — "
                  "Share the best read",
    },
    "fr": {
        "none": fr("Aucun rappel personnel pour l'instant. Par exemple : /remind ven 17:00 Partager la meilleure "
                   "lecture de la semaine."),
        "schedule": fr("C'est enregistré. Vos leçons : lundi, mercredi et vendredi à 7\u00a0h\u00a045 (Europe/Paris). "
                       "Prochaine : lundi 23 novembre à 7\u00a0h\u00a045."),
        "added_1": fr("⏰ Rappel ajouté : tous les vendredis à 17\u00a0h — Share the best read. /remind list les "
                      "affiche tous."),
        "list_1": "Vos rappels\n1. tous les vendredis à 17\u00a0h — Share the best read",
        "added_2": fr("⏰ Rappel ajouté : tous les mardis et jeudis à 9\u00a0h — Call the team. /remind list les "
                      "affiche tous."),
        "list_2": "Vos rappels\n1. tous les mardis et jeudis à 9\u00a0h — Call the team\n2. tous les vendredis à "
                  "17\u00a0h — Share the best read",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_remind_adds_and_lists_reminders_and_moves_the_lessons(tmp_path, language):
    words = REMIND[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, language)

            async def send(text: str) -> str:
                await bot.send(UID, text, language_code=language)
                return bot.last(UID).text

            assert await send("/remind list") == words["none"]
            assert await send("/schedule 07:45 mon,wed,fri") == words["schedule"]
            assert await send("/remind fri 17:00 Share the best read") == words["added_1"]
            assert await send("/remind list") == words["list_1"]
            assert await send("/remind tue,thu 09:00 Call the team") == words["added_2"]
            assert await send("/remind list") == words["list_2"]

    run(scenario())


# --- /pause, and a date in each month ------------------------------------------------------------------------

PAUSE = {
    "en": {
        "refused": "Give a number of days from 1 to 90, for example /pause 7.",
        1: "Paused for one day: lessons resume on Wednesday 25 November. /resume to come back sooner.",
        2: "Paused for 2 days: lessons resume on Thursday 26 November. /resume to come back sooner.",
        "panel": "Pause: lessons resume on Thursday 26 November",
    },
    "fr": {
        "refused": "Indiquez un nombre de jours entre 1 et 90, par exemple /pause 7.",
        1: fr("En pause pour un jour : reprise des leçons le mercredi 25 novembre. /resume pour revenir plus tôt."),
        2: fr("En pause pour 2 jours : reprise des leçons le jeudi 26 novembre. /resume pour revenir plus tôt."),
        "panel": fr("Pause : reprise des leçons le jeudi 26 novembre"),
    },
}

# The day lessons resume after `/pause 1`, one in each month of 2027, as each language writes it (written out by
# hand: the first of the month is « 1er » in French).
MONTHS = {
    "en": ["Friday 1 January", "Tuesday 2 February", "Wednesday 3 March", "Sunday 4 April", "Wednesday 5 May",
           "Sunday 6 June", "Wednesday 7 July", "Sunday 8 August", "Thursday 9 September", "Sunday 10 October",
           "Thursday 11 November", "Sunday 12 December"],
    "fr": ["vendredi 1er janvier", "mardi 2 février", "mercredi 3 mars", "dimanche 4 avril", "mercredi 5 mai",
           "dimanche 6 juin", "mercredi 7 juillet", "dimanche 8 août", "jeudi 9 septembre", "dimanche 10 octobre",
           "jeudi 11 novembre", "dimanche 12 décembre"],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pause_refuses_zero_and_says_one_and_two_days_and_a_date_in_every_month(tmp_path, language):
    words = PAUSE[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, language)

            async def send(text: str) -> str:
                await bot.send(UID, text, language_code=language)
                return bot.last(UID).text

            assert await send("/pause 0") == words["refused"]
            assert await send("/pause 1") == words[1]
            assert await send("/pause 2") == words[2]
            assert words["panel"] in (await send("/settings")).splitlines()
            for month, written in enumerate(MONTHS[language], 1):
                resumes = date(2027, month, month)
                today = resumes - timedelta(days=2)
                bot.now = utc(today.year, today.month, today.day, 10, 0)
                expected = (f"Paused for one day: lessons resume on {written}. /resume to come back sooner."
                            if language == "en" else
                            fr(f"En pause pour un jour : reprise des leçons le {written}. /resume pour revenir "
                               "plus tôt."))
                assert await send("/pause 1") == expected

    run(scenario())


# --- /stats: 0, 1 and 2 -----------------------------------------------------------------------------------------

STATS = {
    "en": [
        "Your habit\n🔥 Streak: 0 days in a row (best: 0)\n🧊 Freezes held: 0 of 2 (you earn one for each "
        "full week; it saves your streak on a missed day)\n💪 Habit strength: {strength}%\n🎯 This week: no days "
        "with an action yet, goal 5\n📘 No lessons done yet · 📣 No posts shared yet",
        "Your habit\n🔥 Streak: 1 day in a row (best: 1)\n🧊 Freezes held: 0 of 2 (you earn one for each "
        "full week; it saves your streak on a missed day)\n💪 Habit strength: {strength}%\n🎯 This week: 1 day with "
        "an action, goal 5\n📘 1 lesson done · 📣 1 post shared",
        "Your habit\n🔥 Streak: 2 days in a row (best: 2)\n🧊 Freezes held: 0 of 2 (you earn one for "
        "each full week; it saves your streak on a missed day)\n💪 Habit strength: {strength}%\n🎯 This week: 2 days "
        "with an action, goal 5\n📘 2 lessons done · 📣 2 posts shared",
    ],
    "fr": [
        fr("Votre habitude\n🔥 Série : 0 jour d'affilée (record : 0)\n🧊 Jokers : 0 sur 2 (un gagné par "
           "semaine complète ; il sauve votre série un jour manqué)\n💪 Force de l'habitude : {strength} %\n🎯 Cette "
           "semaine : aucun jour avec une action pour l'instant, objectif 5\n📘 Aucune leçon faite pour l'instant · "
           "📣 Aucun post partagé pour l'instant"),
        fr("Votre habitude\n🔥 Série : 1 jour d'affilée (record : 1)\n🧊 Jokers : 0 sur 2 (un gagné par "
           "semaine complète ; il sauve votre série un jour manqué)\n💪 Force de l'habitude : {strength} %\n🎯 Cette "
           "semaine : 1 jour avec une action, objectif 5\n📘 1 leçon faite · 📣 1 post partagé"),
        fr("Votre habitude\n🔥 Série : 2 jours d'affilée (record : 2)\n🧊 Jokers : 0 sur 2 (un gagné par "
           "semaine complète ; il sauve votre série un jour manqué)\n💪 Force de l'habitude : {strength} %\n🎯 Cette "
           "semaine : 2 jours avec une action, objectif 5\n📘 2 leçons faites · 📣 2 posts partagés"),
    ],
}
ROADMAP = {
    "en": ["None of the 42 lessons done yet.", "One lesson done out of 42.", "2 lessons done out of 42."],
    "fr": [fr("Aucune des 42 leçons n'est encore faite."), "Une leçon faite sur 42.", "2 leçons faites sur 42."],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_stats_and_roadmap_say_zero_one_and_two(tmp_path, language):
    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, language)
            store = LeaderStore(tmp_path)

            async def stats() -> tuple[str, str]:
                await bot.send(UID, "/stats", language_code=language)
                figures = bot.api.messages(UID)[-2].text
                figures, found = re.subn(r"(💪[^\d]*)\d+", r"\1{strength}", figures)
                assert found == 1, figures
                await bot.send(UID, "/roadmap", language_code=language)
                roadmap = bot.last(UID).text.splitlines()
                return figures, next(line for line in roadmap if " 42" in line and "·" not in line)

            async def act(day: date) -> None:
                await bot.send(UID, "/today", language_code=language)
                done = next(b["callback_data"] for row in labels_data(bot.last(UID)) for b in row
                            if b.get("callback_data", "").startswith("done:"))
                await bot.press(UID, done)
                leader = store.get(UID)
                assert leader is not None
                post = PostEvent(f"post-{day}", bot.now, day)
                store.put(leader.with_(posts=(*leader.posts, post)))

            assert await stats() == (STATS[language][0], ROADMAP[language][0])
            await act(date(2026, 11, 23))
            assert await stats() == (STATS[language][1], ROADMAP[language][1])
            bot.now = utc(2026, 11, 24, 8, 0)  # Tuesday, 09:00 in Paris
            await act(date(2026, 11, 24))
            assert await stats() == (STATS[language][2], ROADMAP[language][2])

    run(scenario())


def labels_data(message) -> list[list[dict]]:
    return (message.reply_markup or {}).get("inline_keyboard", [])


# --- /feeds and OPML imports: 0, 1 and 2 ---------------------------------------------------------------------

FEEDS = {
    "en": {
        "sector": "Your sector's feeds (Technology)",
        "none": "No feeds of your own yet.",
        "own": "Your own feeds",
        "usage": "To add one: /feeds add https://example.com/feed. To remove one: /feeds remove 1. Send me an OPML "
                 "file to import a list; /feeds export sends you yours.",
        "added": "Added: one.example.org. Its news now counts in your suggestions.",
        "unread": "not read yet",
        "imported": ["No new feeds in that file.", "Imported one feed.", "Imported 2 feeds."],
        "refused": ["No new feeds in that file. One was refused (not a public http or https address, or over the "
                    "limit of 20).",
                    "Imported one feed. 2 were refused (not a public http or https address, or over the limit of "
                    "20)."],
    },
    "fr": {
        "sector": "Les flux de votre secteur (Technologie)",
        "none": fr("Aucun flux personnel pour l'instant."),
        "own": "Vos propres flux",
        "usage": fr("Pour en ajouter un : /feeds add https://exemple.fr/flux. Pour en retirer un : /feeds remove 1. "
                    "Envoyez-moi un fichier OPML pour importer une liste ; /feeds export vous envoie la vôtre."),
        "added": fr("Ajouté : one.example.org. Ses actualités comptent désormais dans vos suggestions."),
        "unread": "pas encore lu",
        "imported": ["Aucun nouveau flux dans ce fichier.", "Un flux importé.", "2 flux importés."],
        "refused": ["Aucun nouveau flux dans ce fichier. Un flux a été refusé (adresse http ou https non publique, "
                    "ou limite de 20 flux atteinte).",
                    "Un flux importé. 2 flux ont été refusés (adresse http ou https non publique, ou limite de 20 "
                    "flux atteinte)."],
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_feeds_lists_zero_one_and_two_own_feeds_and_counts_an_opml_import(tmp_path, language):
    words = FEEDS[language]

    async def scenario():
        async with Harness(tmp_path) as bot:
            await onboard(bot, language)

            async def own_part() -> list[str]:
                await bot.send(UID, "/feeds", language_code=language)
                text = bot.last(UID).text
                assert text.startswith(words["sector"] + "\n• ") and text.endswith("\n\n" + words["usage"])
                return text.split("\n\n")[1].splitlines()

            assert await own_part() == [words["none"]]
            bot.feeds_answer()
            await bot.send(UID, "/feeds add https://one.example.org/rss", language_code=language)
            await bot.settle()
            assert bot.last(UID).text == words["added"]
            unread = f" ({words['unread']})"
            assert await own_part() == [words["own"], "1. one.example.org — https://one.example.org/rss" + unread]
            await bot.send(UID, "/feeds add https://two.example.org/rss", language_code=language)
            await bot.settle()
            assert await own_part() == [words["own"], "1. one.example.org — https://one.example.org/rss" + unread,
                                        "2. two.example.org — https://two.example.org/rss" + unread]
            for count in (0, 1, 2):
                listed = [(f"https://n{count}-{i}.example.org/rss", f"Blog {i}") for i in range(count)]
                listed = listed or [("https://one.example.org/rss", "One, already there")]
                await bot.feed(bot.api.user_sends_document(UID, "feeds.opml", write_opml(listed, "mine")))
                assert bot.last(UID).text == words["imported"][count]
            private = [("http://127.0.0.1/rss", "Inside"), ("http://10.0.0.1/rss", "Also inside")]
            for refused, listed in ((1, private[:1]), (2, [("https://three.example.org/rss", "Three"), *private])):
                await bot.feed(bot.api.user_sends_document(UID, "feeds.opml", write_opml(listed, "mine")))
                assert bot.last(UID).text == words["refused"][refused - 1]

    run(scenario())
