"""Release numbers at /staff/releases/stats: the release statistics (README, "Release statistics") as charts drawn
here as SVG (no script), each with a table of the same numbers beside it, and as a CSV file to save.

A chart is a list of rows, each a label above one or more horizontal bars with their value written after them, so
that it reads the same at any width, needs no colour to tell its bars apart, and takes any number of months or
councils. The SVG is an image with a title and a description (``role="img"``); its numbers are in the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.deps import DeploymentDep
from api.pages.common.names import organisation_names
from api.pages.common.session import StaffSession
from api.pages.staff.page import page
from api.pages.staff.words import organisation
from api.release_tables import csv_response, stats_out
from passport.services import reading, release_stats
from schemas import NOTICE_PERIOD_DAYS
from schemas.statistics import ReleaseFiguresOut, ReleaseStatsOut

router = APIRouter(include_in_schema=False)

WIDTH = 420  # the charts' own units; they scale to the width they are given
BAR_SPACE = 270  # the longest bar, leaving room after it for its value
LABEL_HEIGHT, BAR_HEIGHT, ROW_GAP = 22, 22, 14
WITHHELD = {"fewer_than_5": "fewer than 5", "protects_small_count": "withheld"}


@dataclass(frozen=True)
class Bar:
    """One bar: its top, its length, and what is written after it."""

    y: int
    length: float
    text: str


@dataclass(frozen=True)
class Row:
    """A label (a month, a council) and its bars; a withheld row has no bars and says why after its label."""

    label: str
    y: int
    bars: list[Bar]
    withheld: str | None = None


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart, and a dashed line across it where a value matters (the notice period)."""

    key: str
    title: str
    description: str
    rows: list[Row]
    height: int
    line: tuple[float, str] | None = None


Value = Callable[[ReleaseFiguresOut], float | None]


def bar_chart(
    key: str,
    title: str,
    description: str,
    groups: Sequence[tuple[str, ReleaseFiguresOut]],
    series: Sequence[tuple[Value, Callable[[float], str]]],
    *,
    top: float | None = None,
    line: tuple[float, str] | None = None,
) -> Chart:
    """A chart of ``groups`` (label, figures), one bar per series (its value, and the words for it), scaled to
    ``top`` (else the largest value, and the line's)."""
    values = [v for _, f in groups for value, _ in series if (v := value(f)) is not None]
    scale = top or max([*values, line[0] if line else 0, 1])
    y, rows = 30 if line else 0, []
    for label, figures in groups:
        bars: list[Bar] = []
        if figures.suppression is None:
            for i, (value, words) in enumerate(series):
                amount = value(figures) or 0
                bars.append(Bar(y + LABEL_HEIGHT + i * BAR_HEIGHT, BAR_SPACE * amount / scale, words(amount)))
        rows.append(Row(label, y, bars, WITHHELD[figures.suppression] if figures.suppression else None))
        y += LABEL_HEIGHT + max(len(bars), 1) * BAR_HEIGHT + ROW_GAP
    at = (BAR_SPACE * line[0] / scale, line[1]) if line else None
    return Chart(key, title, description, rows, y, at)


def month_name(month: str | None) -> str:
    """ "2026-03" as "March 2026"."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y") if month else "All months"


def _released(f: ReleaseFiguresOut) -> float | None:
    return f.released


def _median(f: ReleaseFiguresOut) -> float | None:
    return f.median_days_of_notice


def _acknowledged(f: ReleaseFiguresOut) -> float | None:
    return f.percent_acknowledged_before_release


def _in_place(f: ReleaseFiguresOut) -> float | None:
    return f.percent_in_place_on_the_day


def _people(n: float) -> str:
    return f"{n:.0f} {'person' if n == 1 else 'people'}"


def _days(n: float) -> str:
    return f"{n:g} {'day' if n == 1 else 'days'}"


def charts(stats: ReleaseStatsOut, place: Callable[[str | None], str]) -> dict[str, Chart]:
    """The page's four charts: people released, days of notice and readiness by month; people by council."""
    months = [(month_name(f.month), f) for f in stats.by_month]
    councils = sorted(((place(f.destination), f) for f in stats.by_destination), key=lambda c: c[0])
    same = "The table beside it has the same numbers."
    return {
        "released": bar_chart(
            "released",
            "People released with care needs, by month",
            f"Bar chart: one bar for each month, as long as the number of people released. {same}",
            months,
            [(_released, _people)],
        ),
        "notice": bar_chart(
            "notice",
            "Days of notice the council had, by month (median)",
            f"Bar chart: one bar for each month, as long as the median days of notice; a dashed line marks "
            f"{NOTICE_PERIOD_DAYS} days, the notice period. {same}",
            months,
            [(_median, _days)],
            line=(NOTICE_PERIOD_DAYS, f"{NOTICE_PERIOD_DAYS} days"),
        ),
        "ready": bar_chart(
            "ready",
            "Councils ready for the day, by month",
            f"Bar chart: two bars for each month, the percentage acknowledged before release and the percentage "
            f"with a plan in place on the day, out of 100. {same}",
            months,
            [(_acknowledged, lambda n: f"{n:.0f}% acknowledged"), (_in_place, lambda n: f"{n:.0f}% in place")],
            top=100,
        ),
        "councils": bar_chart(
            "councils",
            "People released with care needs, by council",
            f"Bar chart: one bar for each council, as long as the number of people released to it. {same}",
            councils,
            [(_released, _people)],
        ),
    }


@router.get("/staff/releases/stats")
def release_numbers(request: Request, web: StaffSession, deployment: DeploymentDep) -> HTMLResponse:
    """The organisation's release statistics, with charts."""
    stats, names = _stats(web, deployment)

    def place(org: str | None) -> str:
        return organisation(org, names) if org else "All councils"

    return page(
        request,
        "staff_release_stats.html",
        web,
        nav="release_stats",
        stats=stats,
        charts=charts(stats, place),
        councils=sorted(stats.by_destination, key=lambda f: place(f.destination)),
        every=sorted(
            [*stats.by_destination, *stats.by_month_and_destination],
            key=lambda f: (place(f.destination), f.month or ""),
        ),
        place=place,
        month_name=month_name,
        withheld=WITHHELD,
        width=WIDTH,
        notice_period=NOTICE_PERIOD_DAYS,
    )


@router.get("/staff/releases/stats.csv")
def release_numbers_csv(web: StaffSession, deployment: DeploymentDep) -> Response:
    """The same statistics as a CSV file, as ``GET /v1/stats/releases?format=csv`` gives them."""
    stats, _ = _stats(web, deployment)
    return csv_response(stats)


def _stats(web: StaffSession, deployment: DeploymentDep) -> tuple[ReleaseStatsOut, dict[str, str]]:
    with reading(deployment.engine) as session:
        found = release_stats(session, principal=web.principal, today=datetime.now(UTC).date())
        names = organisation_names(session, deployment.identity)
    return stats_out(found, names), names
