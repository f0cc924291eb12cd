"""The demo clinic's cast: practitioners, logins and patient stories (fictional people).

Every name, licence number and body here is invented for the demo. Pain series are NRS 0-10
scores at successive sessions; RMDQ scores (0-24) are given at the first and last session.
Trajectories are illustrative, shaped like the courses seen in the trials (a responder falls
by 2 points or 30% or more; a non-responder stays flat), not data from any patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEMO_LOGINS", "PATIENTS", "PRACTITIONERS", "DemoLogin", "PatientStory"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    note: str
    practitioner: int | None = None  # index into PRACTITIONERS
    patient: int | None = None  # index into PATIENTS


@dataclass(frozen=True)
class PatientStory:
    given_name: str
    family_name: str
    sex: str
    age: int
    intake: dict[str, Any]
    practitioner: int
    pain: tuple[int, ...] = ()  # NRS at each signed session, oldest first
    rmdq: tuple[int, int] | None = None
    appointment_today: str | None = None  # "HH:MM" UTC
    later_intake: dict[str, Any] | None = None  # a pre-visit questionnaire yesterday
    accept_plan: bool = True
    nrs_recorded: int | None = None  # NRS recorded at the first n sessions only (default all)
    extra: dict[str, Any] = field(default_factory=dict)


PRACTITIONERS: tuple[dict[str, Any], ...] = (
    {
        "name": "Mei Lin",
        "qualification": "MSc Acupuncture (demo)",
        "licence_number": "DEMO-0101",
        "licence_body": "Demo Acupuncture Council (fictional)",
        "years_in_practice": 14,
        "specialties": ("back pain", "electroacupuncture"),
        "expires_in_days": 30,
    },
    {
        "name": "Daniel Okafor",
        "qualification": "BSc Acupuncture (demo)",
        "licence_number": "DEMO-0102",
        "licence_body": "Demo Acupuncture Council (fictional)",
        "years_in_practice": 6,
        "specialties": ("back pain", "pregnancy care"),
        "expires_in_days": 400,
    },
    {
        "name": "Sofia Rossi",
        "qualification": "Physiotherapist with acupuncture training (demo)",
        "licence_number": "DEMO-0103",
        "licence_body": "Demo Physiotherapy Board (fictional)",
        "years_in_practice": 9,
        "specialties": ("neck pain", "sports injuries"),
        "expires_in_days": 700,
    },
)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "admin-demo-2026", "admin", "accounts, credentials, audit log"),
    DemoLogin("mei", "mei-demo-2026", "practitioner", "practitioner (licence expiring)", 0),
    DemoLogin("daniel", "daniel-demo-2026", "practitioner", "practitioner", 1),
    DemoLogin("reception", "reception-demo-2026", "reception", "schedules and contacts"),
    DemoLogin("researcher", "researcher-demo-2026", "researcher", "de-identified aggregates"),
    DemoLogin("ada", "ada-demo-2026", "patient", "patient: improving", patient=0),
    DemoLogin("grace", "grace-demo-2026", "patient", "patient: pregnant 20 weeks", patient=2),
)


def _intake(age: int, sex: str, onset: float, nrs: int, **extra: Any) -> dict[str, Any]:
    pain = {"regions": extra.pop("regions", ["lower_back"]), "onset_weeks": onset, "nrs": nrs}
    pain.update(extra.pop("pain", {}))
    return {"age": age, "sex": sex, "pain": pain, **extra}


PATIENTS: tuple[PatientStory, ...] = (
    PatientStory(
        "Ada",
        "Fenwick",
        "female",
        46,
        _intake(46, "female", 30, 7, diagnoses=["non_specific"], expectation=7),
        0,
        (7, 6, 6, 5, 4, 3),
        (14, 7),
        "09:00",
    ),
    PatientStory(
        "Charles",
        "Moreau",
        "male",
        58,
        _intake(58, "male", 52, 6, diagnoses=["degenerative_disc_disease"], expectation=4),
        0,
        (6, 6, 7, 6, 6, 6),
        (12, 12),
        "10:00",
    ),
    PatientStory(
        "Grace",
        "Holloway",
        "female",
        31,
        _intake(31, "female", 8, 6, pregnancy_weeks=20, expectation=6),
        1,
        (6, 5, 4),
        None,
        "11:30",
    ),
    PatientStory(
        "Alan",
        "Pryce",
        "male",
        68,
        _intake(68, "male", 40, 7, findings=["pacemaker_or_icd"], diagnoses=["osteoarthritis"]),
        1,
        (7, 7, 6, 6),
        (15, 13),
    ),
    PatientStory(
        "Karen",
        "Duval",
        "female",
        71,
        _intake(
            71,
            "female",
            10,
            8,
            findings=["cancer_history", "unexplained_weight_loss", "night_pain"],
        ),
        0,
        accept_plan=False,
    ),
    PatientStory(
        "Tim",
        "Okonjo",
        "male",
        44,
        _intake(
            44,
            "male",
            1,
            9,
            findings=["saddle_anaesthesia", "urinary_retention"],
            pain={"leg_weakness": True},
        ),
        2,
        accept_plan=False,
    ),
    PatientStory(
        "Frances",
        "Lund",
        "female",
        63,
        _intake(63, "female", 26, 6, findings=["bleeding_disorder"]),
        1,
        accept_plan=False,
    ),
    PatientStory(
        "John",
        "Reyes",
        "male",
        35,
        _intake(35, "male", 2, 7, diagnoses=["muscle_strain"], expectation=8),
        2,
        (),
        None,
        "14:00",
        accept_plan=False,
    ),
    PatientStory(
        "Barbara",
        "Keane",
        "female",
        52,
        _intake(
            52,
            "female",
            20,
            7,
            diagnoses=["sciatica"],
            pain={"radiates_below_knee": True, "side": "left"},
        ),
        0,
        (7, 6, 6, 5, 5, 4),
        None,
        "15:30",
        nrs_recorded=5,
    ),
    PatientStory(
        "Edgar",
        "Lindqvist",
        "male",
        72,
        _intake(72, "male", 60, 8, medications=["warfarin 5 mg daily"]),
        1,
        (8, 7, 6, 5, 4),
        (16, 9),
    ),
    PatientStory(
        "Margaret",
        "Osei",
        "female",
        39,
        _intake(39, "female", 7, 5, regions=["neck", "upper_back"], diagnoses=["poor_posture"]),
        2,
        (5, 4),
    ),
    PatientStory(
        "Donald",
        "Harte",
        "male",
        66,
        _intake(66, "male", 16, 5, diagnoses=["non_specific"]),
        0,
        (5, 4),
        None,
        later_intake=_intake(66, "male", 18, 7, findings=["fever", "iv_drug_use"]),
    ),
)
