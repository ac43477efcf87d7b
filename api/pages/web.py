"""Rendering pages: Jinja2 templates (autoescaped), the pages' Content-Security-Policy, and the signed-in session.

Pages are plain HTML and CSS; every core flow works without JavaScript. The policy lets a page load only this
site's own styles, scripts and images, post forms only to this site, and never be framed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.deps import DeploymentDep
from api.pages import session as web_session
from api.pages.session import when
from passport.services import WebSession

TEMPLATES = Path(__file__).parent.parent / "templates"
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# Auditors read the audit trail through the API; none of the pages is for them.
STAFF_ROLES = frozenset({"admin", "care_staff", "reception"})

templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = when


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    web: WebSession | None = None,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page, with the session's CSRF token for its forms, and the pages' CSP."""
    deployment = request.app.state.deployment
    html = templates.get_template(template).render(
        request=request,
        web=web,
        csrf=csrf or (web.csrf if web else ""),
        organisation=deployment.identity.info,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


class SignInNeeded(Exception):
    """No live session of the right kind: send the browser to sign in, then back."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _session(request: Request, deployment: DeploymentDep) -> WebSession | None:
    return web_session.load(deployment.engine, request)


def staff_session(request: Request, deployment: DeploymentDep) -> WebSession:
    """This organisation's staff, signed in (else: to the staff sign-in page)."""
    found = _session(request, deployment)
    if found is None or found.principal.role not in STAFF_ROLES or found.principal.org != deployment.identity.org_id:
        raise SignInNeeded(f"/staff/sign-in?next={request.url.path}")
    return found


def person_session(request: Request, deployment: DeploymentDep) -> WebSession:
    """The person, signed in with their code (else: to the person's sign-in page)."""
    found = _session(request, deployment)
    if found is None or found.principal.role != "person":
        raise SignInNeeded("/me/sign-in")
    return found


StaffSession = Annotated[WebSession, Depends(staff_session)]
PersonSession = Annotated[WebSession, Depends(person_session)]


def redirect(url: str) -> RedirectResponse:
    """After a form: 303 See Other, so a reload does not post it again."""
    return RedirectResponse(url, status_code=303)


def is_page(request: Request) -> bool:
    """Whether a request is for the pages (errors are shown as a page, not problem+json)."""
    return request.url.path.split("/", 2)[1] in ("staff", "me", "reception")
