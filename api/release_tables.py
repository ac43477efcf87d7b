"""The release statistics as this service gives them, to the API and to the staff pages alike: the JSON body (the
authorities named where this service knows their names) and CSV (RFC 4180), where a withheld figure is an empty
cell with a note."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping

from fastapi import Response

from passport.services import ReleaseFigures, ReleaseStats
from schemas import find_organisation_name
from schemas.statistics import ReleaseFiguresOut, ReleaseStatsOut

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


def csv_response(stats: ReleaseStatsOut) -> Response:
    """The statistics as a CSV file to save, named with the day they were counted to."""
    name = f"release-statistics-{stats.counted_before.isoformat()}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(to_csv(stats), media_type="text/csv; charset=utf-8", headers=headers)


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
