"""Release statistics (README, "Release statistics"): per month and per destination authority, people released with
assessed care needs, the median days of notice, the share acknowledged before release and the share with a plan in
place on the day. No personal data; small counts suppressed (passport.services.release_stats). JSON, or CSV with
``Accept: text/csv`` or ``?format=csv``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from api.release_tables import csv_response, stats_out
from passport.services import list_peers, reading, release_stats
from schemas.statistics import ReleaseStatsOut

router = APIRouter(tags=["statistics"])


@router.get(
    "/v1/stats/releases",
    operation_id="release_stats",
    response_model=ReleaseStatsOut,
    summary="Release statistics: people released with care needs, notice given, and the authorities' readiness",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def get_release_stats(
    request: Request,
    deployment: DeploymentDep,
    principal: CurrentPrincipal,
    source: SourceDep,
    format: Annotated[Literal["json", "csv"] | None, Query(description="csv, or as Accept says")] = None,
) -> ReleaseStatsOut | Response:
    """Counted from this organisation's release notices: a release is a notice not cancelled that went with the
    person on the day or whose date has passed. Counts from 1 to 4, and any count that would let one be worked
    out from the totals, are ``null`` with ``suppressed: true``, and so are their median and shares."""
    today = datetime.now(UTC).date()
    with refusals_audited(deployment, principal, source, "read_stats"), reading(deployment.engine) as s:
        stats = release_stats(s, principal=principal, today=today)
        names = {peer.org_id: peer.name for peer in list_peers(s) if peer.name}
    out = stats_out(stats, names)
    if format == "csv" or (format is None and _wants_csv(request.headers.get("accept", ""))):
        return csv_response(out)
    return out


def _wants_csv(accept: str) -> bool:
    """Whether the client asked for CSV first (a browser's ``*/*`` is JSON)."""
    first = accept.split(",")[0].split(";")[0].strip().lower()
    return first == "text/csv"
