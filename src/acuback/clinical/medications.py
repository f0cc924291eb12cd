"""Reading free-text medication entries: which drug classes that change safety they name.

`read_medications(entries)` returns a `MedicationReading`: the class matches (anticoagulant,
antiplatelet, systemic corticosteroid; each counts as an intake finding), the entries it could
not read ("not recognised: check with the patient"), and notes on mentions it read but did not
count (a steroid cream, aspirin at a painkiller dose). `match_medications` gives the matches
alone. The vocabulary is data (`data/medications.yaml`, loaded by `medication_vocabulary`);
this module only cuts text into words and looks them up.

Why the reading is this shape: a missed blood thinner is the unsafe error, a wrongly counted one
only adds caution. So near-miss spellings and class words ("blood thinner", "DOAC") count, and
the result always says what was read, for the practitioner to confirm.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict

from acuback.clinical.medication_vocabulary import Drug, DrugClass, load_vocabulary

__all__ = [
    "NOT_RECOGNISED",
    "MedicationMatch",
    "MedicationReading",
    "UnrecognisedMedication",
    "edit_distance",
    "match_medications",
    "read_medications",
]

NOT_RECOGNISED = "not recognised: check with the patient"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Via = Literal["name", "brand", "class_word", "near_miss"]


class MedicationMatch(_Frozen):
    """One drug mention in a free-text entry recognised as a member of a drug class.

    `drug` is the generic name, or the class label when only the class was named; `read_as`
    says what the practitioner should confirm when the reading was not exact."""

    text: str
    drug: str
    drug_class: str
    label: str
    finding: str
    atc: str | None = None
    via: Via = "name"
    read_as: str | None = None
    sources: tuple[str, ...]


class UnrecognisedMedication(_Frozen):
    text: str
    message: str = NOT_RECOGNISED


class MedicationReading(_Frozen):
    matches: tuple[MedicationMatch, ...] = ()
    unrecognised: tuple[UnrecognisedMedication, ...] = ()
    notes: tuple[str, ...] = ()


# ----- words ----------------------------------------------------------------------------------

_MARKS = re.compile(r"[®™©℗]")
_GLUED = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?")
_SPLIT = re.compile(r"[+,;/&\n]")
_UNITS = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ug": 0.001, "microgram": 0.001}


def _plain(text: str) -> str:
    """Lower case, accents and trade marks gone, a dose cut off a name ("eliquis5mg")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", _MARKS.sub(" ", text.replace("µ", "u")))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _GLUED.sub(" ", text.lower())


def _words(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(_plain(text)))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two neighbours costs 1), or limit + 1 once
    it is certain to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


_LOOSE_FROM = 6  # words this long get one more letter of slack when the first letters agree


def _allowed_distance(length: int) -> int:
    """Near misses scale with word length and never apply to short words (ASA, ASS, DOAC)."""
    if length < 5:
        return 0
    return 1 if length < 9 else 2


@dataclass(frozen=True)
class _Entry:
    cls: DrugClass
    drug: Drug | None  # None: a class word
    atc: str | None
    via: Via


