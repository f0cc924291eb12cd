"""Document buttons of the clinic pages that post a form: the referral letter with its note.

The other documents are plain links to the API's PDF endpoints (a GET with the session
cookie), placed on the plan, session and portal pages.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from acuback.services import documents
from acuback.web.api.documents import pdf_response
from acuback.web.deps import UoW
from acuback.web.views.clinic_common import Clinician, FormFields, PageRoute, PathId, actor_of

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.post("/intakes/{intake_id}/referral")
def write_referral(intake_id: PathId, uow: UoW, user: Clinician, form: FormFields) -> Response:
    """Write the letter with the note typed on the screening page; the PDF downloads."""
    note = str(form.get("note", ""))
    letter = documents.issue_referral(uow, actor_of(user), intake_id, note)
    return pdf_response(letter, "referral")
