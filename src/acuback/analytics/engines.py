"""Where the queries run: an Ibis backend on DuckDB (embedded) or Spark, and the export's tables.

DuckDB runs in-process. Spark is reached through a SparkSession: `local[2]` for one machine, or
a cluster's master URL (`spark://host:7077`, `yarn`, ...) for a research network; Ibis compiles
the same expressions to Spark SQL. A source is an export directory (Parquet or CSV, as
`acuback research export` and `acuback analytics synth` write) or Arrow tables built in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from acuback.errors import InputError
from acuback.interop.research_files import load_dictionary

__all__ = ["ENGINES", "Engine", "connect", "register_arrow", "register_directory"]

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")
NEEDED = ("courses", "sessions")


@contextmanager
def connect(engine: str, spark_master: str = "local[2]") -> Iterator[Any]:
    """An Ibis backend for `engine`, closed (and its Spark session stopped) afterwards."""
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        try:
            yield con
        finally:
            con.disconnect()
        return
    if engine != "spark":
        raise InputError("--engine", f"{engine!r} is not an analytics engine", list(ENGINES))
    from pyspark.sql import SparkSession  # imported only when Spark is asked for: slow to load

    session = (
        SparkSession.builder.master(spark_master)
        .appName("acuback-analytics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield ibis.pyspark.connect(session)
    finally:
        session.stop()


def _check_columns(name: str, table: ir.Table, origin: str) -> ir.Table:
    names = list(load_dictionary().tables[name].columns)
    missing = [c for c in names if c not in table.columns]
    if missing:
        raise InputError(
            f"{origin}",
            f"table {name} lacks the column(s) {', '.join(missing)}",
            names,
        )
    return table


def register_directory(con: Any, source: Path) -> dict[str, ir.Table]:
    """The export's needed tables in `source` (NAME.parquet, else NAME.csv), checked."""
    if not source.is_dir():
        raise InputError("--source", f"{source} is not a directory", "a research export directory")
    tables: dict[str, ir.Table] = {}
    for name in NEEDED:
        parquet, csv = source / f"{name}.parquet", source / f"{name}.csv"
        if parquet.is_file():
            table = con.read_parquet(str(parquet), table_name=name)
        elif csv.is_file():
            table = con.read_csv(str(csv), table_name=name)
        else:
            raise InputError(
                "--source", f"{source} has no {name}.parquet or {name}.csv", list(NEEDED)
            )
        tables[name] = _check_columns(name, table, "--source")
    return tables


def register_arrow(con: Any, tables: Mapping[str, pa.Table]) -> dict[str, ir.Table]:
    """In-memory export tables (from the live database) registered with the backend."""
    return {
        name: _check_columns(name, con.create_table(name, tables[name], overwrite=True), "database")
        for name in NEEDED
    }
