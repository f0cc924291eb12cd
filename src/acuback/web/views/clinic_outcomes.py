"""Outcome questionnaires (under /clinic): NRS, PEG, RMDQ-24, STarT Back and ODI.

The forms carry short labels of our own, never the licensed item wording: RMDQ-24 as 24
yes/no statements summarised in a few words, STarT Back with its copyright notice as shipped in
the instruments data, and the ODI entered as the ten section scores (0-5) read off the paper
form. `services.outcomes.record_outcome` scores and stores the answers; the browser is then
redirected (303) to the saved measurement's own page (`services.outcomes.get_outcome`), which
shows the score and the updated progress chart, so a reload reads and never posts again.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from acuback.clinical.instruments import Instrument, instrument, load_instruments
from acuback.errors import InputError
from acuback.services import charting, outcomes, people
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import (
    Clinician,
    FormFields,
    PageRoute,
    PathId,
    actor_of,
    field,
    redirect,
)
from acuback.web.views.figures import progress_figure
from acuback.web.views.templating import render

__all__ = ["RMDQ_LABELS", "responses_from_form", "router"]

router = APIRouter(route_class=PageRoute)

# Our own few-word summaries of the 24 RMDQ statements (not the questionnaire's wording):
# enough for a clinician to tick the patient's paper form into the record.
RMDQ_LABELS: tuple[str, ...] = (
    "stays at home more",
    "shifts position often",
    "walks more slowly",
    "gave up usual house jobs",
    "uses the handrail on stairs",
    "lies down to rest more",
    "holds on to rise from a chair",
    "asks others to do things",
    "dresses more slowly",
    "stands only briefly",
    "avoids bending or kneeling",
    "struggles to rise from a chair",
    "pain nearly all the time",
    "struggles to turn in bed",
    "appetite poorer",
    "trouble with socks or tights",
    "walks only short distances",
    "sleeps worse",
    "needs help to dress",
    "sits most of the day",
    "avoids heavy house jobs",
    "more irritable",
    "climbs stairs more slowly",
    "in bed most of the time",
)
ORDER = ("nrs", "peg", "rmdq", "startback", "odi")


def _whole(form: FormData, name: str, field_name: str, optional: bool = False) -> int | None:
    text = field(form, name)
    if text == "" and optional:
        return None
    # Plain digits only: int() would also take "1_0" as 10 and other scripts' digits; the
    # scorer checks the range of what is left.
    if not re.fullmatch(r"[+-]?[0-9]{1,6}", text):
        raise InputError(
            field_name, "choose an answer" if text == "" else f"{text!r} is not a whole number"
        )
    return int(text)


def responses_from_form(instrument_id: str, form: FormData) -> Any:
    """The answers in the shape `acuback.clinical.scoring.score` takes."""
    spec = instrument(instrument_id)
    if instrument_id == "nrs":
        return _whole(form, "q1", "pain now")
    if instrument_id == "peg":
        return [_whole(form, f"q{i}", spec.item_labels[i - 1]) for i in range(1, 4)]
    if instrument_id == "rmdq":
        return [form.get(f"q{i}") == "yes" for i in range(1, 25)]
    if instrument_id == "startback":
        answers: list[Any] = []
        for i in range(1, 9):
            value = field(form, f"q{i}")
            if value not in ("yes", "no"):
                raise InputError(f"item {i}", "answer agree or disagree")
            answers.append(value == "yes")
        return [*answers, field(form, "q9")]
    return [_whole(form, f"q{i}", f"section {i}", optional=True) for i in range(1, 11)]


def _context(instrument_id: str, values: dict[str, str]) -> dict[str, Any]:
    specs: dict[str, Instrument] = {spec.id: spec for spec in load_instruments().instruments}
    spec = specs[instrument_id]
    return {
        "spec": spec,
        "specs": [specs[key] for key in ORDER],
        "values": values,
        "rmdq_labels": RMDQ_LABELS,
        "today": date.today().isoformat(),
    }


def _instrument(value: str) -> str:
    if value not in ORDER:
        raise InputError("instrument", f"unknown instrument {value!r}", ORDER)
    return value


@router.get("/patients/{patient_id}/outcomes/new")
def outcome_form(
    request: Request,
    patient_id: PathId,
    uow: UoW,
    user: Clinician,
    instrument: Annotated[str, Query(max_length=20)] = "nrs",
) -> Response:
    patient = people.get_patient(uow, actor_of(user), patient_id)
    context = {"patient": patient, **_context(_instrument(instrument), {})}
    return render(request, "clinic/outcome.html", context, user=user)


@router.post("/patients/{patient_id}/outcomes/new")
def record_outcome(
    request: Request, patient_id: PathId, uow: UoW, user: Clinician, form: FormFields
) -> Response:
    actor = actor_of(user)
    patient = people.get_patient(uow, actor, patient_id)
    instrument_id = _instrument(field(form, "instrument"))
    values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    try:
        measured = date.fromisoformat(field(form, "measured_on") or date.today().isoformat())
    except ValueError:
        measured = None
    try:
        if measured is None:
            raise InputError("measured_on", "is not a date", "YYYY-MM-DD")
        responses = responses_from_form(instrument_id, form)
        stored = outcomes.record_outcome(uow, actor, patient_id, instrument_id, responses, measured)
    except InputError as exc:
        context = {"patient": patient, **_context(instrument_id, values), "error": exc.message}
        return render(request, "clinic/outcome.html", context, user=user, status_code=422)
    return redirect(f"/clinic/outcomes/{stored.id}")


@router.get("/outcomes/{outcome_id}")
def outcome_page(request: Request, outcome_id: PathId, uow: UoW, user: Clinician) -> Response:
    """A saved questionnaire: its score and the patient's progress (reloading posts nothing)."""
    actor = actor_of(user)
    stored = outcomes.get_outcome(uow, actor, outcome_id)
    patient = people.get_patient(uow, actor, stored.patient_id)
    measured = outcomes.list_outcomes(uow, actor, stored.patient_id)
    charts = charting.list_sessions(uow, actor, stored.patient_id)
    context = {
        "patient": patient,
        "spec": instrument(stored.instrument),
        "stored": stored,
        "chart_svg": progress_figure(measured, charts, "Pain and function over time"),
    }
    return render(request, "clinic/outcome_saved.html", context, user=user)
