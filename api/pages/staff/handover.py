"""Handing a passport over on a transfer or a release, in the GOV.UK question-then-check pattern.

The form offers this organisation's trusted peers by name (only they can check what it signs, and sign the next
version), why and when; then a check-your-answers page, with a Change link to each answer, asks for the one press
that cannot be undone. What was chosen is kept on every error. With no trusted organisation there is nothing to
choose: the page says, in plain words, that an administrator must add the receiving organisation first.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import DeploymentDep, SourceDep
from api.pages.common.render import redirect
from api.pages.common.session import StaffSession
from api.pages.staff.amend import Editor
from api.pages.staff.forms.consent import check_handover, handover_parts
from api.pages.staff.forms.fields import Field, Values, read_values
from api.pages.staff.page import Pid, Posted, page, require_csrf
from api.pages.staff.race import Race
from api.pages.staff.saving import Shown, based_on, editable, race_lost
from api.pages.staff.words import day, say
from passport.core import Handover, HandoverReason
from passport.services import Deployment, hand_over, list_peers, transaction
from schemas.errors import InvalidRequest, StaleVersion

router = APIRouter(include_in_schema=False)

_FIELDS = ("to", "reason", "date")
_MAX_PREFILL = 40  # a Change link's answers are short codes and a date; anything longer is not one of ours


def _receivers(deployment: Deployment) -> dict[str, str]:
    """The organisations a passport can be handed over to: this one's trusted peers, id -> name."""
    own = deployment.identity.org_id
    with transaction(deployment.engine) as session:
        return {peer.org_id: peer.name or peer.org_id for peer in list_peers(session) if peer.org_id != own}


class _Handover:
    """The pages of one passport's handover, bound to the request."""

    def __init__(self, request: Request, web: StaffSession, deployment: Deployment, pid: str) -> None:
        self.request, self.web, self.deployment, self.pid = request, web, deployment, pid
        self.own = deployment.identity.org_id
        self.receivers = _receivers(deployment)

    @property
    def _path(self) -> str:
        return f"/staff/passports/{self.pid}/handover"

    def form(self, shown: Shown) -> HTMLResponse:
        """To whom, why and when (or, with no one to hand over to, who must act first)."""
        own = shown.names.get(self.own, self.own)
        if not self.receivers:
            return page(
                self.request,
                "staff_handover.html",
                self.web,
                nav="passport",
                title="You cannot hand over this passport yet",
                back=f"/staff/passports/{self.pid}",
                own=own,
                **shown.form,
            )
        return page(
            self.request,
            "staff_form.html",
            self.web,
            nav="passport",
            title="Hand over this passport",
            intro=[
                "Do this when the person moves to another prison or leaves prison. The passport goes with them: "
                "the organisation you choose can then fetch the whole record, and sign its next versions.",
                "You can check your answers before the passport is handed over.",
            ],
            parts=handover_parts(self.receivers),
            action=self._path,
            back=f"/staff/passports/{self.pid}",
            submit="Continue",
            **shown.form,
        )

    def check(self, shown: Shown) -> HTMLResponse:
        """Check your answers: each with a Change link back to its question, then the press that hands over."""
        values = shown.values
        answers = {name: str(values.get(name, "")) for name in _FIELDS}
        receiver = self.receivers.get(answers["to"], answers["to"])

        def change(field: str) -> str:
            return f"{self._path}?{urlencode(answers)}#f-{field}"

        rows = [
            ("Organisation taking over", receiver, change("to"), "organisation taking over"),
            ("Why", say("handover_reason", answers["reason"]), change("reason"), "why"),
            ("Date of the move", day(answers["date"]), change("date"), "date of the move"),
        ]
        return page(
            self.request,
            "staff_handover.html",
            self.web,
            nav="passport",
            title="Check before you hand over this passport",
            back=change("to"),
            rows=rows,
            answers=answers,
            receiver=receiver,
            own=shown.names.get(self.own, self.own),
            action=f"{self._path}/confirm",
            cancel=f"/staff/passports/{self.pid}",
            **shown.form,
        )


def _posted_values(posted: Posted, receivers: Mapping[str, str]) -> Values:
    return read_values(posted, handover_parts(receivers))


@router.get("/staff/passports/{pid}/handover")
def handover_form(
    request: Request, pid: Pid, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> HTMLResponse:
    """To whom, why and when; a Change link from the check page brings its answers back in the query."""
    stored, names = editable(deployment, web, pid, source)
    pages = _Handover(request, web, deployment, pid)
    values: Values = {"date": Editor(web.principal, int(time.time())).today}
    for name in _FIELDS:
        given = request.query_params.get(name)
        if given is not None and len(given) <= _MAX_PREFILL:
            values[name] = given
    return pages.form(Shown.of(stored, values, names))


@router.post("/staff/passports/{pid}/handover")
def check_answers(
    request: Request, pid: Pid, posted: Posted, web: StaffSession, deployment: DeploymentDep
) -> HTMLResponse:
    """The answers checked: the form again with each problem (422), or the page to check them on."""
    require_csrf(web, posted)
    based, names = based_on(deployment, web, pid, posted)
    pages = _Handover(request, web, deployment, pid)
    values = _posted_values(posted, pages.receivers)
    checked = check_handover(values, handover_parts(pages.receivers), pages.receivers)
    if checked.problems:
        return pages.form(Shown(based.content, based.ver, values, names, checked=checked, status_code=422))
    return pages.check(Shown(based.content, based.ver, values, names))


@router.post("/staff/passports/{pid}/handover/confirm")
def confirm_handover(
    request: Request, pid: Pid, posted: Posted, web: StaffSession, deployment: DeploymentDep, source: SourceDep
) -> Response:
    """Hand the passport over: a new version naming the next custodian."""
    require_csrf(web, posted)
    based, names = based_on(deployment, web, pid, posted)
    pages = _Handover(request, web, deployment, pid)
    values = _posted_values(posted, pages.receivers)
    parts = handover_parts(pages.receivers)
    checked = check_handover(values, parts, pages.receivers)
    if checked.problems:  # a trusted organisation removed since the check page, or a forged form
        return pages.form(Shown(based.content, based.ver, values, names, checked=checked, status_code=422))
    reason: HandoverReason = "release" if values["reason"] == "release" else "transfer"
    handover = Handover(to=str(values["to"]), reason=reason, date=str(values["date"]))
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
        return _checked_again(pages, current.content, current.ver, values, names, race)
    except InvalidRequest:  # no longer trusted (removed since the list was read): said in the form's words
        to = next(p for p in parts if isinstance(p, Field) and p.name == "to")
        checked.add(to, "this organisation is no longer trusted here; choose another, or ask an administrator.")
        return pages.form(Shown(based.content, based.ver, values, names, checked=checked, status_code=422))
    return redirect(f"/staff/passports/{pid}?saved=handover")


def _checked_again(
    pages: _Handover, content: dict[str, object], ver: int, values: Values, names: dict[str, str], race: Race
) -> HTMLResponse:
    """The check page again (409) after a colleague saved first: what they changed, and the current version."""
    return pages.check(Shown(dict(content), ver, values, names, race=race, status_code=409))
