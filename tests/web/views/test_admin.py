"""The administrator's pages: users, practitioner credentials, the audit log and its check."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.views.conftest import Browser, form_token, log_in, page


def test_admin_creates_a_user_who_can_log_in_and_can_be_deactivated(browser: Browser) -> None:
    admin = browser("admin")
    token = form_token(admin, "/admin/users")
    data = {
        "csrf_token": token,
        "username": "nurse.kim",
        "password": "kim-password-2026",
        "role": "reception",
    }
    response = admin.post("/admin/users", data=data)
    assert response.status_code == 200
    row = page(response).find("tr", attrs={"data-username": "nurse.kim"})
    assert row is not None
    assert "active" in row.get_text()
    with TestClient(admin.app) as client:
        assert log_in(client, "nurse.kim", "kim-password-2026").status_code == 303  # type: ignore[attr-defined]
    form = (
        page(admin.get("/admin/users"))
        .find("tr", attrs={"data-username": "nurse.kim"})
        .find("form")
    )
    values = {field["name"]: field["value"] for field in form.find_all("input")}
    assert admin.post(form["action"], data=values, follow_redirects=False).status_code == 303
    row = page(admin.get("/admin/users")).find("tr", attrs={"data-username": "nurse.kim"})
    assert "inactive" in row.get_text()
    with TestClient(admin.app) as client:
        assert log_in(client, "nurse.kim", "kim-password-2026").status_code == 401  # type: ignore[attr-defined]


def test_short_password_is_refused_naming_the_field(browser: Browser) -> None:
    admin = browser("admin")
    data = {
        "csrf_token": form_token(admin, "/admin/users"),
        "username": "shorty",
        "password": "short",
        "role": "reception",
    }
    response = admin.post("/admin/users", data=data)
    assert response.status_code == 422
    soup = page(response)
    assert soup.find(attrs={"role": "alert"}).get_text().startswith("password")
    assert soup.find("input", attrs={"name": "username"})["value"] == "shorty"


def test_practitioner_credentials_add_and_edit(browser: Browser) -> None:
    admin = browser("admin")
    soup = page(admin.get("/admin/practitioners"))
    for name in (
        "name",
        "qualification",
        "licence_number",
        "licence_body",
        "licence_expiry",
        "years_in_practice",
        "specialties",
    ):
        assert soup.find("input", attrs={"name": name}) is not None
        assert soup.find("label", attrs={"for": name}) is not None
    data = {
        "csrf_token": form_token(admin, "/admin/practitioners"),
        "name": "Ines Vidal",
        "qualification": "MSc Acupuncture",
        "licence_number": "X-77",
        "licence_body": "A Council",
        "licence_expiry": "2030-01-31",
        "years_in_practice": "3",
        "specialties": "back pain, pregnancy care",
    }
    assert admin.post("/admin/practitioners", data=data, follow_redirects=False).status_code == 303
    table = page(admin.get("/admin/practitioners")).select("table.practitioners tbody tr")
    row = next(r for r in table if "Ines Vidal" in r.get_text())
    edit_url = row.find("a")["href"]
    form = page(admin.get(edit_url)).find("form", action=edit_url)
    values = {f["name"]: f.get("value", "") for f in form.find_all("input")}
    values["years_in_practice"] = "4"
    assert admin.post(edit_url, data=values, follow_redirects=False).status_code == 303
    assert (
        page(admin.get(edit_url)).find("input", attrs={"name": "years_in_practice"})["value"] == "4"
    )
    bad = admin.post(edit_url, data={**values, "licence_expiry": "soon"})
    assert bad.status_code == 422
    assert "licence_expiry" in page(bad).find(attrs={"role": "alert"}).get_text()


def test_audit_log_lists_entries_and_verifies_the_chain(browser: Browser) -> None:
    admin = browser("admin")
    soup = page(admin.get("/admin/audit"))
    actions = [row.find_all("td")[3].get_text() for row in soup.select("table.audit tbody tr")]
    assert "auth.login" in actions
    form = soup.find(id="verify-form")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    response = admin.post(form["action"], data={"csrf_token": token})
    assert response.status_code == 200
    result = page(response).find(id="verify-result")
    assert result["data-ok"] == "true"


def test_other_roles_cannot_open_admin_pages(browser: Browser) -> None:
    for username in ("mei", "reception", "ada"):
        client = browser(username)
        for url in ("/admin/users", "/admin/practitioners", "/admin/audit"):
            assert client.get(url).status_code == 403, (username, url)
