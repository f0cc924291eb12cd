"""`acuback documents KIND ID --out FILE --db URL`: each document printed from a seeded clinic;
a bad id, an unknown kind or an unsigned session is exit 2 with one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from acuback.cli import main
from acuback.records import TreatmentSession, UnitOfWork, upgrade
from acuback.services.demo import seed_demo
from acuback.web.security.passwords import hash_password

from ..pdf_support import ensure_weasyprint_libraries, pdf_pages


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    ensure_weasyprint_libraries()
    url = f"sqlite:///{tmp_path_factory.mktemp('documents') / 'clinic.sqlite3'}"
    upgrade(url)
    with UnitOfWork(url=url) as uow:
        seed_demo(uow, hash_password)
        uow.commit()
    with UnitOfWork(url=url) as uow:
        fenwick = uow.patients.search("Fenwick")[0]
        plan = next(p for p in uow.plans.for_patient(fenwick.id or 0) if p.status == "accepted")
        signed = [s for s in uow.sessions.for_patient(fenwick.id or 0) if s.status == "signed"]
        draft = uow.sessions.add(
            TreatmentSession(
                patient_id=fenwick.id or 0, practitioner_id=1, session_date=date(2026, 3, 2)
            )
        )
        intake = uow.intakes.for_patient(fenwick.id or 0)[0]
        uow.commit()
    ids = {
        "plan": plan.id or 0,
        "session": signed[-1].id or 0,
        "draft": draft.id or 0,
        "intake": intake.id or 0,
    }
    return url, ids


@pytest.mark.parametrize(
    ("kind", "record", "words"),
    [
        ("superbill", "session", "Superbill"),
        ("referral", "intake", "Referral letter"),
        ("handout", "plan", "Your home acupressure points"),
        ("course-report", "plan", "STRICTA course report"),
        ("consent", "plan", "Consent to acupuncture"),
    ],
)
def test_each_document_is_printed(
    clinic: tuple[str, dict[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    record: str,
    words: str,
) -> None:
    url, ids = clinic
    out = tmp_path / f"{kind}.pdf"
    assert main(["documents", kind, str(ids[record]), "--out", str(out), "--db", url]) == 0
    assert words in " ".join(pdf_pages(out.read_bytes()))
    assert "SHA-256" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["superbill", "{draft}"], "is not signed"),
        (["superbill", "999999"], "unknown session '999999'"),
        (["letter", "1"], "KIND: unknown document 'letter'"),
        (["handout", "0"], "ID: must be a positive whole number"),
        (["consent", "{plan}", "--as", "nobody"], "--as: no user 'nobody'"),
        (["superbill", "{session}", "--as", "reception"], "may not"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    clinic: tuple[str, dict[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    url, ids = clinic
    out = tmp_path / "x.pdf"
    args = [a.format(**ids) for a in argv]
    assert main(["documents", *args, "--out", str(out), "--db", url]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert not out.exists()
