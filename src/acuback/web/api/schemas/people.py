"""Request and response bodies for patients, practitioners, users and logins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AwareDatetime, Field

from acuback.records.bounds import BoundedDate
from acuback.records.vocabulary import Role, Sex
from acuback.web.api.schemas.common import Id, In, Name, Out, Text, Version, bounded

__all__ = [
    "PatientIn",
    "PatientOut",
    "PatientPage",
    "PatientPatch",
    "PractitionerIn",
    "PractitionerOut",
    "PractitionerPatch",
    "TokenOut",
    "UserIn",
    "UserOut",
]


# The records models' limits (records/models.py), declared so that the schema states them.
Phone = Annotated[Text, bounded(50)]
Email = Annotated[Text, bounded(320)]
Physician = Annotated[Text, bounded(500)]
Npi = Annotated[str, Field(pattern=r"^[0-9]{10}$", description="a US provider identifier")]
Username = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]


class PatientIn(In):
    given_name: Name
    family_name: Name
    sex: Sex
    birth_date: BoundedDate | None = None
    phone: Phone | None = None
    email: Email | None = None
    physician: Physician | None = None


class PatientPatch(In):
    version: Version
    given_name: Name | None = None
    family_name: Name | None = None
    sex: Sex | None = None
    birth_date: BoundedDate | None = None
    phone: Phone | None = None
    email: Email | None = None
    physician: Physician | None = None


class PatientOut(Out):
    id: int
    version: int
    public_id: str
    given_name: str
    family_name: str
    sex: str
    birth_date: dt.date | None
    phone: str | None
    email: str | None
    physician: str | None = None
    created_at: AwareDatetime | None


class PatientPage(Out):
    total: int
    items: list[PatientOut]
    next_cursor: str | None = None  # give it as `cursor` for the next page (lists by name)


class PractitionerIn(In):
    name: Name
    qualification: Name
    licence_number: Annotated[Text, bounded(100)] | None = None
    licence_body: Annotated[Text, bounded(200)] | None = None
    licence_expiry: BoundedDate | None = None
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    specialties: list[Text] = Field(default_factory=list)
    npi: Npi | None = None


class PractitionerPatch(In):
    version: Version
    name: Name | None = None
    qualification: Name | None = None
    licence_number: Annotated[Text, bounded(100)] | None = None
    licence_body: Annotated[Text, bounded(200)] | None = None
    licence_expiry: BoundedDate | None = None
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    specialties: list[Text] | None = None
    npi: Npi | None = None


class PractitionerOut(Out):
    id: int
    version: int
    name: str
    qualification: str
    licence_number: str | None
    licence_body: str | None
    licence_expiry: dt.date | None
    years_in_practice: int | None
    specialties: list[str]
    npi: str | None = None


class UserIn(In):
    username: Username
    password: Text = Field(min_length=10, max_length=200)
    role: Role
    patient_id: Id | None = None
    practitioner_id: Id | None = None


class UserOut(Out):
    id: int
    version: int
    username: str
    role: str
    active: bool
    patient_id: int | None
    practitioner_id: int | None


class TokenOut(Out):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