@dataclass(frozen=True, eq=False)  # hashed by identity, for the near-miss cache
class _Index:
    phrases: dict[tuple[str, ...], _Entry]  # word sequences -> what they name
    longest: int
    deletes: dict[str, tuple[str, ...]]  # deletion variants -> one-word names, for near misses
    non_systemic: dict[str, frozenset[str]]  # class key -> qualifier words
    systemic: dict[str, frozenset[str]]  # class key -> words that override the qualifiers
    indication: frozenset[str]
    separators: frozenset[str]
    none_words: frozenset[tuple[str, ...]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    vocab = load_vocabulary()
    phrases: dict[tuple[str, ...], _Entry] = {}
    for cls in vocab.classes:
        for group in cls.groups:
            for drug in group.drugs:
                phrases.setdefault(_words(drug.name), _Entry(cls, drug, group.atc, "name"))
                for brand in drug.brands:
                    phrases.setdefault(_words(brand), _Entry(cls, drug, group.atc, "brand"))
        for word in cls.class_words:
            phrases.setdefault(_words(word), _Entry(cls, None, None, "class_word"))
    deletes: dict[str, set[str]] = {}
    for key in phrases:
        if len(key) == 1 and key[0].isalpha() and _allowed_distance(len(key[0])):
            slack = 1 if len(key[0]) >= _LOOSE_FROM else 0
            for variant in _deletes(key[0], _allowed_distance(len(key[0])) + slack):
                deletes.setdefault(variant, set()).add(key[0])
    return _Index(
        phrases=phrases,
        longest=max(len(k) for k in phrases),
        deletes={variant: tuple(sorted(names)) for variant, names in deletes.items()},
        non_systemic={
            c.key: frozenset(w for q in c.non_systemic for w in _words(q)) for c in vocab.classes
        },
        systemic={c.key: frozenset(c.systemic) for c in vocab.classes},
        separators=frozenset(vocab.separators),
        indication=frozenset(vocab.indication_words),
        none_words=frozenset(_words(w) for w in vocab.none_words),
    )


def _deletes(word: str, depth: int) -> set[str]:
    """`word` and every string made from it by deleting up to `depth` letters."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@lru_cache(maxsize=8192)
def _near_miss(word: str, index: _Index) -> str | None:
    """The vocabulary word closest to `word` within the allowed distance (ties: alphabetical).

    Candidates come from shared deletions: two words within distance k share a string reached
    by at most k deletions from each, and k is at most the allowed distance of either word, so
    only a few distances are computed per word. Cached: the same words recur across entries."""
    depth = _allowed_distance(len(word))
    if depth == 0:
        return None
    variants = _deletes(word, depth + 1 if len(word) >= _LOOSE_FROM else depth)
    candidates = {name for variant in variants for name in index.deletes.get(variant, ())}
    best: tuple[int, str] | None = None
    for name in candidates:
        limit = _allowed_distance(min(len(word), len(name)))
        if min(len(word), len(name)) >= _LOOSE_FROM and word[0] == name[0]:
            limit += 1  # one more letter when the first letters agree: a doubt counts
        distance = edit_distance(word, name, limit)
        if distance <= limit and (best is None or (distance, name) < best):
            best = (distance, name)
    return best[1] if best else None


def _loose(word: str, name: str) -> bool:
    """True when `word` is within the looser limit only (said "may be", not "read as")."""
    limit = _allowed_distance(min(len(word), len(name)))
    return edit_distance(word, name, limit) > limit


# ----- reading --------------------------------------------------------------------------------


def _mentions(text: str, index: _Index) -> list[tuple[str, ...]]:
    """The entry cut into drug mentions: at + , ; / & and the separator words."""
    out: list[tuple[str, ...]] = []
    for part in _SPLIT.split(text):
        current: list[str] = []
        for word in _words(part):
            if word in index.separators:
                out.append(tuple(current))
                current = []
            else:
                current.append(word)
        out.append(tuple(current))
    return [m for m in out if m]


def _dose_mg(words: tuple[str, ...]) -> float | None:
    doses = [
        float(word.replace(",", ".")) * _UNITS[unit]
        for word, unit in pairwise(words)
        if word[0].isdigit() and unit in _UNITS
    ]
    return min(doses) if doses else None


@dataclass(frozen=True)
class _Hit:
    entry: _Entry
    written: str
    near: str | None  # the vocabulary word a near miss was read as


def _hits(words: tuple[str, ...], index: _Index) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(words):
        for size in range(min(index.longest, len(words) - i), 0, -1):
            entry = index.phrases.get(words[i : i + size])
            if entry is not None:
                hits.append(_Hit(entry, " ".join(words[i : i + size]), None))
                i += size
                break
        else:
            word = words[i]
            joined = word + words[i + 1] if i + 1 < len(words) else ""
            if joined and (joined,) in index.phrases:  # "anti-coagulant", "xa relto"
                hits.append(_Hit(index.phrases[(joined,)], f"{word}-{words[i + 1]}", None))
                i += 2
                continue
            if word.isalpha() and (near := _near_miss(word, index)) is not None:
                hits.append(_Hit(index.phrases[(near,)], word, near))
            i += 1
    return hits


def _non_systemic(words: tuple[str, ...], cls: DrugClass, index: _Index) -> list[str]:
    """The words saying the mention is not systemic; none when a systemic word is there too."""
    form = words
    for position, word in enumerate(words):
        if word in index.indication:
            form = words[:position]
            break
    if index.systemic[cls.key].intersection(form):
        return []
    return sorted(index.non_systemic[cls.key].intersection(form))


def _read_mention(
    text: str, words: tuple[str, ...], index: _Index
) -> tuple[list[MedicationMatch], list[str]]:
    matches: list[MedicationMatch] = []
    notes: list[str] = []
    for hit in _hits(words, index):
        cls, drug = hit.entry.cls, hit.entry.drug
        name = drug.name if drug else cls.label
        said = drug.name if drug else repr(hit.written)
        qualifiers = _non_systemic(words, cls, index)
        if qualifiers:
            forms = ", ".join(qualifiers)
            notes.append(
                f"Medication {text!r}: {said} read as not systemic ({forms}); "
                f"not counted as a {cls.label}."
            )
            continue
        dose = _dose_mg(words)
        if drug and drug.max_dose_mg is not None and dose is not None and dose > drug.max_dose_mg:
            notes.append(
                f"Medication {text!r}: {said} at {dose:g} mg is above {drug.max_dose_mg:g} mg, "
                f"read as a painkiller dose; not counted as a {cls.label}."
            )
            continue
        via: Via = "near_miss" if hit.near else hit.entry.via
        matches.append(
            MedicationMatch(
                text=text,
                drug=name,
                drug_class=cls.key,
                label=cls.label,
                finding=cls.finding,
                atc=hit.entry.atc,
                via=via,
                read_as=_read_as(hit, name, cls),
                sources=cls.sources,
            )
        )
    return matches, notes


def _read_as(hit: _Hit, name: str, cls: DrugClass) -> str | None:
    if hit.near is not None:
        verb = "may be" if _loose(hit.written, hit.near) else "read as"
        named = name if hit.near == name else f"{hit.near} ({name})"
        return f"{hit.written!r} {verb} {named}: confirm"
    if hit.entry.via == "class_word":
        return f"{hit.written!r} read as the class {cls.label}: confirm which drug"
    return None


@lru_cache(maxsize=4096)
def _read_entry(text: str) -> tuple[tuple[MedicationMatch, ...], tuple[str, ...], bool]:
    """(matches, notes, recognised) for one entry; cached, entries repeat across intakes."""
    index = _index()
    words = _words(text)
    if not words or words in index.none_words:
        return (), (), True
    matches: dict[str, MedicationMatch] = {}
    notes: list[str] = []
    for mention in _mentions(text, index):
        found, said = _read_mention(text, mention, index)
        for match in found:  # one match per class and entry; an exact reading beats a guess
            held = matches.get(match.drug_class)
            if held is None or (held.read_as is not None and match.read_as is None):
                matches[match.drug_class] = match
        notes += said
    return tuple(matches.values()), tuple(dict.fromkeys(notes)), bool(matches or notes)


def read_medications(medications: Collection[str]) -> MedicationReading:
    """What the free-text entries say, in entry order (see the module docstring)."""
    matches: list[MedicationMatch] = []
    unrecognised: list[UnrecognisedMedication] = []
    notes: list[str] = []
    for text in medications:
        found, said, recognised = _read_entry(text)
        matches += found
        notes += said
        if not recognised:
            unrecognised.append(UnrecognisedMedication(text=text))
    return MedicationReading(
        matches=tuple(matches), unrecognised=tuple(unrecognised), notes=tuple(notes)
    )


def match_medications(medications: Collection[str]) -> tuple[MedicationMatch, ...]:
    """Drug-class matches in free-text medication entries, in entry order (one per class)."""
    return read_medications(medications).matches
