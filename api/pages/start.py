"""The start page at ``/``: what this service is, and the way in for each of its users (care staff, reception,
the person) and for developers (the API reference). A client that asks for JSON gets the same links as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.deps import DeploymentDep
from api.pages.common.render import render

router = APIRouter(include_in_schema=False)
# Where each kind of user starts, and where a program reads about the API (what the app serves itself).
LINKS = {
    "staff": "/staff",
    "reception": "/reception",
    "person_sign_in": "/me/sign-in",
    "api_reference": "/openapi.json",
    "issuer_keys": "/.well-known/jwks.json",
    "issuer_metadata": "/.well-known/care-passport-issuer",
}


def wants_json(request: Request) -> bool:
    """Whether the client asks for JSON rather than a page: a browser always names text/html."""
    accept = request.headers.get("accept", "").lower()
    return "json" in accept and "text/html" not in accept


@router.get("/")
def start(request: Request, deployment: DeploymentDep) -> Response:
    """The start page, or for a JSON client the same links as JSON."""
    if wants_json(request):
        info = deployment.identity.info
        body: dict[str, Any] = {
            "service": "Care Passport",
            "organisation": {"id": info.org_id, "name": info.name},
            "links": LINKS,
        }
        response: Response = JSONResponse(body)
    else:
        response = render(request, "start.html", links=LINKS)
    response.headers["Vary"] = "Accept"
    return response
