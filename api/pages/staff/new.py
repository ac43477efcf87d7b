"""A new passport: who the person is and their consent, saved as version 1."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor
from api.pages.staff.forms.consent import build_new_passport, new_passport_parts, new_passport_renames
from api.pages.staff.forms.fields import Checked, Values, check_content_error, check_required, read_values
from api.pages.staff.page import Posted, page, require_csrf
from api.pages.staff.words import say
from passport.services import create_passport, require, transaction
from schemas import PassportContent, parse_content
from schemas.errors import InvalidContent

router = APIRouter(include_in_schema=False)


def _new_page(
    request: Request, web: StaffSession, values: Values, checked: Checked | None = None, status_code: int = 200
) -> HTMLResponse:
    return page(
        request,
        "staff_form.html",
        web,
        status_code=status_code,
        nav="new",
        title="New passport",
        intro=[
            "Start a passport for a person in your care. You can add their needs, equipment, services and the rest "
            "once it is made.",
            "Ask the person who may see each part of their passport before you save it.",
        ],
        parts=new_passport_parts(),
        values=values,
        errors=checked.by_field if checked else {},
        problems=checked.problems if checked else [],
        action="/staff/passports/new",
        back="/staff",
        submit="Create the passport",
    )


@router.get("/staff/passports/new")
def new_passport_form(request: Request, web: StaffSession) -> HTMLResponse:
    """The form for a new passport: who the person is, and their consent."""
    require(web.principal, "create")
    return _new_page(request, web, {"language": "en"})


@router.post("/staff/passports/new")
def post_new_passport(
    request: Request, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> Response:
    """Make version 1; on a mistake, the form again with each problem named and everything typed kept."""
    require_csrf(web, posted)
    require(web.principal, "create")
    editor = Editor(web.principal, int(time.time()))
    parts = new_passport_parts()
    values = read_values(posted, parts)
    checked = check_required(values, parts)
    content: PassportContent | None = None
    try:
        content = parse_content(build_new_passport(values, editor))
    except InvalidContent as exc:
        renames = new_passport_renames(values)
        check_content_error(
            exc, parts, prefix="", renames=renames, section_title=lambda s: say("section", s), checked=checked
        )
    if checked.problems or content is None:
        return _new_page(request, web, values, checked, status_code=422)
    with transaction(deployment.engine) as session:
        stored = create_passport(
            session,
            identity=deployment.identity,
            principal=web.principal,
            content=content,
            now=editor.now,
            source=source,
        )
    return redirect(f"/staff/passports/{stored.pid}?saved=created")
