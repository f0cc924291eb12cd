"""The quick path answers `points show` exactly as the full CLI would, or steps aside."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acuback.cli import quick
from acuback.cli.app import main as full_main
from acuback.fingerprint import fingerprint
from acuback.knowledge import load_knowledge


def full_output(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert full_main(args) == 0
    return capsys.readouterr().out


def test_pages_are_fresh() -> None:
    header = Path(quick.PAGES).read_bytes().partition(b"\n")[0].decode()
    assert header.split()[-1] == fingerprint(quick.page_sources()), (
        "point_pages.dat is stale: run python scripts/snapshot_knowledge.py"
    )


def test_every_page_is_what_the_full_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    codes = list(load_knowledge().points)
    assert len(codes) > 361
    for code in codes:
        for form in ([], ["--json"]):
            args = ["points", "show", code, *form]
            page = quick.quick_page(args)
            assert page is not None, args
            assert page + "\n" == full_output(capsys, args), args


@pytest.mark.parametrize(
    "args",
    [
        ["points", "show", "bl23"],
        ["points", "show", "--json", "BL23"],
        ["points", "show", " ex-b2 ", "--json"],
    ],
)
def test_plain_codes_in_any_case_and_option_order(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert quick.quick_page(args) == full_output(capsys, args).removesuffix("\n")


@pytest.mark.parametrize(
    "args",
    [
        ["points", "show", "BL99"],  # unknown: the full CLI suggests the nearest codes
        ["points", "show", "Bl 23"],  # other spellings are the knowledge base's to read
        ["points", "show", "UB23", "--json"],
        ["points", "show", "BL23", "--json", "--json"],
        ["points", "show", "BL23", "BL40"],
        ["points", "show", "--help"],
        ["points", "show"],
        ["points", "search", "BL23"],
        ["points", "show", 'BL23", "x'],
        [],
    ],
)
def test_anything_else_goes_to_the_full_cli(args: list[str]) -> None:
    assert quick.quick_page(args) is None


def test_main_falls_back_with_the_full_cli_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert quick.main(["points", "show", "BL99"]) == 2
    err = capsys.readouterr().err
    assert "BL99" in err
    assert "BL67" in err


@pytest.mark.parametrize(
    "content",
    [
        None,  # missing
        b"acuback point pages 0000\n\x1eBL23\x1fstale json\x1fstale text",
        b"",
        b"\xff\xfe not a pages file",
    ],
    ids=["missing", "stale", "empty", "garbage"],
)
def test_a_missing_stale_or_broken_file_is_never_trusted(
    content: bytes | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pages = tmp_path / "point_pages.dat"
    if content is not None:
        pages.write_bytes(content)
    monkeypatch.setattr(quick, "PAGES", str(pages))
    args = ["points", "show", "BL23", "--json"]
    assert quick.quick_page(args) is None
    assert quick.main(args) == 0
    assert '"code": "BL23"' in capsys.readouterr().out


def test_a_truncated_record_is_never_trusted(tmp_path: Path) -> None:
    data = Path(quick.PAGES).read_bytes()
    start = data.index(b"\x1eBL23\x1f")
    pages = tmp_path / "point_pages.dat"
    pages.write_bytes(data[: start + 40])
    assert quick.quick_page(["points", "show", "BL23"], str(pages)) is None


def test_editing_knowledge_data_or_the_renderer_changes_the_fingerprint(tmp_path: Path) -> None:
    package = Path(quick.__file__).resolve().parents[1]
    copy = tmp_path / "acuback"
    for part in ("knowledge", "cli"):
        shutil.copytree(package / part, copy / part)
    before = fingerprint(quick.page_sources(str(copy)))
    assert before == fingerprint(quick.page_sources())
    names = [name for name, _ in quick.page_sources(str(copy))]
    assert "knowledge/data/points/BL.yaml" in names
    assert "knowledge/data/point_names.csv" in names
    assert "cli/knowledge.py" in names
    for edited in ("knowledge/data/points/BL.yaml", "cli/knowledge.py"):
        path = copy / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert fingerprint(quick.page_sources(str(copy))) != before, edited
        path.write_bytes(original)
