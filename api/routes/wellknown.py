"""``/.well-known/``: this issuer's public keys and metadata, for peers to pin and trust."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import DeploymentDep
from schemas.api import IssuerMetadata

router = APIRouter(prefix="/.well-known", tags=["issuer"])


@router.get("/jwks.json", operation_id="jwks", summary="This issuer's public keys (RFC 7517 JWK Set)")
def jwks(deployment: DeploymentDep) -> dict[str, list[dict[str, str]]]:
    """Every key: the active one and older ones, whose kid is its RFC 7638 thumbprint."""
    return deployment.identity.keyring.jwks()


@router.get("/care-passport-issuer", operation_id="issuer_metadata", summary="Issuer metadata")
def issuer_metadata(deployment: DeploymentDep) -> IssuerMetadata:
    """Who this issuer is, where its keys and endpoints are, and which keys are revoked since when."""
    identity = deployment.identity
    base = identity.info.base_url.rstrip("/")
    return IssuerMetadata(
        id=identity.org_id,
        name=identity.info.name,
        kind=identity.info.kind,
        base_url=base,
        jwks_uri=f"{base}/.well-known/jwks.json",
        passports_endpoint=f"{base}/v1/passports",
        verify_endpoint=f"{base}/v1/verify",
        revoked_keys=identity.keyring.revocations(),
    )
