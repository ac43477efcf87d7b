"""A new passport: who the person is and their consent, saved as version 1.

When the person already has a passport here (the domain's ``duplicate_person``: a prison, NHS, CHI or PNC number
matches), nothing is made: the form comes back (409) with a warning, a link to each passport held, and a
required reason; a second passport is made only with that reason, which its audit trail keeps.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor
from api.pages.staff.forms.consent import (
    build_new_passport,
    check_given_by,
    new_passport_parts,
    new_passport_renames,
)
from api.pages.staff.forms.fields import (
    Checked,
    Field,
    Values,
    check_content_error,
    check_required,
    read_values,
    text,
)
from api.pages.staff.page import Posted, page, require_csrf
from api.pages.staff.words import say
from passport.services import (
    MAX_REASON_CHARS,
    Deployment,
    Duplicate,
    create_passport,
    find_duplicates,
    require,
    transaction,
)
from schemas import PassportContent, parse_content
from schemas.errors import DuplicatePerson, InvalidContent

router = APIRouter(include_in_schema=False)


REASON = Field(
    "duplicate_reason",
    "Why does this person need a second passport?",
    "textarea",
    hint="For example: a different person shares this number because it was mistyped on the other passport. "
    "This goes into the new passport's audit trail.",
)


def _new_page(
    request: Request,
    web: StaffSession,
    values: Values,
    checked: Checked | None = None,
    status_code: int = 200,
    duplicates: Sequence[Duplicate] = (),
) -> HTMLResponse:
    warning = ""
    if duplicates:
        shared = " or ".join(dict.fromkeys(d.shared for d in duplicates))
        held = "A passport" if len(duplicates) == 1 else "Passports"
        warning = f"{held} with this {shared} {'is' if len(duplicates) == 1 else 'are'} already held here."
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
        warning=warning,
        duplicates=duplicates,
        parts=(REASON, *new_passport_parts()) if duplicates else new_passport_parts(),
        values=values,
        errors=checked.by_field if checked else {},
        problems=checked.problems if checked else [],
        action="/staff/passports/new",
        back="/staff",
        submit="Create a second passport" if duplicates else "Create the passport",
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
    """Make version 1; on a mistake, the form again with each problem named and everything typed kept; for a
    person already held here, the form again with the passports held and a reason to give."""
    require_csrf(web, posted)
    require(web.principal, "create")
    editor = Editor(web.principal, int(time.time()))
    parts = (REASON, *new_passport_parts())
    values = read_values(posted, parts)
    checked = check_required(values, parts[1:], check_given_by(values))
    content: PassportContent | None = None
    try:
        content = parse_content(build_new_passport(values, editor))
    except InvalidContent as exc:
        renames = new_passport_renames(values)
        check_content_error(
            exc, parts[1:], prefix="", renames=renames, section_title=lambda s: say("section", s), checked=checked
        )
    reason = text(values, "duplicate_reason")
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        checked.add(REASON, f"write at most {MAX_REASON_CHARS} characters.")
    if checked.problems or content is None:
        duplicates = _held(deployment, web, content) if "duplicate_reason" in posted else []
        return _new_page(request, web, values, checked, status_code=422, duplicates=duplicates)
    try:
        with transaction(deployment.engine) as session:
            stored = create_passport(
                session,
                identity=deployment.identity,
                principal=web.principal,
                content=content,
                now=editor.now,
                source=source,
                duplicate_reason=reason,
            )
    except DuplicatePerson:
        duplicates = _held(deployment, web, content)
        if "duplicate_reason" in posted:  # warned already, and still no reason
            checked.add(REASON, "say why this person needs a second passport, or open the one held.")
        return _new_page(request, web, values, checked, status_code=409, duplicates=duplicates)
    return redirect(f"/staff/passports/{stored.pid}?saved=created")


def _held(deployment: Deployment, web: StaffSession, content: PassportContent | None) -> list[Duplicate]:
    """The passports held here for the person the form describes (none while the form cannot say who)."""
    if content is None:
        return []
    with transaction(deployment.engine) as session:
        return find_duplicates(session, org=web.principal.org, subject=content.subject)
