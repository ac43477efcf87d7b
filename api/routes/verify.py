"""``POST /v1/verify``: verify a version, a view or a history with public keys alone."""

from __future__ import annotations

import time

from fastapi import APIRouter

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from api.routes.cards import card_out
from passport.core import Card, verify_token, verify_versions
from passport.services import actor_of, record_audit, require, transaction
from schemas.api import CardOut, VerifiedOut, VerifyIn

router = APIRouter(prefix="/v1", tags=["verify"])


@router.post(
    "/verify",
    operation_id="verify",
    summary="Verify a version, a view or a history",
    responses={422: {"description": "it does not verify: the problem's code says why"}},
)
def verify(
    body: VerifyIn, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> VerifiedOut | CardOut:
    """What was verified and who signed it, or a typed failure (``signature_invalid``, ``chain_broken``...)."""
    require(principal, "verify")
    trust, now, actor = deployment.trust_store(), int(time.time()), actor_of(principal, source)
    with refusals_audited(deployment, principal, source, "verify"):
        if body.card is not None:
            card = Card.from_scan(body.card, trust=trust, now=now)
            with transaction(deployment.engine) as session:
                record_audit(session, actor=actor, action="verify_card", pid=card.pid, ver=card.ver)
            return card_out(card)
        if body.history is not None:
            result = verify_versions(body.history, trust=trust, now=now)
        else:
            assert body.sd_jwt is not None
            result = verify_token(body.sd_jwt, trust=trust, audience=principal.org, now=now)
    with transaction(deployment.engine) as session:
        record_audit(session, actor=actor, action=f"verify_{result.kind}", pid=result.version.pid)
    return result.to_public()
