"""The pages' figures for the printed documents (`services.documents_care.Figures`): the
same body map and progress chart, through the same `inline_svg`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from acuback.records import OutcomeMeasurement, TreatmentSession
from acuback.web.views.figures import body_map, progress_figure

__all__ = ["PAGE_FIGURES", "PageFigures"]


class PageFigures:
    def body_map(self, codes: Sequence[str], title: str) -> str:
        return body_map(codes, title, prefix="doc-map-")[0]

    def progress(
        self,
        measurements: Iterable[OutcomeMeasurement],
        sessions: Iterable[TreatmentSession],
        title: str,
    ) -> str:
        return progress_figure(measurements, sessions, title)


PAGE_FIGURES = PageFigures()
