"""Knowledge-base load time and CLI start-up, printed as medians beside their baselines.

Run: python bench/bench_knowledge.py [--runs N]

Figures:
- cold load: a fresh interpreter imports acuback.knowledge and calls load_knowledge();
  reported with and without the import time (target: load under 100 ms);
- CLI: wall time of `acuback points show BL23 --json` beside `python -c pass` in the same run
  (target: under 3 times the bare interpreter's start). That command takes the CLI's quick path
  (acuback.cli.quick: prepared pages, no Typer or pydantic); for comparison the run also times
  `points search`, which takes the full CLI, and the floor the libraries set before any acuback
  code runs: `import pydantic`, `import typer`, and an empty one-command Typer app;
- CLI `plan` and `screen` (issue 16 point 4, target: at most 5 times the bare start): the lean
  path (acuback.cli.lean: the engine without Typer, settings or the services layer, data from
  the fingerprinted snapshots) on the README's intake, text and `--json`, beside the same
  command on the full CLI (forced by setting ACUBACK_ENVIRONMENT to its default) and the floor
  pydantic sets: one model class built and validated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD = (
    "import time; t0 = time.perf_counter(); "
    "from acuback.knowledge import load_knowledge; t1 = time.perf_counter(); "
    "load_knowledge(); t2 = time.perf_counter(); "
    "print(t2 - t0, t2 - t1)"
)


def _wall(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


EMPTY_TYPER_APP = """
import typer
app = typer.Typer()
@app.command()
def show(code: str, as_json: bool = typer.Option(False, "--json")) -> None:
    print(code)
app()
"""


PYDANTIC_ONE_MODEL = """
from pydantic import BaseModel
class Pain(BaseModel):
    nrs: int
Pain(nrs=6)
"""
README_INTAKE = {
    "age": 45,
    "sex": "female",
    "pain": {"regions": ["lower_back"], "side": "both", "onset_weeks": 30, "nrs": 6},
}


def _interleaved(
    commands: dict[str, tuple[list[str], dict[str, str]]], runs: int
) -> dict[str, list[float]]:
    """Wall times of each command, run in turn (round robin) so that a machine whose load
    changes during the run weighs on every command alike."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (command, env) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
            times[label].append(time.perf_counter() - start)
    return times


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    loads = [
        subprocess.run(
            [sys.executable, "-c", LOAD], check=True, capture_output=True, text=True
        ).stdout.split()
        for _ in range(runs)
    ]
    with_import = [float(row[0]) for row in loads]
    load_only = [float(row[1]) for row in loads]
    print(f"knowledge base, cold, median of {runs} fresh interpreters")
    print(f"  import + load_knowledge()  {_ms(with_import)}")
    print(f"  load_knowledge() alone     {_ms(load_only)}   (target < 100 ms)")

    exe = shutil.which("acuback") or sys.exit("acuback is not on PATH: pip install -e .")
    bare = _wall([sys.executable, "-c", "pass"], runs)
    show = _wall([exe, "points", "show", "BL23", "--json"], runs)
    search = _wall([exe, "points", "search", "sea of vitality", "--json"], runs)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(EMPTY_TYPER_APP)
    try:
        floors = {
            "import pydantic": _wall([sys.executable, "-c", "import pydantic"], runs),
            "import typer": _wall([sys.executable, "-c", "import typer"], runs),
            "empty Typer command": _wall([sys.executable, script.name, "BL23", "--json"], runs),
        }
    finally:
        Path(script.name).unlink()
    base = statistics.median(bare)
    print(f"CLI start-up, wall time, median of {runs}")
    print(f"  python -c pass                        {_ms(bare)}    1.0 x")
    for label, times in floors.items():
        print(f"  {label:<37} {_ms(times)}  {statistics.median(times) / base:5.1f} x   (floor)")
    ratio = statistics.median(search) / base
    print(f"  acuback points search ... (full CLI)  {_ms(search)}  {ratio:5.1f} x")
    ratio = statistics.median(show) / base
    print(f"  acuback points show BL23 --json       {_ms(show)}  {ratio:5.1f} x   (target < 3 x)")
    _plan_and_screen(exe, runs)


def _plan_and_screen(exe: str, runs: int) -> None:
    lean_env = {k: v for k, v in os.environ.items() if not k.upper().startswith("ACUBACK_")}
    full_env = {**lean_env, "ACUBACK_ENVIRONMENT": "development"}  # the default: full CLI
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as intake:
        json.dump(README_INTAKE, intake)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(PYDANTIC_ONE_MODEL)
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], lean_env),
        "pydantic: one model built, validated": ([sys.executable, script.name], lean_env),
    }
    for command in ("plan", "screen"):
        for form in ([], ["--json"]):
            label = f"acuback {command}{' --json' if form else ''} INTAKE"
            commands[label] = ([exe, command, *form, intake.name], lean_env)
        commands[f"acuback {command} INTAKE (full CLI)"] = ([exe, command, intake.name], full_env)
    try:
        times = _interleaved(commands, runs)
    finally:
        Path(intake.name).unlink()
        Path(script.name).unlink()
    base = statistics.median(times["python -c pass"])
    print(f"CLI plan and screen, wall time, median of {runs}, run in turn")
    for label, values in times.items():
        ratio = statistics.median(values) / base
        note = "(floor)" if label.startswith("pydantic") else ""
        if label.startswith("acuback") and "full CLI" not in label:
            note = "(target <= 5 x)"
        print(f"  {label:<37} {_ms(values)}  {ratio:5.1f} x   {note}".rstrip())


if __name__ == "__main__":
    main()
