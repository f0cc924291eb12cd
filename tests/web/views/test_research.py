"""The evidence page (pooled trials, forest plot inline, the clinic beside the trials for staff)
and the researcher's aggregates page."""

from __future__ import annotations

import pytest
from bs4 import Tag
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from tests.web.views.conftest import Browser, page

from acuback.evidence.clinic import CAVEAT, ClinicSummary, OutcomeRecord, clinic_summary
from acuback.evidence.trials import analysis_specs, run_analysis
from acuback.records import UnitOfWork
from acuback.services.research import clinic_scales


def test_the_evidence_page_shows_the_sham_pain_pooled_estimate_and_its_forest_plot(
    anonymous: TestClient,
) -> None:
    response = anonymous.get("/evidence")
    assert response.status_code == 200
    soup = page(response)
    chosen = soup.select_one("section.analysis")
    assert chosen["data-analysis"] == "sham/pain/end_of_treatment"
    pooled = run_analysis("sham", "pain").pooled
    assert pooled is not None
    assert pooled.k == 2
    estimate = chosen.select_one(".pooled-estimate").get_text()
    assert f"{pooled.estimate:.2f}" in estimate
    assert f"{pooled.ci_lb:.2f} to {pooled.ci_ub:.2f}" in estimate
    assert f"I² = {pooled.I2:.0f}%" in chosen.select_one(".heterogeneity").get_text()
    svg = chosen.select_one("figure.forest svg")
    assert svg is not None
    assert svg.find("title") is not None
    # The CSP forbids inline styles: the figure must carry none.
    assert svg.find("style") is None
    assert not [el for el in svg.find_all(True) if el.has_attr("style")]


def test_every_bundled_analysis_is_listed_and_gaps_are_stated_plainly(
    anonymous: TestClient,
) -> None:
    soup = page(anonymous.get("/evidence"))
    rows = {row["data-analysis"]: row for row in soup.select(".evidence-overview tbody tr")}
    for spec in analysis_specs():
        row = rows[f"{spec.comparator}/{spec.outcome}/{spec.timepoint}"]
        if spec.pairs:
            assert row.select_one(".estimate") is not None
        else:
            assert "cannot support this analysis" in row.select_one(".cannot").get_text()


def test_an_analysis_without_data_says_so_and_draws_nothing(anonymous: TestClient) -> None:
    soup = page(anonymous.get("/evidence?comparator=none&outcome=function"))
    chosen = soup.select_one("section.analysis")
    assert "cannot support this analysis" in chosen.select_one("p.cannot").get_text()
    assert chosen.find("svg") is None


def test_an_unknown_analysis_is_a_404_page(anonymous: TestClient) -> None:
    assert anonymous.get("/evidence?comparator=placebo").status_code == 404


def test_staff_see_the_clinic_section_and_the_public_does_not(
    anonymous: TestClient, browser: Browser
) -> None:
    assert page(anonymous.get("/evidence")).select(".clinic-results") == []
    assert page(browser("mei").get("/evidence")).select(".clinic-results") != []


def _names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT given_name, family_name, email, public_id, phone FROM patients")
        )
        return {value for row in rows for value in row if value}


def test_the_researcher_sees_aggregates_without_names(browser: Browser, web_engine: Engine) -> None:
    response = browser("researcher").get("/research")
    assert response.status_code == 200
    soup = page(response)
    with web_engine.connect() as connection:
        patients = connection.execute(text("SELECT count(*) FROM patients")).scalar_one()
    assert soup.select_one('[data-figure="patients"]').get_text(strip=True) == str(patients)
    words = soup.get_text(" ")
    leaked = {name for name in _names(web_engine) if name in words}
    assert leaked == set()
    assert soup.select("table.outcomes tbody tr")  # the demo has outcome series


