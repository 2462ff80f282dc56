"""The shape of the code: a core free of Telegram, TinyDB, feedparser and any I/O library; each outside library
reached from one adapter; the terminal chat without python-telegram-bot; buttons built by one codec only."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ALLOWED = set(sys.stdlib_module_names) | {"bot"}
# Standard modules that do input or output, which the core leaves to its callers.
FORBIDDEN_STDLIB = {"sqlite3", "socket", "asyncio", "subprocess", "urllib.request", "http.client", "http.server",
                    "ssl", "shutil", "tempfile", "threading"}
CORE = ROOT / "bot" / "core"


def _package_of(path: Path) -> list[str]:
    return list(path.relative_to(ROOT).with_suffix("").parts[:-1])


def imported_names(path: Path):
    """Every module a file imports, by its full dotted name (relative imports resolved)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module or ""
                continue
            package = _package_of(path)
            base = package[: len(package) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
            if node.module:
                yield prefix
            for alias in node.names:  # `from .. import adapters` imports a module too
                yield f"{prefix}.{alias.name}"


def imported_modules(path: Path):
    for name in imported_names(path):
        yield name.split(".")[0]


def core_files() -> list[Path]:
    return list(CORE.rglob("*.py"))


def test_the_core_imports_only_the_standard_library_and_itself():
    files = core_files()
    assert len(files) >= 15 and any(p.parent.name == "features" for p in files)
    for path in files:
        for name in imported_names(path):
            assert name.split(".")[0] in ALLOWED, f"{path.name} imports {name}"
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN_STDLIB), f"{path.name}: {name}"
            assert name.split(".")[0] != "os" or name == "os.path", f"{path.name} imports {name}"


def test_the_core_does_not_import_the_adapters_even_relatively():
    for path in core_files():
        for name in imported_names(path):
            assert not name.startswith(("bot.adapters", "bot.service", "bot.app", "bot.newsdesk")), (path, name)


def test_relative_imports_are_resolved(tmp_path):
    package = tmp_path / "bot" / "core"
    package.mkdir(parents=True)
    sneaky = package / "sneaky.py"
    sneaky.write_text("from ..adapters import feeds\nfrom . import model\nfrom .features import lessons\n")
    names = set(_resolve(sneaky, tmp_path))
    assert {"bot.adapters", "bot.adapters.feeds", "bot.core.model", "bot.core.features"} <= names


def _resolve(path: Path, root: Path):
    global ROOT
    saved, ROOT = ROOT, root
    try:
        yield from imported_names(path)
    finally:
        ROOT = saved


def test_each_library_is_reached_from_one_adapter_module():
    owners: dict[str, set[str]] = {name: set() for name in
                                   ("telegram", "tinydb", "feedparser", "yaml", "PIL", "httpx", "babel",
                                    "defusedxml", "openai", "lingua", "starlette", "uvicorn", "cryptography")}
    for path in (ROOT / "bot").rglob("*.py"):
        for module in imported_modules(path):
            if module in owners:
                owners[module].add(path.relative_to(ROOT).as_posix())
    assert owners["tinydb"] == {"bot/adapters/storage.py"}
    assert owners["yaml"] == {"bot/adapters/content_files.py"}
    assert owners["PIL"] == {"bot/adapters/heatmap.py"}
    assert owners["feedparser"] == {"bot/adapters/feeds.py"}
    assert owners["httpx"] <= {"bot/adapters/feeds.py", "bot/adapters/netguard.py", "bot/adapters/pages.py",
                               "bot/adapters/linkedin.py"}
    assert owners["uvicorn"] == {"bot/adapters/web.py"}
    assert owners["starlette"] == {"bot/adapters/web.py", "bot/adapters/metrics.py"}  # the server, and /metrics
    assert owners["cryptography"] == {"bot/adapters/vault.py"}
    assert owners["babel"] == {"bot/adapters/words.py"}
    assert owners["defusedxml"] <= {"bot/adapters/opml.py"}
    assert owners["openai"] <= {"bot/adapters/llm.py"}
    assert owners["lingua"] <= {"bot/adapters/language.py"}
    telegram_side = {"bot/adapters/telegram.py", "bot/adapters/telegram_render.py", "bot/adapters/pacing.py",
                     "bot/adapters/updates.py", "bot/adapters/inbox.py", "bot/adapters/nightly.py", "bot/app.py",
                     "bot/cli.py"}
    assert owners["telegram"] <= telegram_side


def test_the_terminal_chat_loads_no_telegram_module(tmp_path):
    script = (
        "import io, sys\n"
        "from bot.cli import main\n"
        "sys.stdin = io.StringIO('/start\\n1\\n/help\\n')\n"
        "status = main(['chat'])\n"
        "loaded = sorted(m for m in sys.modules if m == 'telegram' or m.startswith('telegram.'))\n"
        "print('LOADED', loaded, status)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=ROOT, env={"COACHBOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
                                           "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "LOADED [] 0" in result.stdout
    assert "/today" in result.stdout  # the chat did run: the help was shown


CALLBACK_BY_HAND = re.compile(r"""(callback_data|data)\s*=\s*f?["'][a-z]{2,6}:""")


def test_no_callback_data_is_built_by_hand():
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "actions.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not CALLBACK_BY_HAND.search(line), f"{path}:{number}: {line.strip()}"
