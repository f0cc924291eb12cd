"""The public pages: home, the self-check "Is acupuncture right for my back pain?" and /learn.

The self-check builds an Intake v1 from a plain-words form and runs the same screening as the
clinic (`acuback.clinical.screen`), then explains the disposition in plain words. It stores
nothing and logs nothing: no unit of work is opened, no audit entry is written; the only state
is the anonymous session cookie that carries the form's CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from acuback.clinical import ScreeningResult, parse_intake, screen
from acuback.errors import InputError, NotFound
from acuback.knowledge import KnowledgeBase, load_education, load_knowledge, page_for_disposition
from acuback.web import forms
from acuback.web.security.sessions import CSRF_FIELD
from acuback.web.views.clinic_common import FormFields, PageRoute, PageUser, plain
from acuback.web.views.templating import render

__all__ = [
    "FORM_LABELS",
    "PlainConstraint",
    "contradictions",
    "error_words",
    "intake_from_form",
    "medicine_lines",
    "plain_constraints",
    "router",
]

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# Form field (named after its Intake v1 path) -> the words the visitor sees beside it.
FORM_LABELS: Mapping[str, str] = {
    "age": "Your age",
    "sex": "Sex",
    "pain.regions": "Where is the pain",
    "pain.side": "Which side",
    "pain.onset_weeks": "How many weeks ago the pain started",
    "pain.nrs": "How bad the pain is now",
    "findings": "Health questions",
    "pregnancy_weeks": "Weeks of pregnancy",
    "medications": "Other medicines",
    "diagnoses": "A diagnosis you already have",
    "prior_acupuncture": "Acupuncture before",
}
_REGION_WORDS = {
    "lower_back": "the lower back",
    "upper_back": "the upper back",
    "neck": "the neck",
    "sacrum": "the flat bone at the bottom of the spine (sacrum)",
    "lower_abdomen": "the lower belly",
    "upper_abdomen": "the upper belly",
    "chest": "the chest",
    "thorax": "the chest",
}
_FLAG_WORDS = {
    "pregnancy_forbidden": "Points traditionally avoided in pregnancy",
    "pregnancy_caution": "Points many practitioners leave out in pregnancy",
}
# Said whenever the back itself is off limits, so that "no needles on the lower back" does not
# read as "nothing can be done for my back pain" (distal points are the usual way round it).
_BACK_REGIONS = {"lower_back", "upper_back", "neck", "sacrum"}
_INSTEAD = (
    "This does not rule out treatment for your back pain: practitioners then use points "
    "away from these areas, for example on the legs, feet and hands (leaving out any "
    "point named above), and gentle techniques."
)
_LIST_AT_MOST = 12  # longer point lists are summarised (the regions already say where)


# ----- the self-check form -> Intake v1 (acuback.web.forms) ---------------------------------

_PAGE_FIELDS = (CSRF_FIELD, "pregnant")  # the self-check's own fields, besides the intake's


def intake_from_form(fields: forms.Fields) -> dict[str, Any]:
    """Intake v1 (a JSON-like dict) from the self-check form; `InputError` names the field.

    The form mapper reads the intake fields; this page adds its pregnancy question: any weeks
    of pregnancy count as pregnancy, whatever the radio says (a contradiction is never
    resolved toward the less safe reading; `contradictions` says so to the visitor).
    """
    intake = forms.intake_fields(fields, also=_PAGE_FIELDS)
    if intake["pregnancy_weeks"] is None and forms.text(fields, "pregnant") == "yes":
        raise InputError("pregnancy_weeks", "say how many weeks pregnant you are (a guess is fine)")
    return intake


def contradictions(fields: forms.Fields) -> list[str]:
    """Answers that disagree, in plain words, with the safer reading the check used."""
    said: list[str] = []
    weeks = forms.text(fields, "pregnancy_weeks")
    if weeks and forms.text(fields, "pregnant") != "yes":
        said.append(
            f"You answered that you are not pregnant, but you also gave {weeks} weeks of "
            "pregnancy. To be safe, this check has counted you as pregnant. If you are not "
            "pregnant, empty the weeks box and check again."
        )
    if weeks and forms.text(fields, "sex") == "male":
        said.append(
            f"You chose male and also gave {weeks} weeks of pregnancy. To be safe, this check "
            "has counted the pregnancy."
        )
    return said


# What each field accepts, in the visitor's words (the intake's own messages are technical).
_ACCEPTS = {
    "age": "give your age in whole years, from 16 to 120 (this check is for adults)",
    "sex": "choose one of the answers",
    "pain.regions": "tick at least one place where it hurts",
    "pain.onset_weeks": "give a number of weeks, 0 or more (a guess is fine)",
    "pain.nrs": "choose a number from 0 to 10",
    "pregnancy_weeks": "give a whole number of weeks from 0 to 45",
}


def error_words(error: InputError) -> str:
    """`Label: what is wrong` in plain words, naming the field as the form shows it."""
    name = forms.error_field(error)
    label = FORM_LABELS.get(name, name)
    if error.problem == "is required":
        return f"{label}: please answer this question"
    if name in _ACCEPTS:  # what was wrong (the form mapper's words), then what is accepted
        return f"{label}: {error.problem}; {_ACCEPTS[name]}"
    return f"{label}: {error.problem}"


# ----- the screening result in plain words ----------------------------------------------------


@dataclass(frozen=True)
class PlainConstraint:
    """One thing the practitioner will do differently, in plain words, with the codes behind it."""

    kind: str  # points | region | instead | method | depth | position | needles
    text: str
    codes: tuple[str, ...] = ()


def _point_words(codes: list[str], kb: KnowledgeBase) -> str:
    named = [f"{c} ({kb.points[c].english})" if c in kb.points else c for c in codes]
    return ", ".join(named)


def _point_lines(result: ScreeningResult, kb: KnowledgeBase) -> list[PlainConstraint]:
    """Named point groups one line each; the large groups that whole areas bring in, together."""
    groups: dict[str, list[str]] = {}
    for avoid in result.constraints.avoid_points:
        key = _FLAG_WORDS.get(avoid.flag or "", "") or f"Points left out: {avoid.reason}"
        groups.setdefault(key, []).append(avoid.code)
    out, many = [], []
    for label, codes in sorted(groups.items(), key=lambda g: g[0].startswith("Points left out")):
        if len(codes) > _LIST_AT_MOST:
            many += codes
        else:
            out.append(
                PlainConstraint("points", f"{label}: {_point_words(codes, kb)}.", tuple(codes))
            )
    if many:
        text = f"In all, {len(many)} more points in the areas above are left out."
        out.append(PlainConstraint("points", text, tuple(many)))
    return out


def plain_constraints(result: ScreeningResult, kb: KnowledgeBase) -> list[PlainConstraint]:
    """The screening's constraints as sentences a patient can show their practitioner."""
    c = result.constraints
    out = [p for p in _point_lines(result, kb) if not p.text.startswith("In all")]
    if c.avoid_regions:
        words = [_REGION_WORDS.get(r, r.replace("_", " ")) for r in c.avoid_regions]
        joined = ", ".join(words[:-1]) + (" or " if len(words) > 1 else "") + words[-1]
        out.append(PlainConstraint("region", f"No needles on {joined}.", c.avoid_regions))
        if _BACK_REGIONS & set(c.avoid_regions):
            out.append(PlainConstraint("instead", _INSTEAD, c.avoid_regions))
    out += [p for p in _point_lines(result, kb) if p.text.startswith("In all")]
    for method in c.avoid_methods:
        name = kb.methods[method].name if method in kb.methods else method.replace("_", " ")
        out.append(PlainConstraint("method", f"No {name.lower()}.", (method,)))
    for code, depth in sorted(c.max_depth_mm.items()):
        where = "any needle" if code == "*" else code
        out.append(
            PlainConstraint(
                "depth", f"Shallow needling only: {where} no deeper than {depth:g} mm.", (code,)
            )
        )
    if c.position == "lying":
        out.append(PlainConstraint("position", "You will be treated lying down."))
    elif c.position == "side_lying":
        text = "You will be treated lying on your side, or well supported."
        out.append(PlainConstraint("position", text))
    if c.max_needles is not None:
        out.append(PlainConstraint("needles", f"No more than {c.max_needles} needles."))
    return out


