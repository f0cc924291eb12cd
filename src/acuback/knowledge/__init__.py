"""The acupuncture knowledge base: typed models over packaged, validated data files.

Use `load_knowledge()` to get the one cached `KnowledgeBase`; nothing is read at import.
"""

from acuback.knowledge.base import KnowledgeBase
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
    "Point",
    "SafetyFlag",
    "Source",
    "load_knowledge",
]
