"""The billing fields of the chart form: face-to-face minutes and the increments with e-stim
or re-insertion, saved with the chart; a bad increment names the field."""

from __future__ import annotations

from tests.web.views.conftest import Browser, page
from tests.web.views.test_clinic_sessions import accepted_patient, chart, form_data


def test_billing_fields_are_saved_with_the_chart(browser: Browser) -> None:
    client = browser("mei")
    patient_id = accepted_patient(client)
    url, _ = chart(client, patient_id, face_to_face_minutes="30", reinsertion_increments="2")
    edit = page(client.get(url)).find("form", action=url)
    assert edit.find(id="face_to_face_minutes")["value"] == "30"
    assert edit.find(id="reinsertion_increments")["value"] == "2"
    assert edit.find(id="electro_increments")["value"] == ""
    bad = client.post(url, data=form_data(edit) | {"electro_increments": ["two"]})
    assert bad.status_code == 422
    assert "electro increments" in page(bad).find(attrs={"role": "alert"}).get_text()
    beyond = client.post(url, data=form_data(edit) | {"reinsertion_increments": ["3"]})
    assert beyond.status_code == 422
    assert "beyond the 30 face-to-face minutes" in page(beyond).get_text()