_MEDICINE_WORDS = {
    "anticoagulant_therapy": "a blood thinner",
    "antiplatelet_therapy": "a medicine that thins the blood",
    "long_term_corticosteroids": "a steroid medicine taken by mouth or injection",
}
_UNREAD = (
    "we did not recognise this medicine. Tell your practitioner about it, and bring the "
    "packet or the prescription."
)


def medicine_lines(result: ScreeningResult) -> list[PlainConstraint]:
    """Each medicine line that changes the answer, in plain words with what it was read as,
    and every line that could not be read (never left out)."""
    out = []
    for match in result.medications:
        text = f"{match.text}: counted as {_MEDICINE_WORDS.get(match.finding, match.label)}."
        if match.via == "near_miss":
            text += f" We read it as {match.drug}: please check the spelling."
        out.append(PlainConstraint("medicine", text, (match.drug_class,)))
    for entry in result.unrecognised_medications:
        out.append(PlainConstraint("unrecognised", f"{entry.text}: {_UNREAD}"))
    return out


def _result_context(result: ScreeningResult, kb: KnowledgeBase) -> dict[str, Any]:
    """What the result template shows; the more serious answers hide everything reassuring."""
    serious = result.disposition in ("emergency", "refer", "clearance")
    shown = (
        ("emergency", "refer", "clearance")
        if serious
        else (result.disposition, "caution", "proceed")
    )
    reasons = [r for r in result.reasons if r.disposition in shown]
    if result.disposition == "emergency":
        reasons = [r for r in reasons if r.disposition == "emergency"] + [
            r for r in reasons if r.disposition != "emergency"
        ]
    treating = result.disposition in ("caution", "proceed")
    return {
        "result": result,
        "medicines": medicine_lines(result),
        "reasons": reasons,
        "constraints": plain_constraints(result, kb) if treating else [],
        "guide": page_for_disposition(result.disposition),
        "expect": load_education()["what-to-expect"] if treating else None,
        "sources": kb.sources,
    }


