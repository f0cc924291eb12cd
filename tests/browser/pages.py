"""Every page of the app, as the person who sees it, for the layout and accessibility tests.

`PAGES` maps a demo login (None: a visitor) to the pages that person opens. A page is a path
or a `Visit`. Paths are `str.format` templates over the demo clinic: each demo patient by
family name in lower case (`{fenwick.plans[0]}`: see `DemoRecord` in conftest.py) and
`{practitioners[0]}`. A `Visit` may take a step after loading (fill in and submit a form) to
reach a page that only a POST answers with. To cover a new page, add a line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .steps import (
    accept_plan,
    chart_session,
    fill_self_check,
    new_patient,
    propose_plan,
    submit,
    submit_intake,
    unique_family_name,
)

__all__ = ["PAGES", "Visit", "visit_path"]


@dataclass(frozen=True)
class Visit:
    """A page reached from `path` by `step(page)` (a form filled in and submitted), or a
    path that answers with another `status` than 200 (an error page)."""

    name: str
    path: str
    step: Callable[[Any], None] | None = None
    status: int = 200


def _self_check_emergency(page: Any) -> None:
    fill_self_check(
        page,
        age=50,
        ticks=(
            "Numbness or tingling between my legs, around my bottom or genitals",
            "I cannot pass urine, or my bladder does not empty properly",
        ),
    )


def _self_check_missing_answers(page: Any) -> None:
    page.get_by_label("Your age").fill("40")
    submit(page, "Check my answers")


def _wrong_password(page: Any) -> None:
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("not-a-password")
    submit(page, "Log in")


def _send_questionnaire(page: Any) -> None:
    page.get_by_label("How bad is your back pain right now?").select_option("5")
    submit(page, "Send my answers")


def _draft_with_needle_alarm(page: Any) -> None:
    """A new patient through to a draft session whose needle count does not match."""
    patient_id = new_patient(page, "Robin", unique_family_name("Layout"))
    submit_intake(page, patient_id)
    propose_plan(page)
    accept_plan(page)
    chart_session(page, patient_id, needles_in=6, needles_out=5)


PAGES: dict[str | None, list[str | Visit]] = {
    None: [
        "/",
        "/self-check",
        "/learn",
        "/learn/risks",
        "/learn/qualifications",
        "/evidence",
        "/login",
        Visit("self-check result", "/", lambda page: fill_self_check(page)),
        Visit(
            "self-check result in pregnancy",
            "/",
            lambda page: fill_self_check(page, age=31, pregnancy_weeks=20),
        ),
        Visit("self-check emergency", "/", _self_check_emergency),
        Visit("self-check with missing answers", "/self-check", _self_check_missing_answers),
        Visit("login with a wrong password", "/login", _wrong_password),
    ],
    "mei": [
        "/clinic",
        "/clinic/patients",
        "/clinic/patients?q=Fenwick",
        "/clinic/patients/new",
        "/clinic/patients/{fenwick.patient}",
        "/clinic/patients/{holloway.patient}",
        "/clinic/patients/{duval.patient}",
        "/clinic/patients/{fenwick.patient}/intake",
        "/clinic/intakes/{fenwick.intakes[0]}",
        "/clinic/intakes/{duval.intakes[0]}",
        "/clinic/intakes/{okonjo.intakes[0]}",
        "/clinic/intakes/{holloway.intakes[0]}",
        "/clinic/plans/{fenwick.plans[0]}",
        "/clinic/plans/{reyes.plans[0]}",
        "/clinic/plans/{holloway.plans[0]}",
        "/clinic/patients/{fenwick.patient}/sessions/new",
        "/clinic/sessions/{fenwick.sessions[0]}",
        "/clinic/patients/{fenwick.patient}/outcomes/new",
        "/clinic/outcomes/{fenwick.outcomes[0]}",
        *(
            f"/clinic/patients/{{fenwick.patient}}/outcomes/new?instrument={instrument}"
            for instrument in ("peg", "rmdq", "startback", "odi")
        ),
        Visit("draft session with a needle alarm", "/clinic", _draft_with_needle_alarm),
        Visit("patient not found", "/clinic/patients/999999", status=404),
    ],
    "reception": [
        "/clinic",
        "/clinic/patients",
        "/clinic/patients/{fenwick.patient}",
        Visit("not allowed", "/clinic/intakes/{fenwick.intakes[0]}", status=403),
    ],
    "admin": [
        "/clinic",
        "/admin",
        "/admin/users",
        "/admin/practitioners",
        "/admin/practitioners/{practitioners[0]}",
        "/admin/audit",
    ],
    "researcher": ["/research", "/research/analytics"],
    "ada": [
        "/portal",
        "/portal/questionnaires",
        "/portal/home-points",
        "/portal/appointments",
        "/portal/appointments/{fenwick.appointments[0]}",
    ],
    # Grace sends a questionnaire (Ada's progress is asserted elsewhere and stays as seeded).
    "grace": [
        "/portal",
        "/portal/home-points",
        Visit("questionnaires sent", "/portal/questionnaires", _send_questionnaire),
    ],
}


def visit_path(page: str | Visit, ids: dict[str, Any]) -> str:
    """The address a page entry opens first, with the demo clinic's ids filled in."""
    template = page.path if isinstance(page, Visit) else page
    return template.format(**ids)
