"""The acupuncture knowledge base: typed models over packaged, validated data files.

Use `load_knowledge()` to get the one cached `KnowledgeBase` and `load_education()` for the
patient-education pages; nothing is read at import.

The public names are imported lazily: `acuback plan` on the command line imports only the
modules the plan uses (issue 16 point 4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acuback.lazy import lazy_attributes

if TYPE_CHECKING:
    from acuback.knowledge.base import KnowledgeBase
    from acuback.knowledge.education import (
        Page,
        education_page,
        load_education,
        page_for_disposition,
    )
    from acuback.knowledge.loader import load_knowledge
    from acuback.knowledge.models import (
        Alias,
        Condition,
        Meridian,
        Method,
        Point,
        SafetyFlag,
        Source,
    )

__all__ = [
    "Alias",
    "Condition",
    "KnowledgeBase",
    "Meridian",
    "Method",
    "Page",
    "Point",
    "SafetyFlag",
    "Source",
    "education_page",
    "load_education",
    "load_knowledge",
    "page_for_disposition",
]

_HOME = {
    "KnowledgeBase": "acuback.knowledge.base",
    "Page": "acuback.knowledge.education",
    "education_page": "acuback.knowledge.education",
    "load_education": "acuback.knowledge.education",
    "page_for_disposition": "acuback.knowledge.education",
    "load_knowledge": "acuback.knowledge.loader",
    "Alias": "acuback.knowledge.models",
    "Condition": "acuback.knowledge.models",
    "Meridian": "acuback.knowledge.models",
    "Method": "acuback.knowledge.models",
    "Point": "acuback.knowledge.models",
    "SafetyFlag": "acuback.knowledge.models",
    "Source": "acuback.knowledge.models",
}

__getattr__ = lazy_attributes(__name__, _HOME)
