"""Charting use cases: overrides, signing rules, amendments, prefill."""

from __future__ import annotations

from typing import Any

import pytest

from acuback.errors import Conflict, InputError
from acuback.services import charting

from .conftest import DemoClinic


def _needle(point: str, depth: float, **extra: Any) -> dict[str, Any]:
    return {
        "point": point,
        "side": "bilateral",
        "depth_mm": depth,
        "angle": "perpendicular",
        **extra,
    }


def _chart(demo: DemoClinic, patient: str, needles: list[dict[str, Any]], count: int) -> Any:
    mei = demo.actor("mei")
    data = {
        "patient_id": demo.patient_id(patient),
        "session_date": demo.today.isoformat(),
        "needles": needles,
        "needles_in": count,
        "needles_out": count,
    }
    with demo.uow() as uow:
        return charting.chart_session(uow, mei, data)


def test_forbidden_point_needs_an_override_reason_before_signing(demo: DemoClinic) -> None:
    # Grace is pregnant (20 weeks): SP6 is classically forbidden in pregnancy.
    view = _chart(demo, "Holloway", [_needle("SP6", 10), _needle("KI3", 5)], 4)
    sp6, ki3 = view.checks
    assert sp6.needs_override
    assert not sp6.resolved
    assert "SP6" in sp6.problems[0]
    assert not ki3.needs_override
    mei = demo.actor("mei")
    session_id, version = view.session.id, view.session.version
    with demo.uow() as uow, pytest.raises(Conflict, match="override reason"):
        charting.sign_session(uow, mei, session_id, version)
    reason = "Obstetrician agreed; patient consented after discussion"
    needles = [_needle("SP6", 10, override_reason=reason), _needle("KI3", 5)]
    fixed = {
        "session_date": demo.today.isoformat(),
        "needles_in": 4,
        "needles_out": 4,
        "needles": needles,
    }
    with demo.uow() as uow:
        updated = charting.update_session(uow, mei, session_id, version, fixed)
    with demo.uow() as uow:
        signed = charting.sign_session(uow, mei, session_id, updated.session.version)
    assert signed.session.status == "signed"
    assert signed.session.needles[0].override_reason == reason
    assert signed.checks[0].resolved
    assert signed.checks[0].override_reason == reason


def test_depth_beyond_the_limit_needs_an_override(demo: DemoClinic) -> None:
    view = _chart(demo, "Fenwick", [_needle("BL23", 35)], 2)
    (check,) = view.checks
    assert any("deeper than" in problem for problem in check.problems)


def test_electro_with_a_pacemaker_needs_an_override(demo: DemoClinic) -> None:
    needle = _needle("BL40", 10, stimulation="electro", frequency_hz=2.0)
    view = _chart(demo, "Pryce", [needle], 2)
    assert any("electroacupuncture" in problem for problem in view.checks[0].problems)