# ----- routes ---------------------------------------------------------------------------------


@router.get("/")
def home(request: Request, user: PageUser) -> Response:
    return render(request, "public/home.html", {}, user=user)


def _conditions(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The knowledge base's conditions as (code, plain name), for the diagnosis dropdown."""
    return sorted(((c.code, c.name) for c in kb.conditions.values()), key=lambda c: c[1])


@router.get("/self-check")
def self_check_form(request: Request, user: PageUser) -> Response:
    context = {"form": {}, "labels": FORM_LABELS, "conditions": _conditions(load_knowledge())}
    return render(request, "public/self_check.html", context, user=user)


@router.post("/self-check")
def self_check(request: Request, user: PageUser, form: FormFields) -> Response:
    kb = load_knowledge()
    fields = plain(form)
    try:
        intake = parse_intake(intake_from_form(fields), conditions=kb.conditions)
    except InputError as exc:
        context = {
            "form": forms.typed(fields),
            "labels": FORM_LABELS,
            "error": error_words(exc),
            "error_field": forms.error_field(exc),
            "conditions": _conditions(kb),
        }
        return render(request, "public/self_check.html", context, user=user, status_code=422)
    result = screen(intake, kb)
    context = {**_result_context(result, kb), "contradictions": contradictions(fields)}
    return render(request, "public/self_check_result.html", context, user=user)


@router.get("/learn")
def learn_index(request: Request, user: PageUser) -> Response:
    pages = [page for page in load_education().values() if page.audience == "patient"]
    return render(request, "public/learn_index.html", {"pages": pages}, user=user)


@router.get("/learn/{slug}")
def learn_page(request: Request, user: PageUser, slug: str) -> Response:
    pages = load_education()
    if slug not in pages:
        raise NotFound("page", slug)
    context = {"page": pages[slug], "sources": load_knowledge().sources, "pages": pages}
    return render(request, "public/learn_page.html", context, user=user)
