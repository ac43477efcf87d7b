"""Who may see what: consent-scoped views, safety-critical overrides, and the audit trail."""

from __future__ import annotations

import json
import time
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import JSONResponse

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from api.routes.passports import Pid
from passport.core import View, fhir_bundle
from passport.services import Deployment, Principal, audit_trail, create_override, serve_view, transaction
from schemas import ORG_ID_REGEX
from schemas.api import AuditEntryOut, AuditOut, DisclosedOut, OverrideIn, OverrideOut, ViewOut

router = APIRouter(prefix="/v1/passports", tags=["sharing"])
AUDIENCE_PATTERN = r"^[a-z_]{1,20}$"  # an audience's name; which ones exist is the domain's to say (not_found)
NonceQuery = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{8,64}$")]

OrgQuery = Annotated[
    str | None,
    Query(
        alias="for",
        pattern=ORG_ID_REGEX,
        description="staff only: the organisation the view is for (an authority always gets its own)",
    ),
]


def _served(
    deployment: Deployment,
    principal: Principal,
    source: str | None,
    pid: str,
    audience: str,
    recipient: str | None,
    nonce: str | None,
    *,
    now: int,
) -> View:
    """The view both routes give, made and audited (a refusal too) in one transaction."""
    with refusals_audited(deployment, principal, source, "view", pid), transaction(deployment.engine) as s:
        return serve_view(
            s,
            identity=deployment.identity,
            principal=principal,
            pid=pid,
            audience=audience,
            recipient=recipient,
            now=now,
            nonce=nonce,
            source=source,
        )


@router.get(
    "/{pid}/views/{audience}",
    operation_id="get_view",
    summary="The consent-scoped view for an audience",
    responses={404: {"description": "no such passport, or not one that names the caller's organisation"}},
)
def get_view(
    pid: Pid,
    audience: Annotated[str, Path(pattern=AUDIENCE_PATTERN)],
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    recipient: OrgQuery = None,
    nonce: NonceQuery = None,
) -> ViewOut:
    """``subject`` and exactly what consent permits this audience, bound by a Key Binding JWT to the recipient."""
    view = _served(deployment, principal, source, pid, audience, recipient, nonce, now=int(time.time()))
    return ViewOut(
        pid=view.pid,
        ver=view.ver,
        audience=view.audience,
        recipient=view.recipient,
        sd_jwt=view.serialize(),
        disclosed=DisclosedOut(sections=sorted(view.sections), items=sorted(view.items)),
        overridden=list(view.overridden),
    )


@router.get(
    "/{pid}/fhir",
    operation_id="get_fhir",
    summary="The consent-scoped view as a FHIR R4 document Bundle (International Patient Summary)",
    response_class=JSONResponse,
    responses={
        200: {"content": {"application/fhir+json": {}}, "description": "a FHIR R4 document Bundle"},
        404: {"description": "no such passport, or not one that names the caller's organisation"},
    },
)
def get_fhir(
    pid: Pid,
    audience: Annotated[str, Query(pattern=AUDIENCE_PATTERN)],
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    recipient: OrgQuery = None,
    nonce: NonceQuery = None,
) -> JSONResponse:
    """Exactly what ``get_view`` discloses, as FHIR; the view itself travels in ``Bundle.signature``."""
    now = int(time.time())
    view = _served(deployment, principal, source, pid, audience, recipient, nonce, now=now)
    bundle = fhir_bundle(
        claims=view.disclosed_claims(),
        view=view.serialize(),
        pid=view.pid,
        ver=view.ver,
        issuer=deployment.identity.org_id,
        audience=view.audience,
        recipient=view.recipient,
        now=now,
    )
    return JSONResponse(bundle, media_type="application/fhir+json")


@router.post(
    "/{pid}/overrides",
    status_code=status.HTTP_201_CREATED,
    operation_id="create_override",
    summary="Disclose beyond consent, for safety, naming the lawful basis",
)
def post_override(
    pid: Pid, body: OverrideIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> OverrideOut:
    """Views served to ``recipient`` for ``audience`` include ``targets`` for 30 days; audited, shown to the person."""
    with refusals_audited(deployment, principal, source, "override", pid), transaction(deployment.engine) as s:
        made = create_override(
            s,
            principal=principal,
            pid=pid,
            recipient=body.recipient,
            audience=body.audience,
            targets=list(body.targets),
            lawful_basis=body.lawful_basis,
            reason=body.reason,
            source=source,
        )
    return OverrideOut(
        recipient=made.recipient,
        audience=made.audience,
        targets=list(made.targets),
        lawful_basis=made.lawful_basis,
        reason=made.reason,
    )


@router.get("/{pid}/audit", operation_id="get_audit", summary="Who did what with this passport, when")
def get_audit(pid: Pid, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep) -> AuditOut:
    """Every audited event for this passport, oldest first (reading it is audited too)."""
    with refusals_audited(deployment, principal, source, "read_audit", pid), transaction(deployment.engine) as s:
        rows = audit_trail(s, principal=principal, pid=pid, source=source)
    entries = [
        AuditEntryOut(
            seq=r.seq,
            at=r.at,
            principal_id=r.principal_id,
            org=r.org,
            role=r.role,
            action=r.action,
            outcome=r.outcome,
            ver=r.ver,
            source=r.source,
            detail=json.loads(r.detail) if r.detail else None,
        )
        for r in rows
    ]
    return AuditOut(pid=pid, entries=entries)
