"""Signing in and out: staff with their access token, the person with the one-time code staff printed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common import session as web_session
from api.pages.common.render import redirect, render
from api.pages.common.session import STAFF_ROLES
from passport.services import (
    Deployment,
    authenticate,
    code_selector,
    own_draft,
    reading,
    redeem_sign_in_code,
    sign_in_attempt,
    sign_in_succeeded,
    transaction,
)
from schemas.errors import NotAuthenticated

router = APIRouter(include_in_schema=False)
TOO_MANY = "Too many tries. Please wait 10 minutes, then try again."


def _safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (never //elsewhere or a full URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _sign_in_form(request: Request, template: str, next_path: str | None = None) -> HTMLResponse:
    """A sign-in form, with the double-submit CSRF cookie set if the browser has none yet."""
    cookie_carrier = HTMLResponse()
    csrf = web_session.sign_in_csrf(request, cookie_carrier)
    page = render(request, template, csrf=csrf, next=next_path)
    page.raw_headers.extend(h for h in cookie_carrier.raw_headers if h[0] == b"set-cookie")
    return page


def _staff_home(deployment: Deployment) -> str:
    """Where staff start: a council's at the people due into its area, anyone else's at the passports."""
    return "/authority" if deployment.identity.info.kind == "local_authority" else "/staff"


@router.get("/staff/sign-in")
def staff_sign_in_form(request: Request, deployment: DeploymentDep, next: str | None = None) -> HTMLResponse:
    """The staff sign-in form."""
    return _sign_in_form(request, "sign_in_staff.html", _safe_next(next, _staff_home(deployment)))


@router.post("/staff/sign-in")
def staff_sign_in(
    request: Request,
    deployment: DeploymentDep,
    source: SourceDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Check the token: this organisation's staff only."""
    web_session.check_sign_in_csrf(request, csrf)
    client = source or "unknown"
    ticket = sign_in_attempt(deployment.engine, "staff", client)
    if ticket is None:
        return render(request, "sign_in_staff.html", status_code=429, csrf=csrf, next=next, error=TOO_MANY)
    try:
        with reading(deployment.engine) as session:
            principal = authenticate(session, token.strip()).principal
        if principal.role not in STAFF_ROLES or principal.org != deployment.identity.org_id:
            raise NotAuthenticated("not a staff token of this organisation")
    except NotAuthenticated:
        error = "That access token is not right. Check it and try again."
        return render(request, "sign_in_staff.html", status_code=401, csrf=csrf, next=next, error=error)
    sign_in_succeeded(deployment.engine, ticket)
    target = _safe_next(next, _staff_home(deployment))
    if principal.role == "reception" and not target.startswith("/reception"):
        target = "/reception"
    response = redirect(target)
    web_session.start(deployment.engine, request, response, principal, secure=_secure(request))
    return response


@router.get("/me/sign-in")
def person_sign_in_form(request: Request) -> HTMLResponse:
    """The person's sign-in form: the code on the paper staff gave them."""
    return _sign_in_form(request, "sign_in_person.html")


@router.post("/me/sign-in")
def person_sign_in(
    request: Request,
    deployment: DeploymentDep,
    source: SourceDep,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Use up the code and open the person's pages."""
    web_session.check_sign_in_csrf(request, csrf)
    client = source or "unknown"
    ticket = sign_in_attempt(deployment.engine, "person", client, code_selector(code))
    if ticket is None:
        return render(request, "sign_in_person.html", status_code=429, csrf=csrf, error=TOO_MANY)
    try:
        with transaction(deployment.engine) as session:
            person = redeem_sign_in_code(session, code=code, org=deployment.identity.org_id, source=source)
            writing = own_draft(session, person=person) is not None
    except NotAuthenticated:
        error = (
            "That code did not work. Check the numbers on your paper and try again. "
            "A code stops working when you sign out. Ask staff for a new one."
        )
        return render(request, "sign_in_person.html", status_code=401, csrf=csrf, error=error)
    sign_in_succeeded(deployment.engine, ticket)
    # Back to what they were writing when their pages closed, if they had not sent it.
    response = redirect("/me/wrong" if writing else "/me")
    web_session.start(deployment.engine, request, response, person, secure=_secure(request))
    return response


@router.post("/staff/sign-out")
@router.post("/me/sign-out")
@router.post("/reception/sign-out")
def sign_out(request: Request, deployment: DeploymentDep) -> Response:
    """Forget the session (no CSRF needed: signing someone out is harmless, and SameSite=Strict stops it anyway)."""
    person = request.url.path.startswith("/me")
    response = redirect("/me/sign-in?signed_out=1" if person else "/staff/sign-in?signed_out=1")
    web_session.end(deployment.engine, request, response)
    return response
