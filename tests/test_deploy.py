"""The service files: the systemd unit passes `systemd-analyze verify` and holds what the bot needs (a user of its
own, restart on failure, time for SIGTERM, a read-only system but for the data); the Dockerfile's instructions
(no container engine here) give a slim Python, a non-root user, the data on a volume, a health check on /healthz
and the command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNIT = ROOT / "deploy" / "coachbot.service"
DOCKERFILE = ROOT / "Dockerfile"


def unit_settings(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_says_what_the_bot_needs():
    unit = unit_settings(UNIT.read_text())
    assert unit["User"] == ["coachbot"] and unit["Group"] == ["coachbot"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["KillSignal"] == ["SIGTERM"] and int(unit["TimeoutStopSec"][0]) >= 20
    assert unit["NoNewPrivileges"] == ["yes"] and unit["ProtectSystem"] == ["strict"]
    data = next(v.split("=", 1)[1] for v in unit["Environment"] if v.startswith("COACHBOT_DATA_DIR="))
    writable = unit["ReadWritePaths"][0].split()
    assert any(data == path or data.startswith(path.rstrip("/") + "/") for path in writable)
    assert unit["UMask"] == ["0077"] and unit["StateDirectoryMode"] == ["0700"]
    assert unit["ExecStart"][0].endswith("/coachbot run")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian's systemd package; .ci/run installs it)")
def test_systemd_analyze_verifies_the_unit(tmp_path):
    # The unit names the installed command; here it is this environment's.
    installed = Path(sys.executable).parent / "coachbot"
    assert installed.is_file()
    text = re.sub(r"^ExecStart=\S+", f"ExecStart={installed}", UNIT.read_text(), flags=re.MULTILINE)
    copy = tmp_path / "coachbot.service"
    copy.write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=120)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "coachbot.service" not in said, said  # no warning about the unit (an unknown key, a bad value)


def dockerfile() -> list[tuple[str, str]]:
    """The instructions, continuation lines joined: (INSTRUCTION, arguments)."""
    joined, instructions = "", []
    for line in DOCKERFILE.read_text().splitlines():
        if not joined and (not line.strip() or line.lstrip().startswith("#")):
            continue
        joined += line.rstrip()
        if joined.endswith("\\"):
            joined = joined[:-1] + " "
            continue
        keyword, _, arguments = joined.strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        joined = ""
    return instructions


def test_the_image_runs_as_its_own_user_with_the_data_on_a_volume_and_a_health_check():
    instructions = dockerfile()
    keywords = [keyword for keyword, _ in instructions]
    (base,) = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    env = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")
    data = re.search(r"COACHBOT_DATA_DIR=(\S+)", env).group(1)
    port = re.search(r"COACHBOT_HTTP_PORT=(\d+)", env).group(1)
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0") and keywords.index("USER") > max(
        i for i, k in enumerate(keywords) if k == "RUN")
    (volume,) = [json.loads(arguments) for keyword, arguments in instructions if keyword == "VOLUME"]
    assert volume == [data]
    (check,) = [arguments for keyword, arguments in instructions if keyword == "HEALTHCHECK"]
    assert "/healthz" in check and "COACHBOT_HTTP_PORT" in check and re.search(r"--interval=\d+s", check)
    assert f"EXPOSE {port}" in [f"{k} {a}" for k, a in instructions]
    (command,) = [json.loads(arguments) for keyword, arguments in instructions if keyword == "CMD"]
    assert command == ["coachbot", "run"] and keywords[-1] == "CMD"
    # What it copies is there, and the bot finds its content and feeds where they are copied.
    for keyword, arguments in instructions:
        if keyword == "COPY":
            for source in arguments.split()[:-1]:
                assert (ROOT / source).exists(), source
    assert "COACHBOT_CONTENT_DIR=/app/content" in env and "COACHBOT_FEEDS=/app/feeds.yaml" in env
    assert f"chown coachbot:coachbot {data}" in " ".join(a for k, a in instructions if k == "RUN")
