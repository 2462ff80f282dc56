"""`/metrics` in Prometheus' text format, read with prometheus-client's own parser, moves as the bot works:
updates handled, replies sent, 429s and retries, lessons and their delay, feeds read and failing, the model's
posts and fallbacks, the inbox, the backup's age; and says nothing about a leader."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.adapters.metrics import Metrics, metrics_routes
from bot.core.posts import PostRequest
from bot.writing import Writer
from tests.support.feed_server import FeedServer
from tests.telegram_harness import Harness, run

LEADER = 4242


def scrape(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics from a web app mounting the routes, parsed by prometheus-client: sample -> value."""
    with TestClient(Starlette(routes=metrics_routes(metrics.registry))) as client:
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _feeds_file(tmp_path: Path, server: FeedServer) -> Path:
    sectors = {"sectors": [{"id": "technology", "label": {"en": "Technology", "fr": "Technologie"},
                            "keywords": {"en": ["AI"], "fr": ["IA"]},
                            "feeds": [{"url": server.url("feeds/rss2.xml"), "name": "RSS", "lang": "en"},
                                      {"url": server.url("status/500"), "name": "Broken", "lang": "en"}]}]}
    path = tmp_path / "feeds.yaml"
    path.write_text(yaml.safe_dump(sectors))
    return path


def test_the_counters_move_as_the_bot_works(tmp_path):
    async def scenario() -> None:
        with FeedServer() as feeds:
            async with Harness(tmp_path / "data", feeds_path=_feeds_file(tmp_path, feeds),
                               allow_private_feeds=True) as bot:
                metrics: Metrics = bot.app.bot_data["metrics"]
                before = scrape(metrics)
                assert value(before, "coachbot_updates_handled_total") == 0
                assert math.isnan(value(before, "coachbot_backup_age_seconds"))

                await bot.onboard(LEADER)  # /start and five presses
                bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
                await bot.send(LEADER, "/help")
                when = bot.when(LEADER)
                assert when is not None
                bot.now = when + timedelta(seconds=90)
                await bot.run_job(LEADER)
                await bot.desk.refresh(bot.now)
                await bot.app.bot_data["nightly"].run(bot.app.bot)
                after = scrape(metrics)

                assert value(after, "coachbot_updates_handled_total") == 7
                sent = value(after, "coachbot_replies_sent_total", method="sendMessage")
                edits = value(after, "coachbot_replies_sent_total", method="editMessageText")
                assert sent >= 3 and sent + edits >= 7
                assert value(after, "coachbot_telegram_429_total") == 1
                assert value(after, "coachbot_telegram_retries_total", reason="rate_limited") == 1
                assert value(after, "coachbot_lessons_delivered_total") == 1
                assert value(after, "coachbot_lesson_delay_seconds_sum") == 90
                assert value(after, "coachbot_lesson_delay_seconds_bucket", le="60.0") == 0
                assert value(after, "coachbot_lesson_delay_seconds_bucket", le="120.0") == 1
                assert value(after, "coachbot_feeds_read_total", status="ok") == 1
                assert value(after, "coachbot_feeds_read_total", status="error") == 1
                assert value(after, "coachbot_feeds_failing") == 1
                assert value(after, "coachbot_inbox_depth") == 0
                assert 0 <= value(after, "coachbot_backup_age_seconds") < 3600
                # Nothing about a leader: the only labels are kinds of things.
                labels = {key for (_name, pairs) in after for key, _ in pairs}
                assert labels <= {"method", "reason", "status", "result", "le"}
                assert not any(str(LEADER) in label for (_n, pairs) in after for _k, label in pairs)

    run(scenario())


class _Refusing:
    async def write(self, request: PostRequest) -> None:
        return None


class _Writing:
    async def write(self, request: PostRequest):  # noqa: ANN201
        from bot.core.posts import Post

        return Post(linkedin="L", x="X", language=request.language, link=request.link, writer="model")


def test_the_models_posts_and_fallbacks_are_counted(content):
    metrics = Metrics()
    request = PostRequest(title="A title", link="https://example.com/a", source="Example", summary="Summary.",
                          item_language="en", language="en")
    for model in (_Refusing(), _Writing(), _Writing()):
        writer = Writer(content.drafts, model)
        writer.metrics = metrics
        run(writer.write(request))
    samples = scrape(metrics)
    assert value(samples, "coachbot_model_calls_total", result="model") == 2
    assert value(samples, "coachbot_model_calls_total", result="fallback") == 1
    metrics.transcription_call(False)
    assert value(scrape(metrics), "coachbot_transcription_calls_total", result="fallback") == 1
