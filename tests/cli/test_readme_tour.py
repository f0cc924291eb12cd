"""The README's set-up and tour, run as written: every command exits 0, with no Python warning.

The commands are read from README.md itself (the set-up's and the tour's `sh` blocks), so the
README and this test cannot drift apart. The set-up's `pip install .` is the environment this
test already runs in; its `acuback serve --demo` runs for real on a free port, with a fresh data
folder and no ACUBACK_DATABASE_URL, and the tour then runs in a second process beside it, in an
empty folder, as the README tells a new user to.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
WARNING_TEXT = re.compile(r"Traceback|Warning:|warnings\.warn|internal error")


def sh_blocks(section: str) -> list[list[str]]:
    """The command lines of each ```sh block under the README heading `section`."""
    text = README.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", body, flags=re.DOTALL)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACUBACK_")}
    env["XDG_DATA_HOME"] = str(data)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def _wait_until_serving(server: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail("acuback serve --demo did not start within 120 s")


@pytest.mark.slow
def test_every_readme_tour_command_works_after_the_readme_set_up(tmp_path: Path) -> None:
    [setup] = sh_blocks("Set up")[0:1]
    assert setup == ["pip install . && acuback serve --demo"], setup
    install, serve = (part.strip() for part in setup[0].split("&&"))
    assert install == "pip install ."  # done: this test runs in the installed package
    tour = [line for block in sh_blocks("A first tour") for line in block]
    assert len(tour) >= 10
    assert tour[-1].startswith("acuback audit verify")
    env = _environment(tmp_path / "data")
    work = tmp_path / "tour"
    work.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [*serve.split(), "--port", str(port)],
        cwd=work,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_serving(server, port)
        for line in tour:
            done = subprocess.run(
                line, shell=True, cwd=work, env=env, text=True, capture_output=True, timeout=120
            )
            assert done.returncode == 0, (line, done.stdout[-2000:], done.stderr)
            assert not WARNING_TEXT.search(done.stderr), (line, done.stderr)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "Demo clinic seeded." in out, out
    assert not WARNING_TEXT.search(err), err
    assert (tmp_path / "data" / "acuback" / "acuback.sqlite3").is_file()
