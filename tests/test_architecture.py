"""The core stays free of Telegram, TinyDB, feedparser and any I/O library."""

from __future__ import annotations

import ast
import sys

from tests.conftest import ROOT

ALLOWED = set(sys.stdlib_module_names) | {"bot"}
FORBIDDEN_STDLIB = {"sqlite3", "socket", "asyncio", "subprocess", "urllib", "http"}


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_the_core_imports_only_the_standard_library_and_itself():
    files = list((ROOT / "bot" / "core").glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for module in imported_modules(path):
            assert module in ALLOWED, f"{path.name} imports {module}"
            assert module not in FORBIDDEN_STDLIB, f"{path.name} imports {module}"


def test_the_core_does_not_import_the_adapters():
    for path in (ROOT / "bot" / "core").glob("*.py"):
        assert "bot.adapters" not in path.read_text(), path.name
        assert "bot.service" not in path.read_text(), path.name


def test_each_library_is_reached_from_one_adapter_module():
    owners = {"telegram": set(), "tinydb": set(), "feedparser": set(), "yaml": set(), "matplotlib": set(),
              "httpx": set()}
    for path in (ROOT / "bot").rglob("*.py"):
        for module in imported_modules(path):
            if module in owners:
                owners[module].add(path.relative_to(ROOT).as_posix())
    assert owners["tinydb"] == {"bot/adapters/storage.py"}
    assert owners["yaml"] == {"bot/adapters/content_files.py"}
    assert owners["matplotlib"] == {"bot/adapters/heatmap.py"}
    assert owners["feedparser"] == {"bot/adapters/feeds.py"}
    assert owners["httpx"] <= {"bot/adapters/feeds.py"}
    assert owners["telegram"] <= {"bot/adapters/telegram.py", "bot/adapters/pacing.py", "bot/app.py", "bot/cli.py"}
