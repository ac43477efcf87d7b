"""FastAPI dependencies: the deployment, the authenticated principal, and where a request came from."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.auditing import audit_refusal
from passport.services import (
    Deployment,
    Principal,
    audience_of,
    authenticate,
    looks_like_assertion,
    note_use,
    reading,
    transaction,
    trust_store,
    verify_client_assertion,
)
from schemas.errors import AccessDenied, NotAuthenticated

_bearer = HTTPBearer(auto_error=False, description="A bearer token from `passport token create`")


def get_deployment(request: Request) -> Deployment:
    """The deployment the app was created for."""
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


def get_principal(
    request: Request,
    deployment: DeploymentDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The principal whose bearer token came with the request, or ``not_authenticated``."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticated("a bearer token is required")
    token = credentials.credentials
    if looks_like_assertion(token):
        with transaction(deployment.engine) as session:  # it records the assertion's jti
            principal = _peer(session, deployment, token)
    else:
        with reading(deployment.engine) as session:
            found = authenticate(session, token)
        principal = found.principal
        if found.use_due:  # a write only every few minutes per token, so reads stay reads
            with transaction(deployment.engine) as session:
                note_use(session, principal.id)
    if principal.role == "person":
        # A person reads and manages their own passport on their own pages, never through the API.
        refusal = AccessDenied("people sign in to their own pages at /me, not to the API")
        audit_refusal(request, principal, refusal.code)
        raise refusal
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def _peer(session: Session, deployment: Deployment, token: str) -> Principal:
    """Another organisation's deployment, calling with a client assertion signed by its own key."""
    identity = deployment.identity
    org = verify_client_assertion(
        session,
        token,
        trust=trust_store(session, identity),
        audience=identity.org_id,
        now=int(time.time()),
    )
    if org == identity.org_id:
        raise NotAuthenticated("an organisation does not call itself")
    return Principal(id=f"peer:{org}", org=org, role="peer", audience=audience_of(org))


def get_source(request: Request) -> str | None:
    """The client's network address, for the audit trail."""
    return request.client.host if request.client else None


SourceDep = Annotated[str | None, Depends(get_source)]
