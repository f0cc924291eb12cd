"""The portal's questionnaires before a visit: one use case, one unit of work.

A patient answers any of NRS, PEG, RMDQ and STarT Back, and the red-flag questions of the
self-check. Every questionnaire is scored once, before anything is stored, so a form with a
mistake stores nothing. A yes to a red-flag question becomes a new intake: the patient's latest
intake again with the new findings and today's pain, screened like any intake, so that the
practitioner's dashboard raises a red-flag alert; `told` says whether one does (the patient
is in a practitioner's caseload), so the page promises only what happened. Without an earlier
intake there is nothing to screen it against, and the result says the answers were not sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from acuback.clinical.intake import parse_intake
from acuback.clinical.screening import ScreeningResult
from acuback.clinical.screening_rules import Policy
from acuback.errors import InputError
from acuback.records import Intake, OutcomeMeasurement, UnitOfWork
from acuback.services.access import Actor, authorize
from acuback.services.dashboard import red_flags_reach_a_practitioner
from acuback.services.intakes import list_intakes, submit_intake
from acuback.services.outcomes import score_answers, store_outcome

__all__ = ["QuestionnaireResult", "follow_up_intake", "submit_questionnaires"]


@dataclass(frozen=True)
class QuestionnaireResult:
    """What was stored: the scored questionnaires and, for red flags, the new intake."""

    stored: tuple[OutcomeMeasurement, ...]
    findings: tuple[str, ...]
    intake: Intake | None
    told: bool = False  # a practitioner's dashboard shows the red flags (dashboard alert)

    @property
    def screening(self) -> ScreeningResult | None:
        return self.intake.screening if self.intake else None

    @property
    def not_sent(self) -> bool:
        """Red flags were answered but there was no intake to add them to."""
        return bool(self.findings) and self.intake is None


def submit_questionnaires(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    answers: Mapping[str, Any],
    findings: Sequence[str],
    *,
    policy: Policy | None,
) -> QuestionnaireResult:
    """Score `answers` (instrument -> responses) and store them; add `findings` (red-flag
    answers) and today's NRS to a follow-up intake screened with the clinic's `policy`."""
    if not answers and not findings:
        raise InputError("questionnaires", "fill in at least one questionnaire or question")
    authorize(uow, actor, "outcome.write", entity="outcome", patient_id=patient_id)
    uow.patients.get(patient_id)
    scored = {name: score_answers(name, responses) for name, responses in answers.items()}
    follow_up = None
    if findings:
        intakes = list_intakes(uow, actor, patient_id)
        if intakes:
            follow_up = follow_up_intake(intakes[-1], findings, answers.get("nrs"))
    stored = tuple(
        store_outcome(uow, actor, patient_id, name, answers[name], result)
        for name, result in scored.items()
    )
    intake = submit_intake(uow, actor, patient_id, follow_up, policy=policy) if follow_up else None
    told = intake is not None and red_flags_reach_a_practitioner(uow, patient_id)
    return QuestionnaireResult(stored, tuple(findings), intake, told)


def follow_up_intake(latest: Intake, findings: Sequence[str], nrs: int | None) -> dict[str, Any]:
    """The latest intake again, with the new red-flag findings and today's pain added."""
    form = latest.payload
    pain = form.pain if nrs is None else form.pain.model_copy(update={"nrs": nrs})
    found = tuple(sorted(set(form.findings) | set(findings)))
    payload = form.model_copy(update={"findings": found, "pain": pain}).model_dump(mode="json")
    parse_intake(payload)  # the stored intake was valid; make sure the follow-up is too
    return payload
