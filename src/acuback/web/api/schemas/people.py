"""Request and response bodies for patients, practitioners, users and logins."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field

from acuback.records.bounds import BoundedDate
from acuback.records.vocabulary import Role, Sex
from acuback.web.api.schemas.common import Id, In, Out, Text, Version

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


class PatientIn(In):
    given_name: Text
    family_name: Text
    sex: Sex
    birth_date: BoundedDate | None = None
    phone: Text | None = None
    email: Text | None = None
    physician: Text | None = None


class PatientPatch(In):
    version: Version
    given_name: Text | None = None
    family_name: Text | None = None
    sex: Sex | None = None
    birth_date: BoundedDate | None = None
    phone: Text | None = None
    email: Text | None = None
    physician: Text | None = None


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
    name: Text
    qualification: Text
    licence_number: Text | None = None
    licence_body: Text | None = None
    licence_expiry: BoundedDate | None = None
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    specialties: list[Text] = Field(default_factory=list)
    npi: Text | None = None


class PractitionerPatch(In):
    version: Version
    name: Text | None = None
    qualification: Text | None = None
    licence_number: Text | None = None
    licence_body: Text | None = None
    licence_expiry: BoundedDate | None = None
    years_in_practice: int | None = Field(default=None, ge=0, le=80)
    specialties: list[Text] | None = None
    npi: Text | None = None


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
    username: Text
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
