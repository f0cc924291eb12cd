"""Clinic analytics over the de-identified research export: Ibis queries run on DuckDB or Spark.

`write_cohort` makes a synthetic export with known effects; `build_report` answers "does
acupuncture work here, for whom, under what conditions" from an export (or the live database,
through the same export tables), with a plain-words statement of what such data cannot show.
"""

from acuback.analytics.report import Report, build_report
from acuback.analytics.synth import SynthSummary, write_cohort

__all__ = ["Report", "SynthSummary", "build_report", "write_cohort"]
