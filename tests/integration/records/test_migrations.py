"""Migrations: up, down, up again on both databases, and the result matches the ORM tables."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from acuback.records import (
    UnitOfWork,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    upgrade,
)
from acuback.records.patient_search import FTS_TABLE
from acuback.records.tables import Base

_ONE_PATIENT = (
    "INSERT INTO patients (id, public_id, given_name, family_name, sex, created_at, version)"
    " VALUES (1, 'p1', 'A', 'B', 'female', CURRENT_TIMESTAMP, 1)"
)


def _not_the_search_index(name: str | None, kind: str, *_: object) -> bool:
    """The search index is raw SQL, not ORM tables (`records.patient_search`): SQLite's FTS5
    table with its shadow tables, PostgreSQL's trigram expression indexes."""
    prefix = {"table": FTS_TABLE, "index": "ix_patients_search_"}.get(kind)
    return prefix is None or not (name or "").startswith(prefix)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if _not_the_search_index(name, "table")}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    assert current_revision(db_url) is None
    assert upgrade(db_url) == head_revision()
    assert _tables(db_url) == set(Base.metadata.tables)
    assert downgrade(db_url, "base") is None
    assert _tables(db_url) == set()
    assert upgrade(db_url) == head_revision()
    assert _tables(db_url) == set(Base.metadata.tables)


def test_migrated_schema_matches_the_tables(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            opts = {"compare_type": True, "include_name": _not_the_search_index}
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_audit_table_refuses_update_and_delete_in_the_database(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    insert = text(
        "INSERT INTO audit_log (seq, at, actor, action, entity, outcome, detail, prev_hash, hash)"
        " VALUES (1, CURRENT_TIMESTAMP, 'a', 'b', 'c', 'success', '{}', 'x', 'y')"
    )
    try:
        with engine.begin() as connection:
            connection.execute(insert)
        for statement in ("UPDATE audit_log SET actor = 'z'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT actor FROM audit_log")).scalar_one() == "a"
    finally:
        engine.dispose()


def _appointment_indexes(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {str(index["name"]) for index in inspect(engine).get_indexes("appointments")}
    finally:
        engine.dispose()


def test_0002_adds_and_removes_the_practitioner_day_index(db_url: str) -> None:
    index = "ix_appointments_practitioner_id_starts_at"
    assert upgrade(db_url, "0001") == "0001"
    assert index not in _appointment_indexes(db_url)
    assert "ix_appointments_starts_at" in _appointment_indexes(db_url)
    assert upgrade(db_url, "0002") == "0002"
    assert index in _appointment_indexes(db_url)
    assert downgrade(db_url, "0001") == "0001"
    assert index not in _appointment_indexes(db_url)
    assert "ix_appointments_starts_at" in _appointment_indexes(db_url)
    assert upgrade(db_url, "0002") == "0002"
    assert index in _appointment_indexes(db_url)


def test_documents_billing_revision_keeps_existing_charts(db_url: str) -> None:
    """Charts stored before the billing fields read back with none charted."""
    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(_ONE_PATIENT))
            connection.execute(
                text(
                    "INSERT INTO practitioners (id, name, qualification, specialties, version)"
                    " VALUES (1, 'P', 'Q', '[]', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO treatment_sessions (id, patient_id, practitioner_id, session_date,"
                    " other_components, notes, status, version) VALUES"
                    " (1, 1, 1, '2026-01-05', '[]', '', 'draft', 1)"
                )
            )
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()
    with UnitOfWork(url=db_url) as uow:
        chart = uow.sessions.get(1)
    assert (chart.face_to_face_minutes, chart.electro_increments) == (None, ())
    assert downgrade(db_url, "0002") == "0002"


def _calendar_rows(url: str) -> dict[str, str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT key, value FROM calendar_settings"))
            return {row.key: row.value for row in rows}
    finally:
        engine.dispose()


def test_one_clinic_settings_moves_the_calendar_settings_and_back(db_url: str) -> None:
    """0008 moves the calendar's key/value settings into the clinic's settings row (next to
    what documents print, which stays) and its downgrade moves them back."""
    upgrade(db_url, "0008_fhir_import")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO calendar_settings (key, value) VALUES"
                    " ('timezone', 'Asia/Tokyo'), ('cancel_notice_hours', '48')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO clinic_settings (id, version, settings)"
                    ' VALUES (1, 3, \'{"name": "Back Care", "paper_size": "Letter"}\')'
                )
            )
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()
    assert "calendar_settings" not in _tables(db_url)
    with UnitOfWork(url=db_url) as uow:
        clinic = uow.clinic.get()
    assert (clinic.name, clinic.paper_size, clinic.version) == ("Back Care", "Letter", 4)
    assert (clinic.timezone, clinic.cancel_notice_hours, clinic.payer_limit_policy) == (
        "Asia/Tokyo",
        48,
        None,
    )
    assert downgrade(db_url, "0008_fhir_import") == "0008_fhir_import"
    assert _calendar_rows(db_url) == {"timezone": "Asia/Tokyo", "cancel_notice_hours": "48"}
    assert upgrade(db_url) == head_revision()


def test_0009_scores_the_stored_answers_once_for_their_category(db_url: str) -> None:
    """Rows written before 0009 get the category and notes their answers score to; a row with
    no answers (an imported value) keeps none."""
    upgrade(db_url, "0008_speed_indexes")
    startback = '[true, true, true, true, true, true, true, true, "extremely"]'
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(_ONE_PATIENT))
            for row_id, instrument, responses, score in (
                (1, "startback", startback, 9.0),
                (2, "nrs", "[]", 4.0),
            ):
                connection.execute(
                    text(
                        "INSERT INTO outcome_measurements (id, patient_id, instrument,"
                        " measured_on, responses, score, subscores, version) VALUES"
                        " (:id, 1, :instrument, '2026-01-05', :responses, :score, '{}', 1)"
                    ),
                    {
                        "id": row_id,
                        "instrument": instrument,
                        "responses": responses,
                        "score": score,
                    },
                )
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()
    with UnitOfWork(url=db_url) as uow:
        scored, imported = uow.outcomes.get(1), uow.outcomes.get(2)
    assert (scored.category, imported.category, imported.notes) == ("high", None, ())
    assert downgrade(db_url, "0008_speed_indexes") == "0008_speed_indexes"


