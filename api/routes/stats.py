"""Release statistics (README, "Release statistics"): per month and per destination authority, people released with
assessed care needs, the median days of notice, the share acknowledged before release and the share with a plan in
place on the day. No personal data; small counts suppressed (passport.services.release_stats). JSON, or CSV with
``Accept: text/csv`` or ``?format=csv``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.auditing import refusals_audited
from api.deps import CurrentPrincipal, DeploymentDep, SourceDep
from passport.services import ReleaseFigures, ReleaseStats, list_peers, reading, release_stats
from schemas import find_organisation_name
from schemas.statistics import ReleaseFiguresOut, ReleaseStatsOut

router = APIRouter(tags=["statistics"])

CSV_COLUMNS = (
    "breakdown",
    "month",
    "destination",
    "destination_name",
    "released",
    "median_days_of_notice",
    "percent_acknowledged_before_release",
    "percent_in_place_on_the_day",
    "note",
)
NOTES = {
    "fewer_than_5": "fewer than 5: suppressed",
    "protects_small_count": "suppressed so that a count of fewer than 5 cannot be worked out from the totals",
}
# OWASP, "CSV Injection": a spreadsheet runs a cell that begins with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
        headers = {"Content-Disposition": f'attachment; filename="release-statistics-{today.isoformat()}.csv"'}
        return Response(to_csv(out), media_type="text/csv; charset=utf-8", headers=headers)
    return out


def _wants_csv(accept: str) -> bool:
    """Whether the client asked for CSV first (a browser's ``*/*`` is JSON)."""
    first = accept.split(",")[0].split(";")[0].strip().lower()
    return first == "text/csv"


def stats_out(stats: ReleaseStats, names: Mapping[str, str]) -> ReleaseStatsOut:
    """The statistics as the API returns them, authorities named where this service knows their names."""

    def out(figures: ReleaseFigures) -> ReleaseFiguresOut:
        place = figures.destination
        return ReleaseFiguresOut(
            month=figures.month,
            destination=place,
            destination_name=find_organisation_name(place, names) if place else None,
            released=figures.released,
            suppressed=figures.suppressed is not None,
            suppression=figures.suppressed,
            median_days_of_notice=figures.median_days_of_notice,
            percent_acknowledged_before_release=figures.percent_acknowledged,
            percent_in_place_on_the_day=figures.percent_in_place,
        )

    return ReleaseStatsOut(
        counted_before=stats.today,
        total=out(stats.total),
        by_month=[out(f) for f in stats.by_month],
        by_destination=[out(f) for f in stats.by_destination],
        by_month_and_destination=[out(f) for f in stats.by_month_and_destination],
    )


def to_csv(stats: ReleaseStatsOut) -> str:
    """One table: a row per group, ``breakdown`` saying which; a suppressed figure is an empty cell with a note."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(CSV_COLUMNS)
    for breakdown, figures in _groups(stats):
        cells = (
            breakdown,
            figures.month,
            figures.destination,
            figures.destination_name,
            figures.released,
            figures.median_days_of_notice,
            figures.percent_acknowledged_before_release,
            figures.percent_in_place_on_the_day,
            NOTES[figures.suppression] if figures.suppression else None,
        )
        writer.writerow([_cell(value) for value in cells])
    return buffer.getvalue()


def _groups(stats: ReleaseStatsOut) -> Iterator[tuple[str, ReleaseFiguresOut]]:
    yield "total", stats.total
    yield from (("month", f) for f in stats.by_month)
    yield from (("authority", f) for f in stats.by_destination)
    yield from (("month and authority", f) for f in stats.by_month_and_destination)


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
