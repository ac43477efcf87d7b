"""What every staff page shares: rendering with the staff words, the passport id in the path, the posted form,
the CSRF check, the names of organisations, and reading the current version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from api.pages.common.names import organisation_names
from api.pages.common.render import render
from api.pages.common.session import check_csrf
from api.pages.staff.amend import may_edit
from api.pages.staff.forms.fields import first_target
from api.pages.staff.words import day, say
from passport.core import PID_PATTERN
from passport.services import Deployment, StoredVersion, WebSession, get_current, transaction
from schemas import PassportContent
from schemas.errors import InvalidRequest, NotFound


def page(request: Request, template: str, web: WebSession, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A staff page: the template with the session, the staff words and date format, and the pages' CSP."""
    return render(
        request,
        template,
        status_code=status_code,
        web=web,
        say=say,
        day=day,
        first_target=first_target,
        can_edit=may_edit(web.principal),
        **context,
    )


def passport_id(pid: Annotated[str, Path()]) -> str:
    """The passport id in the path; anything that is not one is a page that does not exist."""
    if not PID_PATTERN.fullmatch(pid):
        raise NotFound("there is no passport here")
    return pid


Pid = Annotated[str, Depends(passport_id)]


async def posted_form(request: Request) -> FormData:
    """The form the browser posted (its size is capped by the body limit before it gets here)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]


def require_csrf(web: WebSession, form: FormData) -> None:
    """Refuse a form that does not carry this session's CSRF token (before anything else is done)."""
    given = form.get("csrf")
    check_csrf(web.csrf, given if isinstance(given, str) else None)


def form_int(form: FormData, name: str) -> int:
    """A whole number the form carried in a hidden field (the version it was based on)."""
    value = form.get(name)
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 9:
        raise InvalidRequest("this form is out of date; go back to the passport and start again")
    return int(value)


def read_passport(
    deployment: Deployment, web: WebSession, pid: str, source: str | None, action: str = "read"
) -> tuple[StoredVersion, PassportContent, dict[str, str]]:
    """The current version (the read audited as ``action``), its content, and the names of organisations."""
    with transaction(deployment.engine) as session:
        stored = get_current(session, principal=web.principal, pid=pid, source=source, action=action)
        names = organisation_names(session, deployment.identity)
    return stored, stored.parsed, names


def person_name(content: Mapping[str, Any]) -> str:
    """The person's full name from the content, for the caption above a form's heading."""
    subject = content.get("subject") or {}
    return " ".join((*subject.get("given_names", []), str(subject.get("family_name", ""))))