def test_0011_copies_each_plans_reassessment_point_out_of_its_payload(db_url: str) -> None:
    """A plan written before 0011 gets its course's reassessment point in the new column; a
    plan without a course gets none; going down drops the column and the index again."""
    upgrade(db_url, "0010_research_columns")
    course = '{"course": {"reassess_after_sessions": 5}, "points": []}'
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(_ONE_PATIENT))
            connection.execute(
                text(
                    "INSERT INTO intakes (id, patient_id, submitted_at, payload, screening,"
                    " disposition, version) VALUES (1, 1, CURRENT_TIMESTAMP, '{}', '{}',"
                    " 'proceed', 1)"
                )
            )
            for row_id, payload in ((1, course), (2, '{"course": null, "points": []}')):
                connection.execute(
                    text(
                        "INSERT INTO plans (id, patient_id, intake_id, created_at, payload,"
                        " status, version) VALUES (:id, 1, 1, CURRENT_TIMESTAMP, :payload,"
                        " 'proposed', 1)"
                    ),
                    {"id": row_id, "payload": payload},
                )
        assert upgrade(db_url, "0011_plan_reassess_after") == "0011_plan_reassess_after"
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, reassess_after_sessions FROM plans ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [(1, 5), (2, None)]
        assert "ix_plans_patient_id_status" in {
            index["name"] for index in inspect(engine).get_indexes("plans")
        }
        assert downgrade(db_url, "0010_research_columns") == "0010_research_columns"
        engine.dispose()
        assert "reassess_after_sessions" not in {
            column["name"] for column in inspect(engine).get_columns("plans")
        }
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()


_0010_ROWS = (
    "INSERT INTO patients (id, public_id, given_name, family_name, sex, created_at, version)"
    " VALUES (1, 'p1', 'A', 'B', 'female', CURRENT_TIMESTAMP, 1),"
    " (2, 'p2', 'C', 'D', 'male', CURRENT_TIMESTAMP, 1),"
    " (3, 'p3', 'E', 'F', 'male', CURRENT_TIMESTAMP, 1)",
    # Patient 1: the later intake is the newest; patient 2: two at one time, the higher id.
    "INSERT INTO intakes (id, patient_id, submitted_at, payload, screening, disposition, version)"
    " VALUES (1, 1, '2026-01-05 09:00:00', '{\"diagnoses\": []}', '{}', 'proceed', 1),"
    " (2, 1, '2026-02-05 09:00:00', '{\"diagnoses\": [\"b\", \"a\"]}', '{}', 'caution', 1),"
    " (3, 2, '2026-01-05 09:00:00', '{\"diagnoses\": [\"c\"]}', '{}', 'proceed', 1),"
    " (4, 2, '2026-01-05 09:00:00', '{}', '{}', 'proceed', 1)",
    # Patient 1: two RMDQ on one day (the id orders them); patient 3 (no intake): an NRS
    # series with an unscored measurement last.
    "INSERT INTO outcome_measurements (id, patient_id, instrument, measured_on, responses,"
    " score, subscores, version) VALUES"
    " (1, 1, 'rmdq', '2026-01-05', '[]', 10, '{}', 1),"
    " (2, 1, 'rmdq', '2026-01-05', '[]', 4, '{}', 1),"
    " (3, 3, 'nrs', '2026-01-05', '5', 5, '{}', 1),"
    " (4, 3, 'nrs', '2026-01-12', '3', 3, '{}', 1),"
    " (5, 3, 'nrs', '2026-01-19', '[]', NULL, '{}', 1),"
    " (6, 2, 'nrs', '2026-01-19', '6', 6, '{}', 1)",
)


def _research_rows(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            intakes = connection.execute(
                text("SELECT id, condition, newest FROM intakes ORDER BY id")
            )
            series = connection.execute(
                text(
                    "SELECT patient_id, instrument, first_score, last_score, scores, condition"
                    " FROM outcome_series ORDER BY patient_id, instrument"
                )
            )
            return [(i, c, bool(n)) for i, c, n in intakes], [tuple(row) for row in series]
    finally:
        engine.dispose()


def test_0010_fills_the_research_rows_of_the_rows_written_before(db_url: str) -> None:
    """0010 gives each stored intake its condition group and its newest flag, and each
    patient's scored series its row; down and up again, the same."""
    upgrade(db_url, "0009_outcome_category")
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            for statement in _0010_ROWS:
                connection.execute(text(statement))
    finally:
        engine.dispose()
    expected = (
        [(1, "unspecified", False), (2, "a,b", True), (3, "c", False), (4, "unspecified", True)],
        [
            (1, "rmdq", 10.0, 4.0, 2, "a,b"),
            (2, "nrs", 6.0, 6.0, 1, "unspecified"),
            (3, "nrs", 5.0, 3.0, 2, "unspecified"),
        ],
    )
    assert upgrade(db_url) == head_revision()
    assert _research_rows(db_url) == expected
    assert downgrade(db_url, "0009_outcome_category") == "0009_outcome_category"
    assert "outcome_series" not in _tables(db_url)
    assert upgrade(db_url) == head_revision()
    assert _research_rows(db_url) == expected
