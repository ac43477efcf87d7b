"""The council's list of people due into its area: soonest first, with the days of notice each release gave, the
kind of release, the releasing prison by name and where the council is with each person. On any other kind of
service, /authority says that these pages belong to councils, and where that service's own release pages are."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import DeploymentDep
from api.pages.authority.council import is_council, known_names
from api.pages.common.session import StaffSession
from api.pages.staff.page import page
from api.pages.staff.reviews import today
from api.pages.staff.words import organisation
from passport.services import list_notices, transaction

router = APIRouter(include_in_schema=False)


@router.get("/authority")
def people_due(request: Request, web: StaffSession, deployment: DeploymentDep) -> HTMLResponse:
    """People due into this council's area (with ``?past=yes``, those already released too)."""
    if not is_council(deployment):
        return page(request, "authority_elsewhere.html", web, nav="authority")
    past = request.query_params.get("past") == "yes"
    with transaction(deployment.engine) as session:
        notices = list_notices(session, principal=web.principal, include_past=past, today=today())
    names = known_names(deployment)
    return page(
        request,
        "authority_list.html",
        web,
        nav="authority",
        notices=notices,
        past=past,
        prison={n.sender: organisation(n.sender, names) for n in notices},
    )
