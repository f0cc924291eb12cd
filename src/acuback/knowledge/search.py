"""Point search: by code in any spelling, pinyin with or without tones, hanzi, English name,
alias or plain body-area word, ranked with exact matches first.

Ranking (higher first; ties keep meridian and number order):
  100  the query is a point code (`bl23`, `BL-23`, `UB 23`, `23.BL.`)
   90  the query equals a name, hanzi form or alias (case, tones and punctuation ignored)
   70  the query starts a name or alias, or starts one of its words
   50  the query occurs inside a name or alias
   30  close spelling of a name or alias (difflib ratio >= 0.8)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from acuback.errors import InputError
from acuback.knowledge.base import KnowledgeBase
from acuback.knowledge.models import Point

__all__ = ["Hit", "fold", "search_points"]

_NON_WORD = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def fold(text: str) -> str:
    """Lower-case, strip tone marks and punctuation: 'Shènshū' and 'shen-shu' both give 'shenshu'.

    Word boundaries are kept as single spaces so that 'sea of vitality' still has words.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.replace("'", "")).strip()


@dataclass(frozen=True)
class Hit:
    """One search result: the point, its rank score and what matched."""

    point: Point
    score: int
    matched: str


@dataclass(frozen=True)
class _Term:
    code: str
    label: str  # what to report as matched, e.g. "alias: Sea of Vitality"
    folded: str
    compact: str  # folded without spaces, so 'shen shu' meets 'shenshu'


@lru_cache(maxsize=4)
def _terms(kb: KnowledgeBase) -> tuple[_Term, ...]:
    terms: list[_Term] = []

    def add(code: str, label: str, text: str) -> None:
        folded = fold(text)
        if folded:
            terms.append(_Term(code, label, folded, folded.replace(" ", "")))

    for p in kb.points.values():
        add(p.code, f"pinyin: {p.pinyin}", p.pinyin)
        add(p.code, f"english: {p.english}", p.english)
        for form in p.hanzi_forms:
            add(p.code, f"hanzi: {form}", form)
    for alias in kb.aliases:
        for code in alias.codes:
            add(code, f"alias ({alias.system}): {alias.text}", alias.text)
            as_code = kb.normalise_code(alias.text)
            if as_code:
                add(code, f"alias ({alias.system}): {alias.text}", as_code)
    return tuple(terms)


def _score(term: _Term, query: str, compact: str) -> int:
    if term.folded == query or term.compact == compact:
        return 90
    if term.folded.startswith(query) or any(w.startswith(query) for w in term.folded.split()):
        return 70
    if query in term.folded or (len(compact) >= 3 and compact in term.compact):
        return 50
    if len(compact) >= 4 and difflib.SequenceMatcher(None, compact, term.compact).ratio() >= 0.8:
        return 30
    return 0


def search_points(kb: KnowledgeBase, text: str, limit: int = 20) -> list[Hit]:
    """Points matching `text`, best first (see the module docstring for the ranking)."""
    query = fold(text)
    if not query:
        raise InputError("text", "the search text is empty or only punctuation")
    best: dict[str, Hit] = {}
    code = kb.normalise_code(text)
    if code is not None and code in kb.points:
        best[code] = Hit(kb.points[code], 100, f"code: {code}")
    compact = query.replace(" ", "")
    for term in _terms(kb):
        score = _score(term, code.casefold() if code else query, compact)
        if score and (term.code not in best or best[term.code].score < score):
            best[term.code] = Hit(kb.points[term.code], score, term.label)
    order = {c: i for i, c in enumerate(kb.points)}
    hits = sorted(best.values(), key=lambda h: (-h.score, order[h.point.code]))
    return hits[:limit]
