"""Who may see the passport and who has it: recording the person's consent, and handing the passport over on a
transfer or a release. Both make a new version; after a handover only the receiving organisation can change it."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor
from api.pages.staff.forms.consent import (
    build_consent,
    check_handover,
    consent_parts,
    consent_renames,
    consent_values,
    handover_parts,
)
from api.pages.staff.forms.fields import Values, read_values
from api.pages.staff.page import Pid, Posted, page, require_csrf
from api.pages.staff.saving import Edit, Shown, based_on, editable, race_lost, save
from api.pages.staff.words import say
from passport.core import Handover, HandoverReason
from passport.services import hand_over, transaction
from schemas import parse_content
from schemas.errors import StaleVersion

router = APIRouter(include_in_schema=False)

CONSENT_INTRO = (
    "Record what the person agrees to now. Ask them, in a way they understand, who may see each part of their "
    "passport. This organisation always holds the whole record; consent decides what others see.",
    "Saving makes a new version of the passport, recorded today by you.",
)


class _ConsentSheet:
    """Draws the consent form, for ``Edit.show``."""

    def __init__(self, request: Request, web: StaffSession, pid: str) -> None:
        self.request, self.web, self.pid = request, web, pid

    def __call__(self, shown: Shown) -> HTMLResponse:
        withdrawals = parse_content(shown.content).consent.withdrawals
        intro = list(CONSENT_INTRO)
        if withdrawals:
            said = "; ".join(
                f"{say('section', w.section).lower()} from {say('audience', w.audience).lower()}" for w in withdrawals
            )
            intro.append(
                f"Since consent was last recorded the person withdrew: {said}. The boxes show what they allow now."
            )
        return page(
            self.request,
            "staff_form.html",
            self.web,
            title="Consent: who can see what",
            intro=intro,
            parts=consent_parts(shown.content),
            action=f"/staff/passports/{self.pid}/consent",
            back=f"/staff/passports/{self.pid}",
            submit="Save consent",
            **shown.form,
        )


def _consent_edit(sheet: _ConsentSheet) -> Edit:
    def apply(content: dict[str, Any], values: Values, editor: Editor) -> tuple[dict[str, Any], str]:
        return {**content, "consent": build_consent(values, editor)}, "consent"

    return Edit(
        parts=lambda content, sent: consent_parts(content),
        apply=apply,
        show=sheet,
        done=f"/staff/passports/{sheet.pid}",
        saved="consent",
        renames=lambda values: consent_renames(),
    )


@router.get("/staff/passports/{pid}/consent")
def consent_form(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """The person's consent as it stands, to record again."""
    stored, names = editable(deployment, web, pid, source)
    sheet = _ConsentSheet(request, web, pid)
    return sheet(Shown.of(stored, consent_values(stored.content), names))


@router.post("/staff/passports/{pid}/consent")
def save_consent(
    request: Request, pid: Pid, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> Response:
    """Record consent: a new version."""
    require_csrf(web, posted)
    return save(deployment, web, source, pid, posted, _consent_edit(_ConsentSheet(request, web, pid)))


def _handover_page(request: Request, web: StaffSession, pid: str, own: str, shown: Shown) -> HTMLResponse:
    return page(
        request,
        "staff_form.html",
        web,
        title="Hand over this passport",
        intro=[
            "Do this when the person moves to another prison or leaves prison. The passport goes with them: the "
            "organisation you name can then fetch the whole record, and sign its next versions.",
        ],
        warning=(
            f"After this, only the organisation taking over can change the passport. {shown.names.get(own, own)} will "
            "still be able to read it, but not change it. This cannot be undone from here."
        ),
        parts=handover_parts(shown.names, own),
        action=f"/staff/passports/{pid}/handover",
        back=f"/staff/passports/{pid}",
        submit="Hand over the passport",
        danger=True,
        **shown.form,
    )


@router.get("/staff/passports/{pid}/handover")
def handover_form(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """To whom, why and when."""
    stored, names = editable(deployment, web, pid, source)
    values: Values = {"date": Editor(web.principal, int(time.time())).today}
    return _handover_page(request, web, pid, deployment.identity.org_id, Shown.of(stored, values, names))


@router.post("/staff/passports/{pid}/handover")
def save_handover(
    request: Request, pid: Pid, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> Response:
    """Hand the passport over: a new version naming the next custodian."""
    require_csrf(web, posted)
    based, names = based_on(deployment, web, pid, posted)
    own = deployment.identity.org_id
    parts = handover_parts(names, own)
    values = read_values(posted, parts)
    checked = check_handover(values, parts, own)
    show = partial(_handover_page, request, web, pid, own)
    if checked.problems:
        return show(Shown(based.content, based.ver, values, names, checked=checked, status_code=422))
    reason: HandoverReason = "release" if values["reason"] == "release" else "transfer"
    handover = Handover(to=str(values["to"]).strip(), reason=reason, date=str(values["date"]))
    try:
        with transaction(deployment.engine) as session:
            hand_over(
                session,
                identity=deployment.identity,
                principal=web.principal,
                pid=pid,
                handover=handover,
                expected_ver=based.ver,
                now=int(time.time()),
                source=source,
            )
    except StaleVersion:
        race, current = race_lost(deployment, web, pid, based.ver, names, source)
        return show(Shown(current.content, current.ver, values, names, race=race, status_code=409))
    return redirect(f"/staff/passports/{pid}?saved=handover")