def test_needle_count_mismatch_blocks_signing(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    data = {
        "patient_id": demo.patient_id("Fenwick"),
        "session_date": demo.today.isoformat(),
        "needles": [_needle("BL40", 10)],
        "needles_in": 2,
        "needles_out": 1,
    }
    with demo.uow() as uow:
        view = charting.chart_session(uow, mei, data)
    assert view.session.needle_count_mismatch
    with (
        demo.uow() as uow,
        pytest.raises(Conflict, match="2 needles in, 1 out: count the needles again"),
    ):
        charting.sign_session(uow, mei, view.session.id or 0, view.session.version)


def test_amendment_keeps_the_original(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    view = _chart(demo, "Fenwick", [_needle("BL40", 10)], 2)
    with demo.uow() as uow:
        charting.sign_session(uow, mei, view.session.id or 0, view.session.version)
    with demo.uow() as uow:
        amended = charting.amend_session(
            uow, mei, view.session.id or 0, "typo in the pain score", {"pain_after": 2}
        )
    assert amended.session.pain_after == 2
    assert amended.original.pain_after is None
    assert [a.reason for a in amended.amendments] == ["typo in the pain score"]


def test_amended_needles_must_carry_their_override(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    view = _chart(demo, "Holloway", [_needle("KI3", 5)], 2)
    with demo.uow() as uow:
        charting.sign_session(uow, mei, view.session.id or 0, view.session.version)
    with demo.uow() as uow, pytest.raises(InputError) as caught:
        charting.amend_session(
            uow, mei, view.session.id or 0, "forgot a point", {"needles": [_needle("LI4", 5)]}
        )
    assert caught.value.field == "changes.needles[0].override_reason"


def test_unknown_point_names_the_field(demo: DemoClinic) -> None:
    with pytest.raises(InputError) as caught:
        _chart(demo, "Fenwick", [_needle("BL99", 5)], 2)
    assert caught.value.field == "needles[0].point"


def test_prefill_comes_from_the_last_session_else_the_plan(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    moreau, reyes = demo.patient_id("Moreau"), demo.patient_id("Reyes")
    with demo.uow() as uow:
        from_session = charting.prefill_session(uow, mei, moreau)
        from_plan = charting.prefill_session(uow, mei, reyes)
        last_date = uow.sessions.for_patient(moreau)[-1].session_date
    assert from_session["source"] == f"the last session ({last_date.isoformat()})"
    assert from_session["needles"]
    # John Reyes has a proposed (not accepted) plan and no session: nothing to copy.
    assert "source" not in from_plan
    assert from_plan["needles"] == []


def test_a_later_refer_screening_overrides_the_accepted_plans_screening(
    demo: DemoClinic, fresh_patient: Any
) -> None:
    """Item 6: once the latest screening says refer, every needle of a chart from the old
    (proceed) plan needs an override reason, and signing is refused until each has one."""
    from acuback.services import intakes, plans

    mei = demo.actor("mei")
    patient_id = fresh_patient()
    with demo.uow() as uow:
        (first,) = intakes.list_intakes(uow, mei, patient_id)
        plan = plans.generate_plan(uow, mei, first.id or 0, policy=None)
        plans.accept_plan(uow, mei, plan.id or 0, plan.version)
        refer = {
            "age": 40,
            "sex": "male",
            "findings": ["fever", "iv_drug_use"],
            "pain": {"regions": ["lower_back"], "onset_weeks": 22, "nrs": 7},
        }
        stored = intakes.submit_intake(uow, mei, patient_id, refer, policy=None)
        assert stored.disposition == "refer"
        draft = charting.prefill_session(uow, mei, patient_id)
    assert draft["plan_id"] == plan.id
    count = len(draft["needles"])
    assert count
    data = {key: draft[key] for key in ("patient_id", "plan_id", "session_date", "needles")}
    data |= {"needles_in": count, "needles_out": count}
    with demo.uow() as uow:
        view = charting.chart_session(uow, mei, data)
    assert len(view.unresolved) == count
    assert all("the screening says refer" in check.problems[0] for check in view.checks)
    with demo.uow() as uow, pytest.raises(Conflict, match="needs an override reason"):
        charting.sign_session(uow, mei, view.session.id or 0, view.session.version)
    reason = "GP reviewed today: infection ruled out, treatment agreed"
    data["needles"] = [{**n, "override_reason": reason} for n in draft["needles"]]
    with demo.uow() as uow:
        updated = charting.update_session(uow, mei, view.session.id or 0, 1, data)
        signed = charting.sign_session(uow, mei, view.session.id or 0, updated.session.version)
    assert signed.session.status == "signed"


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ((10, 9), "10 needles in, 9 out: count the needles again"),
        ((None, 3), "count the needles: enter how many went in and how many came out"),
    ],
)
def test_refusal_to_sign_speaks_to_the_practitioner(
    demo: DemoClinic, counts: tuple[int | None, int], words: str
) -> None:
    mei = demo.actor("mei")
    data = {
        "patient_id": demo.patient_id("Fenwick"),
        "session_date": demo.today.isoformat(),
        "needles": [_needle("BL40", 10)],
        "needles_in": counts[0],
        "needles_out": counts[1],
    }
    with demo.uow() as uow:
        view = charting.chart_session(uow, mei, data)
    session_id = view.session.id or 0
    with demo.uow() as uow, pytest.raises(Conflict) as caught:
        charting.sign_session(uow, mei, session_id, view.session.version)
    message = str(caught.value)
    assert message.startswith(words)
    assert f"session {session_id}" not in message


def test_adverse_events_are_listed_with_permission_and_audit(demo: DemoClinic) -> None:
    from datetime import UTC, datetime

    from acuback.errors import Forbidden

    mei, reception = demo.actor("mei"), demo.actor("reception")
    view = _chart(demo, "Fenwick", [_needle("BL40", 10)], 2)
    patient_id = view.session.patient_id
    event = {
        "occurred_at": datetime.now(UTC),
        "type": "bleeding_haematoma",
        "severity": "mild",
        "action_taken": "pressure applied",
    }
    with demo.uow() as uow:
        recorded = charting.record_adverse_event(uow, mei, view.session.id or 0, event)
    with demo.uow() as uow:
        listed = charting.list_adverse_events(uow, mei, patient_id)
        entry = uow.audit.entries(actor="mei", limit=1)[0]
    assert recorded.id in {e.id for e in listed}
    assert all(e.patient_id == patient_id for e in listed)
    assert (entry.action, entry.outcome, entry.entity_id) == (
        "adverse_event.list",
        "success",
        str(patient_id),
    )
    with demo.uow() as uow, pytest.raises(Forbidden):
        charting.list_adverse_events(uow, reception, patient_id)
    with demo.uow() as uow:
        denied = uow.audit.entries(actor="reception", limit=1)[0]
    assert (denied.entity, denied.outcome) == ("adverse_event", "denied")
