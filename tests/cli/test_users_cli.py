"""`acuback users totp-enrol|totp-confirm|totp-reset USERNAME`: the operator enrols a user's
second factor (the URI printed once, active after a first code) and removes it (a lost phone);
each step is audited; an unknown user, a patient or a wrong code is exit 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from acuback.cli import main
from acuback.records import UnitOfWork, upgrade
from acuback.services.demo import seed_demo
from acuback.web.security.passwords import hash_password


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    database = f"sqlite:///{Path(tmp_path_factory.mktemp('users')) / 'clinic.sqlite3'}"
    upgrade(database)
    with UnitOfWork(url=database) as uow:
        seed_demo(uow, hash_password)
    return database


def _totp(url: str, username: str) -> tuple[str | None, str | None]:
    with UnitOfWork(url=url) as uow:
        secret, pending, _ = uow.users.totp(uow.users.get_by_username(username).id or 0)
    return secret, pending


def _actions(url: str, username: str) -> list[str]:
    with UnitOfWork(url=url) as uow:
        user_id = uow.users.get_by_username(username).id
        entries = uow.audit.entries(entity="user", limit=100)
    return [e.action for e in entries if e.entity_id == str(user_id)]


def test_enrol_confirm_and_reset_are_audited(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "totp-enrol", "daniel", "--db", url, "--json"]) == 0
    uri = json.loads(capsys.readouterr().out)["otpauth_uri"]
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    assert _totp(url, "daniel") == (None, secret)  # pending until a first code
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    assert main(["users", "totp-confirm", "daniel", wrong, "--db", url]) == 2
    assert "CODE: wrong authenticator code" in capsys.readouterr().err
    assert _totp(url, "daniel") == (None, secret)
    assert main(["users", "totp-confirm", "DANIEL", pyotp.TOTP(secret).now(), "--db", url]) == 0
    assert "second factor active" in capsys.readouterr().out
    assert _totp(url, "daniel") == (secret, None)
    assert main(["users", "totp-reset", "daniel", "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"username": "daniel", "removed": "active"}
    assert _totp(url, "daniel") == (None, None)
    actions = _actions(url, "daniel")
    assert {"user.totp_enrol", "user.totp_confirm", "user.totp_reset"} <= set(actions), actions


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["totp-reset", "nobody"], "USERNAME"),
        (["totp-enrol", "ada"], "USERNAME"),  # a patient: staff only
        (["totp-confirm", "mei", "123456"], "CODE"),  # nothing pending
    ],
)
def test_bad_input_is_exit_2_naming_it(
    url: str, capsys: pytest.CaptureFixture[str], args: list[str], names: str
) -> None:
    before = _totp(url, "mei")
    assert main(["users", *args, "--db", url]) == 2
    err = capsys.readouterr().err.strip()
    assert names in err, err
    assert len(err.splitlines()) == 1, err
    assert _totp(url, "mei") == before
