"""A page of plan summaries (keyset paging): the full plan is `GET /plans/{id}`."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from acuback.web.api.schemas.common import Out

__all__ = ["PlanPage", "PlanSummaryOut"]


class PlanSummaryOut(Out):
    id: int
    version: int
    patient_id: int
    intake_id: int
    status: str
    created_at: AwareDatetime
    accepted_by: int | None
    accepted_at: AwareDatetime | None
    points: int = Field(description="the number of points the plan holds")
    disposition: str | None = Field(description="the screening's verdict the plan rests on")


class PlanPage(Out):
    items: list[PlanSummaryOut] = Field(description="oldest first")
    next_cursor: str | None = Field(
        description="give it as `cursor` for the next page; null on the last page"
    )
