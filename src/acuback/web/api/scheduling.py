"""Booking a course from a plan, and the clinic's calendar settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from acuback.clinical.scheduling import ProposedVisit
from acuback.services import course as courses
from acuback.web.api.schemas.care import AppointmentOut
from acuback.web.api.schemas.common import PathId
from acuback.web.api.schemas.scheduling import CourseIn, CourseOut, ProposedVisitOut
from acuback.web.deps import CurrentActor, UoW

__all__ = ["router"]

router = APIRouter()


def _visit_out(result: courses.CourseBooking, v: ProposedVisit) -> ProposedVisitOut:
    cover = v.coverage
    return ProposedVisitOut(
        number=v.number, starts_at=v.starts_at, ends_at=v.ends_at, local=result.when(v),
        reassessment=v.reassessment, covered=None if cover is None else cover.covered,
        coverage=None if cover is None else cover.reason,
    )  # fmt: skip


def course_out(result: courses.CourseBooking, dry_run: bool) -> CourseOut:
    visits = [_visit_out(result, v) for v in result.proposal.visits]
    assert result.calendar is not None
    return CourseOut(
        plan_id=result.plan_id, patient_id=result.patient_id, dry_run=dry_run,
        timezone=str(result.calendar.zone), payer_rule=result.payer_rule,
        improving=result.improving, payer_limit_policy=result.policy, visits=visits,
        skipped=list(result.proposal.skipped), short_by=result.proposal.short_by,
        refused=list(result.refused),
        booked=[AppointmentOut.model_validate(a) for a in result.booked],
    )  # fmt: skip


@router.post(
    "/plans/{plan_id}/course",
    response_model=CourseOut,
    status_code=status.HTTP_201_CREATED,
    tags=["appointments"],
)
def book_course(
    plan_id: PathId,
    body: CourseIn,
    uow: UoW,
    actor: CurrentActor,
    response: Response,
    dry_run: Annotated[bool, Query(description="only propose; book nothing")] = False,
) -> CourseOut:
    """Propose (`dry_run=true`, 200) or book (201) the course of an accepted plan: all visits
    or none; a clash or a payer limit the clinic enforces is a 409 naming it."""
    prefs = courses.CoursePreferences(
        body.practitioner_id, body.first_day, tuple(body.weekdays), tuple(body.times),
        body.room_id, body.minutes, body.limit_reason,
    )  # fmt: skip
    result = courses.book_course(uow, actor, plan_id, prefs, dry_run=dry_run)
    if dry_run:
        response.status_code = status.HTTP_200_OK
    return course_out(result, dry_run)
