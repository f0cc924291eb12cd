"""Intake -> plan -> accept (with edits re-checked) -> outcomes -> trajectory; demo; reports."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acuback.clinical.intake import parse_intake
from acuback.errors import Conflict, InputError
from acuback.services import dashboard, intakes, outcomes, people, plans, research
from acuback.services.demo import DEMO_LOGINS, is_empty, seed_demo

from .conftest import DemoClinic


def test_intake_is_validated_and_screened(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    patient_id = demo.patient_id("Fenwick")
    bad = {
        "age": 46,
        "sex": "female",
        "pain": {"regions": ["lower_back"], "onset_weeks": 3, "nrs": 11},
    }
    with demo.uow() as uow, pytest.raises(InputError) as caught:
        intakes.submit_intake(uow, mei, patient_id, bad, policy=None)
    assert caught.value.field == "pain.nrs"
    payload = {
        "age": 46,
        "sex": "female",
        "findings": ["saddle_anaesthesia"],
        "pain": {"regions": ["lower_back"], "onset_weeks": 3, "nrs": 5},
    }
    with demo.uow() as uow:
        stored = intakes.submit_intake(uow, mei, patient_id, payload, policy=None)
    assert stored.disposition == "emergency"
    assert stored.payload == parse_intake(payload)  # stored as given, as the core's model


def test_plan_edits_are_rechecked_against_the_screening(demo: DemoClinic) -> None:
    mei = demo.actor("daniel")
    grace = demo.patient_id("Holloway")  # pregnant: LI4 is avoided
    with demo.uow() as uow:
        intake = uow.intakes.for_patient(grace)[0]
        proposed = plans.generate_plan(uow, mei, intake.id or 0, policy=None)
    assert proposed.payload.points, "a caution disposition still gets a plan"
    assert "LI4" not in {p.code for p in proposed.payload.points}
    edit = [{"code": "LI4", "side": "both"}]
    with demo.uow() as uow, pytest.raises(InputError) as caught:
        plans.accept_plan(uow, mei, proposed.id or 0, proposed.version, points=edit)
    assert caught.value.field == "points[0].code"
    deep = [{"code": "KI3", "side": "both", "depth_mm": (5, 90)}]
    with demo.uow() as uow, pytest.raises(InputError) as too_deep:
        plans.accept_plan(uow, mei, proposed.id or 0, proposed.version, points=deep)
    assert too_deep.value.field == "points[0].depth_mm"
    keep = [{"code": "KI3", "side": "left"}]
    with demo.uow() as uow:
        accepted = plans.accept_plan(uow, mei, proposed.id or 0, proposed.version, points=keep)
    assert accepted.status == "accepted"
    assert [(p.code, p.side) for p in accepted.payload.points] == [("KI3", "left")]


def test_no_plan_to_accept_when_referred(demo: DemoClinic) -> None:
    mei = demo.actor("mei")
    karen = demo.patient_id("Duval")
    with demo.uow() as uow:
        proposed = plans.generate_plan(
            uow, mei, uow.intakes.for_patient(karen)[0].id or 0, policy=None
        )
    assert proposed.payload.points == ()
    assert proposed.payload.instead
    with demo.uow() as uow, pytest.raises(Conflict, match="refer"):
        plans.accept_plan(uow, mei, proposed.id or 0, proposed.version)


def test_outcome_is_scored_and_the_trajectory_judged(
    demo: DemoClinic, fresh_patient: Callable[[], int]
) -> None:
    mei = demo.actor("mei")
    patient_id = fresh_patient()
    with demo.uow() as uow:
        first = outcomes.record_outcome(uow, mei, patient_id, "peg", [6, 7, 5])
    assert first.score == 6.0
    with demo.uow() as uow:
        report = outcomes.patient_trajectory(uow, mei, patient_id)
    assert report.trajectories == ()
    assert report.waiting == ("peg",)
    with demo.uow() as uow, pytest.raises(InputError) as caught:
        outcomes.record_outcome(uow, mei, patient_id, "vas", [1])
    assert caught.value.field == "instrument"


def test_demo_covers_the_dispositions_and_trajectories(demo: DemoClinic) -> None:
    with demo.uow() as uow:
        patients = uow.patients.all(limit=100)
        latest = {
            p.family_name: uow.intakes.for_patient(p.id or 0)[0].disposition
            for p in patients
            if p.family_name != "Person"
        }
        assert not is_empty(uow)
        with pytest.raises(Conflict):
            seed_demo(uow, str)
    assert {"proceed", "caution", "refer", "emergency", "clearance"} <= set(latest.values())
    verdicts = set()
    for name in ("Fenwick", "Moreau"):
        patient_id = demo.patient_id(name)
        with demo.uow() as uow:
            report = outcomes.trajectory_of(uow, patient_id)
        verdicts |= {t.verdict for t in report.trajectories}
    assert {"improving", "not_improving_reconsider"} <= verdicts
    assert {login.role for login in DEMO_LOGINS} == {
        "admin",
        "practitioner",
        "reception",
        "patient",
        "researcher",
    }


def test_dashboard_alerts(demo: DemoClinic) -> None:
    with demo.uow() as uow:
        board = dashboard.dashboard(uow, demo.actor("mei"), demo.today)
    kinds = {alert.kind for alert in board.alerts}
    assert {"not_improving", "reassessment_due", "red_flags", "licence_expiring"} <= kinds
    assert board.appointments
    assert all(a.practitioner_id == 1 for a in board.appointments)
    with demo.uow() as uow:
        admin_board = dashboard.dashboard(uow, demo.actor("admin"), demo.today)
    # The administrator reads no clinical records: only the licence alerts.
    assert {alert.kind for alert in admin_board.alerts} == {"licence_expiring"}


def test_research_aggregates_carry_no_identifiers(demo: DemoClinic) -> None:
    with demo.uow() as uow:
        figures = research.research_aggregates(uow, demo.actor("researcher"), min_cell=1)
        names = [(p.given_name, p.family_name, p.public_id) for p in uow.patients.all(limit=100)]
    text = repr(figures)
    for given, family, public_id in names:
        assert family not in text
        assert given not in text
        assert str(public_id) not in text
    assert figures.patients >= 12
    assert figures.sessions_signed > 0
    assert any(group.responder_rate is not None for group in figures.outcomes)
    with demo.uow() as uow:
        strict = research.research_aggregates(uow, demo.actor("researcher"), min_cell=1000)
    assert all(g.suppressed and g.responder_rate is None for g in strict.outcomes)
    assert all(g.patients is None for g in strict.outcomes)


def test_research_aggregates_publish_no_small_cell(demo: DemoClinic) -> None:
    # The same rule for every count: never 1 or 2 patients (or events), whatever the table.
    with demo.uow() as uow:
        figures = research.research_aggregates(uow, demo.actor("researcher"))
    cells = [
        *figures.by_disposition.values(),
        *figures.by_condition.values(),
        *figures.adverse_events.values(),
        *(group.patients for group in figures.outcomes),
    ]
    assert None in cells  # the demo clinic has single-patient conditions
    assert all(cell is None or cell >= figures.min_cell for cell in cells), cells


def test_a_practitioner_update_audits_which_fields_changed(demo: DemoClinic) -> None:
    admin = demo.actor("admin")
    with demo.uow() as uow:
        before = uow.practitioners.all()[0]
        assert before.id is not None
        people.update_practitioner(
            uow, admin, before.id, before.version, {"years_in_practice": 12, "licence_body": "BAcC"}
        )
    with demo.uow() as uow:
        entry = uow.audit.entries(actor="admin", limit=1)[0]
        assert uow.audit.verify().ok
    assert (entry.action, entry.entity_id) == ("practitioner.update", str(before.id))
    assert entry.detail["fields"] == ["licence_body", "years_in_practice"]
