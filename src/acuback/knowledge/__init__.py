"""The acupuncture knowledge base: typed models over packaged, validated data files.

Use `load_knowledge()` to get the one cached `KnowledgeBase` and `load_education()` for the
patient-education pages; nothing is read at import.
"""

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
