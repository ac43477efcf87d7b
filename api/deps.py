"""FastAPI dependencies: the deployment, the authenticated principal, and where a request came from."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auditing import audit_refusal
from passport.deployment import Deployment
from passport.principals import Principal, authenticate
from passport.storage import transaction
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
    with transaction(deployment.engine) as session:
        principal = authenticate(session, credentials.credentials)
    if principal.role == "person":
        # A person reads and manages their own passport on their own pages, never through the API.
        refusal = AccessDenied("people sign in to their own pages at /me, not to the API")
        audit_refusal(request, principal, refusal.code)
        raise refusal
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def get_source(request: Request) -> str | None:
    """The client's network address, for the audit trail."""
    return request.client.host if request.client else None


SourceDep = Annotated[str | None, Depends(get_source)]
