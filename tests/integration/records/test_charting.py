"""Session charting: needles, signing, the lock, amendments, adverse events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from acuback.errors import Conflict, InputError, NotFound
from acuback.records import AdverseEvent, NeedleInsertion, TreatmentSession, UnitOfWork

from .conftest import Clinic

UoW = Callable[[], UnitOfWork]

NEEDLES = (
    NeedleInsertion(point="BL23", side="bilateral", depth_mm=25, angle="perpendicular"),
    NeedleInsertion(
        point="BL25",
        side="left",
        depth_mm=30,
        angle="perpendicular",
        stimulation="electro",
        frequency_hz=2,
        intensity="to tolerance",
        pairing="BL23",
        retention_minutes=20,
    ),
    NeedleInsertion(
        point="GB21",
        side="right",
        depth_mm=12,
        angle="oblique",
        override_reason="patient's shoulder pain; shallow oblique needling, lung apex avoided",
    ),
)


def _chart(clinic: Clinic, **changes: object) -> TreatmentSession:
    fields: dict[str, object] = {
        "patient_id": clinic.patient_id,
        "practitioner_id": clinic.practitioner_id,
        "session_date": date(2026, 6, 1),
        "needle_gauge_mm": 0.25,
        "needle_length_mm": 40,
        "needle_make": "Seirin J-type",
        "needles_in": 4,
        "needles_out": 4,
        "retention_minutes": 20,
        "moxibustion": {"kind": "warm_needle", "points": ["BL23"]},
        "tui_na": {"minutes": 10},
        "other_components": ({"kind": "advice", "text": "walk daily"},),
        "pain_before": 6,
        "pain_after": 4,
        "notes": "<b>inert</b> markup is kept as text",
        "needles": NEEDLES,
    }
    return TreatmentSession.model_validate({**fields, **changes})


def test_chart_round_trip_with_needles(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        added = work.sessions.add(_chart(clinic))
        work.commit()
    with uow() as work:
        stored = work.sessions.get(added.id or 0)
    assert [n.point for n in stored.needles] == ["BL23", "BL25", "GB21"]
    assert stored.needles[1].frequency_hz == 2
    assert stored.needles[1].pairing == "BL23"
    assert stored.needles[2].override_reason is not None
    assert stored.moxibustion == {"kind": "warm_needle", "points": ["BL23"]}
    assert stored.other_components == ({"kind": "advice", "text": "walk daily"},)
    assert stored.status == "draft"
    assert stored.version == 1
    assert stored.model_dump(exclude={"id", "version", "needles"}) == _chart(clinic).model_dump(
        exclude={"id", "version", "needles"}
    )


def test_draft_update_replaces_needles(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        draft = work.sessions.add(_chart(clinic))
        updated = work.sessions.update(
            draft.model_copy(update={"needles": NEEDLES[:1], "pain_after": 3})
        )
        work.commit()
    with uow() as work:
        stored = work.sessions.get(updated.id or 0)
    assert [n.point for n in stored.needles] == ["BL23"]
    assert stored.pain_after == 3
    assert stored.version == 2


def test_needle_count_mismatch_blocks_signing(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        draft = work.sessions.add(_chart(clinic, needles_out=3))
        assert draft.needle_count_mismatch
        with pytest.raises(Conflict, match="4 needles in but 3 out"):
            work.sessions.sign(draft, clinic.practitioner_user_id)
        uncounted = work.sessions.add(_chart(clinic, needles_out=None))
        with pytest.raises(Conflict, match="count needles"):
            work.sessions.sign(uncounted, clinic.practitioner_user_id)


def test_signed_session_is_locked_and_amendments_keep_the_original(
    uow: UoW, clinic: Clinic
) -> None:
    with uow() as work:
        signed = work.sessions.sign(work.sessions.add(_chart(clinic)), clinic.practitioner_user_id)
        work.commit()
    assert signed.status == "signed"
    assert signed.signed_by == clinic.practitioner_user_id
    with uow() as work:
        with pytest.raises(Conflict, match="signed"):
            work.sessions.update(signed.model_copy(update={"notes": "rewritten"}))
        with pytest.raises(Conflict, match="already signed"):
            work.sessions.sign(signed, clinic.practitioner_user_id)
        amendment = work.sessions.amend(
            signed.id or 0,
            clinic.practitioner_user_id,
            "pain after was misread",
            {"pain_after": 2, "notes": "corrected"},
            at=datetime(2026, 6, 2, 10, tzinfo=UTC),
        )
        work.commit()
    assert amendment.changes == {"pain_after": 2, "notes": "corrected"}
    with uow() as work:
        original = work.sessions.get(signed.id or 0)
        effective = work.sessions.effective(signed.id or 0)
        history = work.sessions.amendments(signed.id or 0)
    # The signed row's content never changed; its version moved on with the amendment.
    assert original == signed.model_copy(update={"version": signed.version + 1})
    assert (effective.pain_after, effective.notes) == (2, "corrected")
    assert [a.reason for a in history] == ["pain after was misread"]


def test_amendments_are_validated(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        draft = work.sessions.add(_chart(clinic))
        with pytest.raises(Conflict, match="draft"):
            work.sessions.amend(draft.id or 0, clinic.practitioner_user_id, "r", {"notes": "x"})
        signed = work.sessions.sign(draft, clinic.practitioner_user_id)
        with pytest.raises(InputError, match=r"changes\.signed_by"):
            work.sessions.amend(signed.id or 0, clinic.practitioner_user_id, "r", {"signed_by": 9})
        with pytest.raises(InputError, match="pain_after"):
            work.sessions.amend(
                signed.id or 0, clinic.practitioner_user_id, "r", {"pain_after": 11}
            )
        with pytest.raises(InputError, match="reason"):
            work.sessions.amend(signed.id or 0, clinic.practitioner_user_id, " ", {"notes": "x"})


def test_needle_rules() -> None:
    with pytest.raises(ValidationError, match="frequency_hz"):
        NeedleInsertion(
            point="BL23", side="left", depth_mm=20, angle="perpendicular", stimulation="electro"
        )
    with pytest.raises(ValidationError, match="side"):
        NeedleInsertion(point="BL23", side="up", depth_mm=20, angle="perpendicular")
    with pytest.raises(ValidationError, match="depth_mm"):
        NeedleInsertion(point="BL23", side="left", depth_mm=0, angle="perpendicular")


def test_adverse_events(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        signed = work.sessions.sign(work.sessions.add(_chart(clinic)), clinic.practitioner_user_id)
        event = work.adverse_events.add(  # after signing: events are separate records
            AdverseEvent(
                session_id=signed.id or 0,
                patient_id=clinic.patient_id,
                occurred_at=datetime(2026, 6, 1, 11, tzinfo=UTC),
                type="bleeding_haematoma",
                severity="mild",
                action_taken="pressure for two minutes",
            )
        )
        with pytest.raises(InputError, match="patient_id"):
            work.adverse_events.add(
                event.model_copy(update={"id": None, "patient_id": clinic.other_patient_id})
            )
        with pytest.raises(NotFound, match="session '999'"):
            work.adverse_events.add(event.model_copy(update={"id": None, "session_id": 999}))
        work.commit()
    with uow() as work:
        assert work.adverse_events.for_session(signed.id or 0) == [event]
        assert work.adverse_events.for_patient(clinic.patient_id) == [event]
    with pytest.raises(ValidationError, match="description"):
        AdverseEvent(
            session_id=1,
            patient_id=1,
            occurred_at=datetime(2026, 6, 1, tzinfo=UTC),
            type="other",
            severity="moderate",
            action_taken="observed",
        )


def test_a_needle_correction_is_an_amendment(uow: UoW, clinic: Clinic) -> None:
    with uow() as work:
        signed = work.sessions.sign(work.sessions.add(_chart(clinic)), clinic.practitioner_user_id)
        corrected = [needle.model_dump() for needle in signed.needles]
        corrected[0]["depth_mm"] = 20
        work.sessions.amend(
            signed.id or 0, clinic.practitioner_user_id, "depth", {"needles": corrected}
        )
        work.commit()
    with uow() as work:
        assert work.sessions.get(signed.id or 0).needles[0].depth_mm == 25
        assert work.sessions.effective(signed.id or 0).needles[0].depth_mm == 20


def test_signature_fits_status() -> None:
    with pytest.raises(ValidationError, match="signed_at and signed_by"):
        TreatmentSession(
            patient_id=1, practitioner_id=1, session_date=date(2026, 6, 1), signed_by=1
        )


def test_two_simultaneous_amendments_one_wins_the_other_conflicts(
    uow: UoW, clinic: Clinic, engine: Engine
) -> None:
    """Both correct the chart as read at the same version: the second gets Conflict, whether it
    is seen stale when checked (read after the first commit) or only when written (read before;
    PostgreSQL only, as SQLite's one pooled connection queues units of work)."""
    with uow() as work:
        signed = work.sessions.sign(work.sessions.add(_chart(clinic)), clinic.practitioner_user_id)
        work.commit()
    chart_id, user, read = signed.id or 0, clinic.practitioner_user_id, signed.version
    if engine.dialect.name == "postgresql":
        with uow() as first, uow() as second:
            assert second.sessions.get(chart_id).version == read  # read before the first wins
            first.sessions.amend(chart_id, user, "one", {"notes": "first"}, version=read)
            first.commit()
            with pytest.raises(Conflict, match="someone else"):
                second.sessions.amend(chart_id, user, "two", {"notes": "second"}, version=read)
    else:
        with uow() as first:
            first.sessions.amend(chart_id, user, "one", {"notes": "first"}, version=read)
            first.commit()
    with uow() as late, pytest.raises(Conflict, match="amended by someone else"):
        late.sessions.amend(chart_id, user, "three", {"notes": "third"}, version=read)
    with uow() as work:
        assert work.sessions.effective(chart_id).notes == "first"
        assert [a.reason for a in work.sessions.amendments(chart_id)] == ["one"]
