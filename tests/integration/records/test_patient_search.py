"""Patient search through the index (FTS5 on SQLite, pg_trgm on PostgreSQL): the same patients,
in the same order, on both databases, as the definition (a substring of a name in either order,
the record number, phone or e-mail, any case; or the date of birth) computed in Python."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from acuback.records import Patient, UnitOfWork

PEOPLE = [
    ("Mei", "Lin", date(1970, 5, 2), "+44 20 7946 0001", "mei.lin@example.org"),
    ("Daniel", "Fenwick", date(1985, 11, 30), None, "dan_f@example.org"),
    ("Anna", "Linden", date(1970, 5, 2), "+44 20 7946 0002", None),
    ("Jo", "O'Hara", None, None, "jo%o@example.org"),
    ("Élodie", "Martin", date(1999, 1, 1), None, None),
]
QUERIES = [
    "lin",
    "LIN",
    "mei lin",
    "lin mei",
    "fenwick",
    "0001",
    "7946",
    "dan_f",
    "_",
    "%",
    "o'h",
    "1970-05-02",
    "1999-01-01",
    "li",
    "example.org",
    "nobody",
    "élo",
    "x",
]


def _expected(people: list[Patient], query: str) -> list[str]:
    needle = query.strip().lower()
    born = date.fromisoformat(needle) if len(needle) == 10 and needle[4] == "-" else None
    found = []
    for p in people:
        texts = [
            f"{p.given_name} {p.family_name}",
            f"{p.family_name} {p.given_name}",
            p.public_id or "",
            p.phone or "",
            p.email or "",
        ]
        if any(needle in t.lower() for t in texts) or (born and p.birth_date == born):
            found.append(p)
    return [p.family_name for p in sorted(found, key=lambda p: (p.family_name, p.given_name))]


def test_search_finds_by_name_record_number_and_birth_date(
    uow: Callable[[], UnitOfWork],
) -> None:
    with uow() as work:
        people = []
        for given, family, born, phone, email in PEOPLE:
            patient = Patient(
                given_name=given,
                family_name=family,
                birth_date=born,
                sex="female",
                phone=phone,
                email=email,
            )
            people.append(work.patients.add(patient))
        work.commit()
    with uow() as work:
        for query in [*QUERIES, people[1].public_id or ""]:
            got = [p.family_name for p in work.patients.search(query)]
            assert got == _expected(people, query), query


def test_the_index_follows_renames_and_deletions(uow: Callable[[], UnitOfWork]) -> None:
    with uow() as work:
        patient = work.patients.add(Patient(given_name="Ruth", family_name="Okafor", sex="female"))
        work.commit()
    assert patient.id is not None
    with uow() as work:
        work.patients.update(patient.model_copy(update={"family_name": "Adeyemi"}))
        work.commit()
    with uow() as work:
        assert [p.id for p in work.patients.search("adeyemi")] == [patient.id]
        assert work.patients.search("okafor") == []


@pytest.mark.parametrize("query", ["", "  "])
def test_blank_text_matches_everyone_as_before(uow: Callable[[], UnitOfWork], query: str) -> None:
    with uow() as work:
        work.patients.add(Patient(given_name="Any", family_name="One", sex="male"))
        work.commit()
    with uow() as work:
        assert len(work.patients.search(query)) == 1