def test_the_research_page_is_refused_to_patients_and_asks_strangers_to_log_in(
    anonymous: TestClient, browser: Browser
) -> None:
    response = anonymous.get("/research", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fresearch"
    assert browser("ada").get("/research").status_code == 403


# ----- the clinic's own results beside the trial arms ------------------------------------------


def _clinic_reference(engine: Engine, instrument: str) -> ClinicSummary:
    """The core's summary of the stored scores, read with real ids (the page must agree)."""
    with UnitOfWork(engine) as uow:
        records = tuple(
            OutcomeRecord(str(p.id), m.measured_on, m.instrument, m.score)
            for p in uow.patients.all(limit=1000)
            for m in uow.outcomes.for_patient(p.id or 0, instrument)
            if m.score is not None
        )
    return clinic_summary(records, instrument, clinic_scales())


def _svg_words(svg: Tag) -> str:
    return " ".join(" ".join(t.get_text().split()) for t in svg.find_all("text"))


def test_a_practitioner_sees_the_clinic_beside_the_trials_with_the_caveat_on_the_figure(
    browser: Browser, web_engine: Engine
) -> None:
    response = browser("mei").get("/evidence")
    assert response.status_code == 200
    section = page(response).select_one("section.clinic-results")
    assert section is not None
    assert section["data-instrument"] == "nrs"
    expected = _clinic_reference(web_engine, "nrs")
    assert expected.ci is not None
    assert section.select_one('[data-figure="n"]').get_text().startswith(f"{expected.n_patients} ")
    mean = section.select_one('[data-figure="mean"]').get_text()
    assert f"{expected.mean_improvement:.1f}" in mean
    assert f"{expected.ci[0]:.1f} to {expected.ci[1]:.1f}" in mean
    responders = section.select_one('[data-figure="responders"]').get_text()
    assert f"{expected.responders} of {expected.n_patients}" in responders
    svg = section.select_one("figure.clinic svg")
    assert svg is not None
    assert svg.find("title") is not None
    assert svg.find("style") is None  # the CSP forbids inline styles
    assert not [el for el in svg.find_all(True) if el.has_attr("style")]
    words = _svg_words(svg)
    assert CAVEAT in words  # stated on the figure itself, not only beside it
    assert f"This clinic (n = {expected.n_patients})" in words
    assert "ART acupuncture (8 wk)" in words  # a trial arm on the same axis
    assert CAVEAT in section.select_one(".caveat").get_text()  # and in words beside it


def test_the_clinic_section_names_nobody_and_its_read_is_audited(
    browser: Browser, web_engine: Engine
) -> None:
    section = page(browser("daniel").get("/evidence")).select_one("section.clinic-results")
    words = section.get_text(" ") + " " + _svg_words(section.select_one("svg"))
    assert {name for name in _names(web_engine) if name in words} == set()
    with UnitOfWork(web_engine) as uow:
        last = uow.audit.entries(actor="daniel", entity="outcomes", limit=1)[0]
    assert (last.action, last.outcome, last.detail["instrument"]) == (
        "research.aggregate",
        "success",
        "nrs",
    )


def test_a_signed_out_visitor_sees_the_trials_only(anonymous: TestClient) -> None:
    soup = page(anonymous.get("/evidence?instrument=rmdq"))
    assert soup.select_one("section.analysis figure.forest svg") is not None
    assert soup.select(".clinic-results") == []
    assert soup.select("figure.clinic") == []
    assert CAVEAT not in soup.get_text(" ")


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("admin", True),
        ("researcher", True),
        ("ada", False),
        ("reception", False),
    ],
)
def test_the_clinic_section_follows_the_permission_table(
    browser: Browser, username: str, sees: bool
) -> None:
    response = browser(username).get("/evidence")
    assert response.status_code == 200
    assert bool(page(response).select("figure.clinic svg")) is sees


def test_another_instrument_can_be_chosen_and_a_small_cohort_is_not_drawn(
    browser: Browser, web_engine: Engine
) -> None:
    mei = browser("mei")
    soup = page(mei.get("/evidence"))
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".instrument-choice a")}
    assert set(links) == {"Pain NRS", "PEG", "RMDQ", "ODI"}
    section = page(mei.get(links["RMDQ"])).select_one("section.clinic-results")
    assert section["data-instrument"] == "rmdq"
    expected = _clinic_reference(web_engine, "rmdq")
    assert section.select_one('[data-figure="n"]').get_text().startswith(f"{expected.n_patients} ")
    assert "Cherkin 2009" in _svg_words(section.select_one("figure.clinic svg"))
    odi = page(mei.get(links["ODI"])).select_one("section.clinic-results")
    assert odi.select_one('[data-figure="suppressed"]') is not None  # the demo has no ODI series
    assert odi.find("svg") is None
    assert mei.get("/evidence?instrument=vas").status_code == 404


def test_the_researcher_downloads_the_de_identified_export(
    browser: Browser, web_engine: Engine
) -> None:
    import csv
    import io
    import zipfile

    researcher = browser("researcher")
    links = page(researcher.get("/research")).select("a[data-export]")
    assert [link["href"] for link in links] == [
        "/research/export.zip?format=csv",
        "/research/export.zip?format=parquet",
    ]
    response = researcher.get("/research/export.zip?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = {"patients", "intakes", "courses", "sessions", "outcomes", "adverse_events"}
    assert set(archive.namelist()) == {f"{n}.csv" for n in names} | {"dictionary.json"}
    patients = list(csv.DictReader(io.StringIO(archive.read("patients.csv").decode())))
    with web_engine.connect() as connection:
        assert (
            len(patients)
            == connection.execute(
                text("SELECT count(DISTINCT patient_id) FROM intakes")
            ).scalar_one()
        )
    text_of_all = " ".join(archive.read(name).decode() for name in archive.namelist())
    assert {name for name in _names(web_engine) if name in text_of_all} == set()
    assert researcher.get("/research/export.zip?format=xls").status_code == 422


@pytest.mark.parametrize("user", ["mei", "ada", "reception"])
def test_the_export_is_refused_to_other_roles(browser: Browser, user: str) -> None:
    assert browser(user).get("/research/export.zip").status_code == 403


def test_the_researcher_sees_the_analytics_factors_and_model(browser: Browser) -> None:
    researcher = browser("researcher")
    assert page(researcher.get("/research")).select_one("a[data-link=analytics]") is not None
    soup = page(researcher.get("/research/analytics"))
    section = soup.select_one("section[data-section=analytics]")
    assert section is not None
    factors = {t["data-factor"] for t in section.select("table[data-factor]")}
    expected = {"condition", "chronicity", "sessions_per_week", "expectation"}
    assert expected | {"prior_acupuncture", "startback", "practitioner"} <= factors
    text = section.get_text(" ")
    assert "no control arm" in text
    assert "Adjusted model" in text
    beside = section.select_one("figure[data-figure=beside-trials] svg")
    assert beside is not None, "the clinic beside the trial arms, from the analytics report"
    assert "beside the trial arms" in (beside.get("aria-label") or beside.get_text(" "))


@pytest.mark.parametrize("user", ["mei", "admin", "reception"])
def test_other_roles_see_no_analytics(browser: Browser, user: str) -> None:
    response = browser(user).get("/research")
    if response.status_code == 200:
        assert page(response).select_one("a[data-link=analytics]") is None
    else:
        assert response.status_code == 403
    assert browser(user).get("/research/analytics").status_code == 403
