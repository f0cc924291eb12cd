"""The public self-check "Is acupuncture right for my back pain?" in a real browser, no login.

The three answers a visitor can get: see a doctor now (warning signs), acupuncture may suit
you, and acupuncture with precautions (pregnancy: the points to leave out are listed; the issue
names LI4 SP6 BL60 BL67 GB21 for 20 weeks).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .steps import fill_self_check, submit
from .steps import self_check_answer as answer

PREGNANCY_POINTS = ("LI4", "SP6", "BL60", "BL67", "GB21")


def test_self_check_without_warning_signs_says_what_to_expect(page: Any) -> None:
    fill_self_check(page)
    expect(answer(page)).to_have_attribute("data-disposition", "proceed")
    expect(answer(page).get_by_role("heading", level=2)).to_have_text("Acupuncture may suit you")
    expect(page.get_by_role("region", name="What to expect")).to_be_visible()
    check = page.get_by_role("link", name="How to check a practitioner's qualifications")
    expect(check).to_be_visible()
    expect(page.get_by_text("Nothing you typed was stored.")).to_be_visible()


def test_self_check_with_warning_signs_says_see_a_doctor_now(page: Any) -> None:
    fill_self_check(
        page,
        age=50,
        ticks=(
            "Numbness or tingling between my legs, around my bottom or genitals",
            "I cannot pass urine, or my bladder does not empty properly",
        ),
    )
    expect(answer(page)).to_have_attribute("data-disposition", "emergency")
    expect(answer(page).get_by_role("heading", level=2)).to_have_text("See a doctor now")
    expect(answer(page)).to_contain_text("emergency")
    expect(answer(page).get_by_role("listitem").first).to_be_visible()  # the reasons, in words
    expect(page.get_by_role("region", name="What to expect")).to_have_count(0)
    expect(page.get_by_role("heading", name="What to tell your practitioner")).to_have_count(0)


def test_self_check_in_pregnancy_lists_the_points_to_avoid(page: Any) -> None:
    fill_self_check(page, age=31, pregnancy_weeks=20)
    expect(answer(page)).to_have_attribute("data-disposition", "caution")
    expect(answer(page).get_by_role("heading", level=2)).to_contain_text("with some precautions")
    tell = page.get_by_role("region", name="What to tell your practitioner")
    expect(tell).to_be_visible()
    codes = " ".join(
        tell.locator("li[data-kind='points']").evaluate_all(
            "items => items.map(i => i.dataset.codes)"
        )
    ).split()
    missing = [code for code in PREGNANCY_POINTS if code not in codes]
    assert not missing, f"pregnancy points not listed: {missing}"
    expect(tell).to_contain_text("LI4")


def test_self_check_names_the_missing_answer_and_keeps_the_rest(page: Any) -> None:
    page.goto("/self-check")
    page.get_by_label("Your age").fill("40")
    page.get_by_role("radio", name="Male", exact=True).check()
    page.get_by_label("Lower back", exact=True).check()
    submit(page, "Check my answers")  # no onset and no pain score
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Your age")).to_have_value("40")
    expect(page.get_by_role("radio", name="Male", exact=True)).to_be_checked()
    expect(page.locator("[aria-invalid='true']")).not_to_have_count(0)
