"""Who may see the passport: recording the person's consent, as a new version (``handover.py`` hands it over)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor
from api.pages.staff.forms.consent import (
    build_consent,
    check_given_by,
    consent_parts,
    consent_renames,
    consent_values,
)
from api.pages.staff.forms.fields import Values
from api.pages.staff.page import Pid, Posted, page, require_csrf
from api.pages.staff.saving import Edit, Shown, editable, save
from api.pages.staff.words import say
from schemas import parse_content

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
        check=check_given_by,
        values_of=consent_values,
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
