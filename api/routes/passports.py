"""``/v1/passports``: create, read, amend (with ``If-Match``), history, handover."""

from __future__ import annotations

import re
import time
from typing import Annotated

from fastapi import APIRouter, Header, Path, Response, status

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from passport.core import PID_PATTERN, Handover
from passport.services import (
    StoredVersion,
    amend_passport,
    create_passport,
    get_current,
    get_version,
    hand_over,
    list_versions,
    transaction,
)
from schemas import PassportContent
from schemas.api import CustodyOut, HandoverIn, HistoryOut, PassportCreateIn, PassportOut, VersionSummary
from schemas.errors import InvalidRequest, PreconditionRequired

router = APIRouter(prefix="/v1/passports", tags=["passports"])

Pid = Annotated[str, Path(pattern=PID_PATTERN.pattern, description="the passport id (a UUID)")]
# RFC 9110 s.8.8.3: a weak entity tag; FHIR uses W/"<version>" for resource versions too.
_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


def etag(ver: int) -> str:
    """The weak ETag of a version number."""
    return f'W/"{ver}"'


def parse_if_match(value: str | None) -> int:
    """The version an ``If-Match`` names; a write without one is refused (428)."""
    if value is None or value.strip() == "*":
        raise PreconditionRequired('send If-Match: W/"<version>" with the version you read')
    match = _ETAG.fullmatch(value.strip())
    if match is None:
        raise InvalidRequest('If-Match must look like W/"3"')
    return int(match.group(1))


def _custody(stored: StoredVersion) -> CustodyOut:
    return CustodyOut(org=stored.issuer, next=stored.custody_next)


def passport_out(stored: StoredVersion) -> PassportOut:
    """The API form of a stored version."""
    return PassportOut(
        pid=stored.pid,
        ver=stored.ver,
        digest=stored.digest,
        prev=stored.prev,
        issuer=stored.issuer,
        issued_at=stored.issued_at,
        custody=_custody(stored),
        content=stored.content,
        sd_jwt=stored.sd_jwt,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="create_passport",
    summary="Create version 1 of a passport",
    responses={409: {"description": "a passport for this person is already held here (duplicate_person)"}},
)
def post_passport(
    body: PassportCreateIn,
    response: Response,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
) -> PassportOut:
    """Issue version 1, signed by this organisation, which holds custody. A passport for a person already held
    here (same prison, NHS, CHI or PNC number) is refused with 409 ``duplicate_person``, naming the passports
    held in ``existing``, unless ``duplicate_reason`` says why a second one is made."""
    with refusals_audited(deployment, principal, source, "create", None), transaction(deployment.engine) as s:
        stored = create_passport(
            s,
            identity=deployment.identity,
            principal=principal,
            content=body.as_content(),
            now=int(time.time()),
            source=source,
            duplicate_reason=body.duplicate_reason,
        )
    response.headers["ETag"] = etag(stored.ver)
    response.headers["Location"] = f"/v1/passports/{stored.pid}"
    return passport_out(stored)


@router.get("/{pid}", operation_id="get_passport", summary="The current version")
def get_passport(
    pid: Pid, response: Response, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep
) -> PassportOut:
    """The current version with its content and SD-JWT; ``ETag`` names its version for a later ``PUT``."""
    with refusals_audited(deployment, principal, source, "read", pid), transaction(deployment.engine) as s:
        stored = get_current(s, principal=principal, pid=pid, source=source)
    response.headers["ETag"] = etag(stored.ver)
    return passport_out(stored)


@router.put(
    "/{pid}",
    operation_id="amend_passport",
    summary="Issue the next version (If-Match required)",
    responses={412: {"description": "If-Match names a version that is no longer current"}, 428: {}},
)
def put_passport(
    pid: Pid,
    content: PassportContent,
    response: Response,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    if_match: Annotated[str | None, Header(description='W/"<version>" as read')] = None,
) -> PassportOut:
    """A new version from a whole ``PassportContent``; refused unless ``If-Match`` names the current one."""
    with refusals_audited(deployment, principal, source, "amend", pid):
        expected = parse_if_match(if_match)
        with transaction(deployment.engine) as s:
            stored = amend_passport(
                s,
                identity=deployment.identity,
                principal=principal,
                pid=pid,
                expected_ver=expected,
                content=content,
                now=int(time.time()),
                source=source,
            )
    response.headers["ETag"] = etag(stored.ver)
    return passport_out(stored)


@router.get("/{pid}/versions", operation_id="list_versions", summary="The history, oldest first")
def get_history(pid: Pid, deployment: DeploymentDep, principal: CurrentPrincipal, source: SourceDep) -> HistoryOut:
    """Every version's place in the chain, and the SD-JWTs to verify it anywhere."""
    with (
        refusals_audited(deployment, principal, source, "read_history", pid),
        transaction(deployment.engine) as s,
    ):
        found = list_versions(s, principal=principal, pid=pid, source=source)
    summaries = [
        VersionSummary(
            ver=v.ver,
            digest=v.digest,
            prev=v.prev,
            issuer=v.issuer,
            issued_at=v.issued_at,
            custody=_custody(v),
        )
        for v in found
    ]
    return HistoryOut(pid=pid, versions=summaries, sd_jwts=[v.sd_jwt for v in found])


@router.get("/{pid}/versions/{ver}", operation_id="get_version", summary="One version")
def get_one_version(
    pid: Pid,
    ver: Annotated[int, Path(ge=1, le=1_000_000_000)],
    response: Response,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
) -> PassportOut:
    """One version by number, as issued."""
    with (
        refusals_audited(deployment, principal, source, "read_version", pid),
        transaction(deployment.engine) as s,
    ):
        stored = get_version(s, principal=principal, pid=pid, ver=ver, source=source)
    response.headers["ETag"] = etag(stored.ver)
    return passport_out(stored)


@router.post(
    "/{pid}/handover",
    status_code=status.HTTP_201_CREATED,
    operation_id="hand_over_passport",
    summary="Hand custody to another organisation",
)
def post_handover(
    pid: Pid,
    body: HandoverIn,
    response: Response,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    if_match: Annotated[str | None, Header(description='optional: W/"<version>" as read')] = None,
) -> PassportOut:
    """A version naming the receiving organisation as next custodian; only it may sign the next one."""
    with refusals_audited(deployment, principal, source, "handover", pid):
        expected = parse_if_match(if_match) if if_match is not None else None
        handover = Handover(to=body.to, reason=body.reason, date=body.date.isoformat())
        with transaction(deployment.engine) as s:
            stored = hand_over(
                s,
                identity=deployment.identity,
                principal=principal,
                pid=pid,
                handover=handover,
                expected_ver=expected,
                now=int(time.time()),
                source=source,
            )
    response.headers["ETag"] = etag(stored.ver)
    return passport_out(stored)
