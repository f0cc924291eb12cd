"""The loaded knowledge base: lookups and the cross-file checks run once at load."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from acuback.errors import AmbiguousCode, KnowledgeError, NotFound
from acuback.knowledge.models import Alias, Condition, Meridian, Method, Point, Source

__all__ = ["KnowledgeBase"]

_CODE_SHAPE = re.compile(r"^\s*([A-Za-z]+)[\s.\-_]*(\d{1,3})\s*$")
_EXTRA_SHAPE = re.compile(r"^\s*EX[\s.\-_]*(HN|CA|B|UE|LE)[\s.\-_]*(\d{1,3})\s*$", re.IGNORECASE)
_DOTTED_SHAPE = re.compile(r"^\s*(\d{1,2})\s*\.\s*([A-Za-z]+)\s*\.?\s*$")  # "23.BL."


@dataclass(frozen=True, eq=False)  # identity hash: one cached instance per process
class KnowledgeBase:
    """All packaged knowledge, validated and cross-checked. Build it with `load_knowledge()`."""

    sources: Mapping[str, Source]
    meridians: Mapping[str, Meridian]
    points: Mapping[str, Point]
    aliases: tuple[Alias, ...]
    conditions: Mapping[str, Condition]
    methods: Mapping[str, Method]

    # ----- lookups -------------------------------------------------------------------------

    @cached_property
    def _abbreviations(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for meridian in self.meridians.values():
            for spelling in (meridian.code, *meridian.abbreviations):
                table[spelling.upper()] = meridian.code
        return table

    def normalise_code(self, text: str) -> str | None:
        """The WHO code a spelling such as `bl23`, `BL-23`, `Bl 23`, `UB23` or `23.BL.` means.

        Returns None when the text is not shaped like a point code. Does not check existence.
        """
        extra = _EXTRA_SHAPE.match(text)
        if extra:
            return f"EX-{extra.group(1).upper()}{int(extra.group(2))}"
        dotted = _DOTTED_SHAPE.match(text)
        match = (dotted.group(2), dotted.group(1)) if dotted else None
        if match is None:
            plain = _CODE_SHAPE.match(text)
            match = (plain.group(1), plain.group(2)) if plain else None
        if match is None:
            return None
        meridian = self._abbreviations.get(match[0].upper())
        return f"{meridian}{int(match[1])}" if meridian else None

    @cached_property
    def _old_numbering(self) -> dict[str, tuple[str, ...]]:
        """WHO code a spelling looks like -> the points that spelling meant in the old numbering."""
        table: dict[str, tuple[str, ...]] = {}
        for alias in self.aliases:
            key = self.normalise_code(alias.text) if alias.system == "old_numbering" else None
            if key:
                table[key] = table.get(key, ()) + tuple(c for c in alias.codes if c != key)
        return table

    def old_readings(self, code: str) -> tuple[str, ...]:
        """Points `code` also meant in the old Bladder numbering (Bl-54 = BL40), else ().

        The WHO code written as WHO writes it (`BL54`, any case) means today's point only;
        any other spelling of a number the old numbering used (`Bl-54`, `UB54`, `BL 54`) is
        read both ways, since old books and patient articles write it so.
        """
        canonical = self.normalise_code(code)
        if canonical is None or code.strip().upper() == canonical:
            return ()
        return self._old_numbering.get(canonical, ())

    def point(self, code: str) -> Point:
        """The point for a code in any common spelling; NotFound suggests the nearest codes.

        A spelling the old Bladder numbering also used is an `AmbiguousCode` naming both points.
        """
        canonical = self.normalise_code(code)
        if canonical and canonical in self.points:
            older = self.old_readings(code)
            if older:
                raise AmbiguousCode("point", code.strip(), self._readings(canonical, older))
            return self.points[canonical]
        raise NotFound("point", code, self._nearest_codes(canonical or code.strip().upper()))

    def _readings(self, today: str, older: tuple[str, ...]) -> list[tuple[str, str]]:
        now = self.points[today]
        readings = [(today, f"today's WHO code, {now.pinyin_ascii}")]
        for code in older:
            point = self.points[code]
            old = next(a.text for a in self.aliases_for(code) if a.system == "old_numbering")
            readings.append((code, f"{point.pinyin_ascii}, {old} in the old Bladder numbering"))
        return readings

    def _nearest_codes(self, guess: str, n: int = 3) -> list[str]:
        """Same meridian, nearest number first (BL68 -> BL67, BL66 ...); else by spelling."""
        shape = re.match(r"^(.*?)(\d+)$", guess)
        if shape:
            same = [p for p in self.points.values() if p.meridian == shape.group(1)]
            if same:
                number = int(shape.group(2))
                same.sort(key=lambda p: (abs(p.number - number), p.number))
                return [p.code for p in same[:n]]
        return difflib.get_close_matches(guess, list(self.points), n=n, cutoff=0.5)

    def meridian(self, code: str) -> Meridian:
        key = self._abbreviations.get(code.strip().upper())
        if key is None:
            near = difflib.get_close_matches(code.strip().upper(), list(self.meridians), n=3)
            raise NotFound("meridian", code, near)
        return self.meridians[key]

    def condition(self, code: str) -> Condition:
        if code not in self.conditions:
            raise NotFound(
                "condition", code, difflib.get_close_matches(code, list(self.conditions))
            )
        return self.conditions[code]

    def points_of(self, meridian: str) -> list[Point]:
        """Points on a meridian (or extra-point group such as EX-B) in number order."""
        return sorted(
            (p for p in self.points.values() if p.meridian == meridian), key=lambda p: p.number
        )

    def aliases_for(self, code: str) -> list[Alias]:
        return [a for a in self.aliases if code in a.codes]

    # ----- integrity -----------------------------------------------------------------------

    def check(self) -> None:
        """Cross-file checks: every key resolves and every count is what the standard says."""
        for key, source_keys in self._source_references():
            for source in source_keys:
                if source not in self.sources:
                    file, record = key
                    raise KnowledgeError(file, record, "sources", f"unknown source key {source!r}")
        for meridian in self.meridians.values():
            self._check_meridian(meridian)
        for alias in self.aliases:
            for code in alias.codes:
                if code not in self.points:
                    raise KnowledgeError("aliases.yaml", alias.text, "codes", f"unknown {code}")
        for point in self.points.values():
            if not point.code.startswith("EX-") and point.meridian not in self.meridians:
                raise KnowledgeError(
                    f"points/{point.meridian}.yaml", point.code, "meridian", "unknown meridian"
                )

    def _check_meridian(self, meridian: Meridian) -> None:
        file = "meridians.yaml"
        if meridian.paired and meridian.paired not in self.meridians:
            raise KnowledgeError(file, meridian.code, "paired", f"unknown {meridian.paired}")
        if meridian.has_own_points:
            count = len(self.points_of(meridian.code))
            if count != meridian.point_count:
                raise KnowledgeError(
                    file,
                    meridian.code,
                    "point_count",
                    f"says {meridian.point_count} but the point files hold {count}",
                )
        referenced = list(meridian.shared_points)
        if meridian.confluent:
            referenced += [meridian.confluent.opening_point, meridian.confluent.coupled_point]
            if meridian.confluent.coupled_vessel not in self.meridians:
                raise KnowledgeError(
                    file, meridian.code, "confluent.coupled_vessel", "unknown vessel"
                )
        for code in referenced:
            if code not in self.points:
                raise KnowledgeError(file, meridian.code, "points", f"unknown point {code}")

    def _source_references(self) -> Iterable[tuple[tuple[str, str], tuple[str, ...]]]:
        for p in self.points.values():
            yield (f"points/{p.meridian}.yaml", p.code), p.sources
            for flag in p.flags:
                yield (f"points/{p.meridian}.yaml", p.code), flag.sources
        for m in self.meridians.values():
            yield ("meridians.yaml", m.code), m.sources
        for a in self.aliases:
            yield ("aliases.yaml", a.text), a.sources
        for c in self.conditions.values():
            yield ("conditions.yaml", c.code), c.sources
        for method in self.methods.values():
            yield ("methods.yaml", method.code), method.sources
            for contra in method.contraindications:
                yield ("methods.yaml", method.code), contra.sources
