"""The care documents of a plan: the patient handout, the STRICTA course report (PDF and its
JSON twin) and the consent form. Issued, stored and audited as `documents` does.

The figures are the pages' own (body map, progress chart): the caller passes the `Figures`
that draws them, so that a document shows exactly the SVG its page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from acuback.clinical.risks import load_risks
from acuback.clinical.stricta import point_frequency, stricta_items
from acuback.errors import Conflict
from acuback.interop.documents import render_pdf
from acuback.knowledge import load_knowledge
from acuback.records import OutcomeMeasurement, Plan, TreatmentSession, UnitOfWork
from acuback.records.documents import DocumentKind, IssuedDocument
from acuback.services.access import Actor, audit
from acuback.services.document_fields import (
    intake_pregnant,
    plan_course,
    plan_points,
    plan_self_care,
    screening_cautions,
    screening_notes,
)
from acuback.services.documents import authorize_document, issue, letterhead

__all__ = [
    "Figures",
    "course_report",
    "course_report_json",
    "issue_consent",
    "issue_course_report",
    "issue_handout",
]


class Figures(Protocol):
    """Draws the pages' inline SVG figures (web.views.figures implements it)."""

    def body_map(self, codes: Sequence[str], title: str) -> str: ...

    def progress(
        self,
        measurements: Iterable[OutcomeMeasurement],
        sessions: Iterable[TreatmentSession],
        title: str,
    ) -> str: ...


def _plan(uow: UnitOfWork, actor: Actor, plan_id: int) -> Plan:
    plan = uow.plans.get(plan_id)
    authorize_document(uow, actor, "plan", plan_id, plan.patient_id, "document.issue")
    return plan


def _issue(
    uow: UnitOfWork,
    actor: Actor,
    plan: Plan,
    kind: DocumentKind,
    template: str,
    context: dict[str, Any],
) -> IssuedDocument:
    head = letterhead(uow.clinic.get(), uow.patients.get(plan.patient_id))
    pdf = render_pdf(template, head, context)
    return issue(
        uow,
        actor,
        IssuedDocument(
            kind=kind,
            subject="plan",
            subject_id=plan.id or 0,
            patient_id=plan.patient_id,
            content=pdf,
        ),
    )


def _pregnancy_points() -> list[dict[str, str]]:
    """Points flagged for pregnancy in the knowledge base, with the flag's kind."""
    kb = load_knowledge()
    rows = []
    for point in kb.points.values():
        for flag in point.flags:
            if flag.kind in ("pregnancy_forbidden", "pregnancy_caution"):
                rows.append(
                    {"code": point.code, "name": point.english, "kind": flag.kind.replace("_", " ")}
                )
    return rows


def _booked(uow: UnitOfWork, patient_id: int) -> list[datetime]:
    now = datetime.now(UTC)
    return [
        a.starts_at
        for a in uow.appointments.for_patient(patient_id)
        if a.status == "booked" and a.starts_at >= now
    ]


def issue_handout(uow: UnitOfWork, actor: Actor, plan_id: int, figures: Figures) -> IssuedDocument:
    """The patient's handout of an accepted plan: home points on the body map, how to press
    them, the course, what to expect (after-effects with frequencies), when to seek help."""
    plan = _plan(uow, actor, plan_id)
    if plan.status != "accepted":
        raise Conflict(
            f"plan {plan_id} is {plan.status}: a handout is printed from an accepted plan"
        )
    kb = load_knowledge()
    points = [
        {**p, "where": kb.points[p["code"]].location if p["code"] in kb.points else ""}
        for p in plan_self_care(plan)
    ]
    codes = [str(p["code"]) for p in points]
    intake = uow.intakes.get(plan.intake_id)
    context = {
        "title": "Your acupuncture and home acupressure",
        "points": points,
        "body_map": figures.body_map(codes, "Your home acupressure points"),
        "course": plan_course(plan),
        "booked": _booked(uow, plan.patient_id),
        "risks": load_risks(),
        "pregnancy_points": _pregnancy_points(),
        "pregnant": intake_pregnant(intake),
        "sources": kb.sources,
    }
    return _issue(uow, actor, plan, "handout", "handout.html", context)


def issue_consent(uow: UnitOfWork, actor: Actor, plan_id: int) -> IssuedDocument:
    """The consent form: the risks with their frequencies, the patient's own cautions from
    the screening, signature lines."""
    plan = _plan(uow, actor, plan_id)
    intake = uow.intakes.get(plan.intake_id)
    context = {
        "title": "Consent to acupuncture",
        "risks": load_risks(),
        "cautions": screening_cautions(intake),
        "notes": screening_notes(intake),
        "sources": load_knowledge().sources,
        "methods": [m.model_dump(mode="json") for m in plan.payload.methods],
    }
    return _issue(uow, actor, plan, "consent", "consent.html", context)


def _charts(uow: UnitOfWork, plan: Plan) -> list[TreatmentSession]:
    return [
        c
        for c in uow.sessions.effective_for_patient(plan.patient_id)
        if c.status == "signed" and c.plan_id == plan.id
    ]


def course_report(uow: UnitOfWork, actor: Actor, plan_id: int) -> dict[str, Any]:
    """The STRICTA report of a plan's course as data (the JSON twin of the PDF)."""
    plan = _plan(uow, actor, plan_id)
    charts = _charts(uow, plan)
    rows = [c.model_dump(mode="python") for c in charts]
    who = uow.practitioners.get(charts[-1].practitioner_id) if charts else None
    events = [e for c in charts for e in uow.adverse_events.for_session(c.id or 0)]
    outcomes = uow.outcomes.for_patient(plan.patient_id)
    counts = [c.needles_in for c in charts if c.needles_in is not None]
    return {
        "plan_id": plan_id,
        "patient_id": plan.patient_id,
        "status": plan.status,
        "sessions": len(charts),
        "items": stricta_items(
            plan_points=plan_points(plan),
            course=plan_course(plan),
            self_care=plan_self_care(plan),
            charts=rows,
            practitioner=who.model_dump() if who else None,
        ),
        "points": point_frequency(rows),
        "mean_needles": round(sum(counts) / len(counts), 1) if counts else None,
        "adverse_events": [e.model_dump(mode="json", exclude={"version"}) for e in events],
        "outcomes": [
            {"instrument": o.instrument, "measured_on": o.measured_on.isoformat(), "score": o.score}
            for o in outcomes
        ],
        "session_pain": [
            {"date": c.session_date.isoformat(), "before": c.pain_before, "after": c.pain_after}
            for c in charts
        ],
        "source": "stricta2010",
    }


def course_report_json(uow: UnitOfWork, actor: Actor, plan_id: int) -> dict[str, Any]:
    """The JSON twin, audited as a read of the plan's course."""
    report = course_report(uow, actor, plan_id)
    audit(
        uow,
        actor,
        "plan.course_report",
        "plan",
        plan_id,
        {"patient_id": report["patient_id"], "sessions": report["sessions"]},
    )
    return report


def issue_course_report(
    uow: UnitOfWork, actor: Actor, plan_id: int, figures: Figures
) -> IssuedDocument:
    report = course_report(uow, actor, plan_id)
    plan = uow.plans.get(plan_id)
    charts = _charts(uow, plan)
    chart = figures.progress(
        uow.outcomes.for_patient(plan.patient_id), charts, "Outcome trajectory"
    )
    context = {
        "title": "STRICTA course report",
        "report": report,
        "progress": chart,
        "citation": load_knowledge().sources["stricta2010"].citation,
    }
    return _issue(uow, actor, plan, "course_report", "course_report.html", context)
