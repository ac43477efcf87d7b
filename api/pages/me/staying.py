"""Staying signed in while the person is really there, and ending well when they are not.

A person's pages close after a quiet while (a wing kiosk is shared). The server counts only requests, so
/static/me-idle.js tells it when the person is busy on the page (typing, pressing keys: a small request at most
every so often, with what they are writing so far, which is kept for them), warns before the end with a button to
stay (WCAG 2.2 SC 2.2.1), and at the end posts what was on the page to ``/me/timed-out``, which keeps it for them
and signs them out without spending their code.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.deps import DeploymentDep
from api.pages.common import session as web_session
from api.pages.me.wrong import CsrfField, PartField, TextField, keep_after_time_ran_out
from passport.services import keep_draft, transaction

router = APIRouter(include_in_schema=False)


@router.post("/me/still-here")
def still_here(
    request: Request,
    deployment: DeploymentDep,
    csrf: CsrfField = "",
    draft: Annotated[str, Form(max_length=1)] = "",
    part: PartField = "",
    text: TextField = "",
) -> Response:
    """The person is busy on the page: keep the session open (204) and, from the writing page (``draft=1``), keep
    what they have written so far. 401 if the session has already ended (the script then ends the page)."""
    web = web_session.load(deployment.engine, request)
    if web is None or web.principal.role != "person" or not web_session.csrf_matches(web.csrf, csrf):
        return Response(status_code=401, headers={"Cache-Control": "no-store"})
    if draft == "1":
        with transaction(deployment.engine) as session:
            keep_draft(session, person=web.principal, text=text, section=part or None)
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.post("/me/timed-out")
def timed_out(
    request: Request,
    deployment: DeploymentDep,
    csrf: CsrfField = "",
    part: PartField = "",
    text: TextField = "",
) -> Response:
    """The page's time ran out: keep what the person was writing, sign them out (their code still works) and show
    the sign-in page, which says what happened."""
    return keep_after_time_ran_out(request, deployment, csrf, part, text)
