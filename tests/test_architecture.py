"""The core stays free of Telegram, TinyDB, feedparser and any I/O library."""

from __future__ import annotations

import ast
import sys

from tests.conftest import ROOT

ALLOWED = set(sys.stdlib_module_names) | {"bot"}
# Standard modules that do input or output, which the core leaves to its callers.
FORBIDDEN_STDLIB = {"sqlite3", "socket", "asyncio", "subprocess", "urllib.request", "http.client", "http.server",
                    "ssl", "shutil", "tempfile", "threading"}


def imported_names(path):
    """Every module a file imports, by its full dotted name."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def imported_modules(path):
    for name in imported_names(path):
        yield name.split(".")[0]


def test_the_core_imports_only_the_standard_library_and_itself():
    files = list((ROOT / "bot" / "core").glob("*.py"))
    assert len(files) >= 5
    for path in files:
        for name in imported_names(path):
            assert name.split(".")[0] in ALLOWED, f"{path.name} imports {name}"
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN_STDLIB), f"{path.name}: {name}"
            assert name.split(".")[0] != "os" or name == "os.path", f"{path.name} imports {name}"


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
    assert owners["telegram"] <= {"bot/adapters/telegram.py", "bot/adapters/pacing.py", "bot/adapters/updates.py",
                                  "bot/adapters/inbox.py", "bot/app.py", "bot/cli.py"}
