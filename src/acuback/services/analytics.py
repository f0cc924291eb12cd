"""Clinic analytics as a use case: the report over the live database's research export.

The live records are read through the research export's own builder (the same pseudonyms,
de-identification and columns as `acuback research export`), held as Arrow tables in memory and
queried by the analytics layer; nothing identifying reaches the engine. (DuckDB's SQLite and
PostgreSQL scanners are extensions it downloads at run time, which acuback never does.)
"""

from __future__ import annotations

from acuback.analytics.engines import connect, register_arrow
from acuback.analytics.report import Report, build_report
from acuback.interop.research_export import ResearchKeys, build_tables
from acuback.interop.research_files import arrow_table
from acuback.records import UnitOfWork
from acuback.services.access import Actor, audit, authorize

__all__ = ["clinic_analytics"]


def clinic_analytics(
    uow: UnitOfWork,
    actor: Actor,
    keys: ResearchKeys,
    engine: str = "duckdb",
    instrument: str = "nrs",
    spark_master: str = "local[2]",
) -> Report:
    """The analytics report of the whole clinic (the researcher role)."""
    authorize(uow, actor, "research.analytics", entity="research")
    rows = build_tables(uow, keys)
    tables = {name: arrow_table(name, rows[name]) for name in ("courses", "sessions")}
    with connect(engine, spark_master) as con:
        report = build_report(register_arrow(con, tables), engine, instrument)
    audit(uow, actor, "analytics.report", "research", None, {"engine": engine})
    return report
