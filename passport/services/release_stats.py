"""Release statistics: the numbers the field lacks (issue 11; seed 003: few authorities even know how many people
with care needs are released to them), counted from the release notices this organisation keeps as custodian.

**What is counted.** A *release* is a notice of this organisation's that was not called off (not cancelled) and
either went with the person on the day (``released``) or whose expected date is before today: the prison planned
it and never withdrew it, so it is taken to have happened. Every passport records a person's assessed care needs,
so every release counted is a person released with assessed needs. A person released twice is counted twice, once
per release. A notice the authority declined ("not our area") whose destination was never changed is still counted
under that authority: it is what the prison's record says.

Per release (the month is the month of the expected date):

- **days of notice**: the expected date minus the day the first notice was delivered, never below 0; a release
  whose notice was never delivered, or was delivered after the day, had 0 days' notice;
- **acknowledged before release**: the authority acknowledged on or before the expected date;
- **plan in place on the day**: the authority's latest status is "in place on the day".

**Suppression** (as official statistics do; ONS, "Statistical disclosure control"): a count from 1 to 4 is not
published (*fewer than 5*), and nor is any figure derived from it (median, shares). The counts are published in
three ways that add up (month and authority, each month, each authority, and the total), so a count that could be
worked out by subtraction from a published total is withheld too (*secondary suppression*): in every line of the
table that adds up to a total, never exactly one figure withheld. Shares are whole percentages. No passport id,
name, or date more precise than a month leaves this module.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlmodel import Session, col, or_

from passport.services.access import require
from passport.services.principals import Principal
from passport.services.releases import held_notices
from passport.services.storage import ReleaseNoticeRow, as_utc

SMALLEST_PUBLISHED = 5
"""Counts from 1 to ``SMALLEST_PUBLISHED - 1`` are suppressed."""

Suppression = Literal["fewer_than_5", "protects_small_count"]
"""Why a figure is withheld: it is a count from 1 to 4, or it would let one be worked out by subtraction."""

Key = tuple[str | None, str | None]
"""(month "YYYY-MM" or None for every month, destination authority or None for every authority)."""


@dataclass(frozen=True)
class Release:
    """One release as the statistics see it: nothing that names the person."""

    month: str
    destination: str
    days_of_notice: int
    acknowledged: bool
    in_place: bool


@dataclass(frozen=True)
class ReleaseFigures:
    """The figures of one group of releases; all ``None`` when ``suppressed`` says why they are withheld."""

    month: str | None
    destination: str | None
    released: int | None
    suppressed: Suppression | None
    median_days_of_notice: float | None
    percent_acknowledged: int | None
    percent_in_place: int | None


@dataclass(frozen=True)
class ReleaseStats:
    """Releases counted before ``today``: the total, each month, each authority, and each month and authority."""

    today: date
    total: ReleaseFigures
    by_month: list[ReleaseFigures]
    by_destination: list[ReleaseFigures]
    by_month_and_destination: list[ReleaseFigures]


def release_stats(session: Session, *, principal: Principal, today: date) -> ReleaseStats:
    """The release statistics of the principal's organisation (staff and auditors: no personal data)."""
    require(principal, "stats")
    rows = session.exec(
        held_notices(principal.org).where(
            col(ReleaseNoticeRow.expected_date).is_not(None),
            or_(col(ReleaseNoticeRow.released).is_(True), col(ReleaseNoticeRow.expected_date) < today),
        )
    )
    return tabulate([_release(row) for row in rows], today=today)


def _release(row: ReleaseNoticeRow) -> Release:
    expected = row.expected_date
    assert expected is not None  # the query asks for a date
    notice = (expected - as_utc(row.first_sent_at).date()).days if row.first_sent_at else 0
    return Release(
        month=expected.strftime("%Y-%m"),
        destination=row.destination,
        days_of_notice=max(notice, 0),
        acknowledged=row.acknowledged_on is not None and row.acknowledged_on <= expected,
        in_place=row.step == "in_place",
    )


def tabulate(releases: Iterable[Release], *, today: date) -> ReleaseStats:
    """The figures of ``releases``, every way they are published, with small counts suppressed."""
    groups: dict[Key, list[Release]] = defaultdict(list)
    for release in releases:
        for key in _keys(release):
            groups[key].append(release)
    withheld = _suppress({key: len(found) for key, found in groups.items()})
    figures = {key: _figures(key, groups.get(key, []), withheld.get(key)) for key in {*groups, (None, None)}}
    ordered = sorted(figures.values(), key=lambda f: (f.month or "", f.destination or ""))
    return ReleaseStats(
        today=today,
        total=figures[(None, None)],
        by_month=[f for f in ordered if f.month is not None and f.destination is None],
        by_destination=[f for f in ordered if f.month is None and f.destination is not None],
        by_month_and_destination=[f for f in ordered if f.month is not None and f.destination is not None],
    )


def _keys(release: Release) -> list[Key]:
    month, destination = release.month, release.destination
    return [(month, destination), (month, None), (None, destination), (None, None)]


def _suppress(counts: dict[Key, int]) -> dict[Key, Suppression]:
    """Which counts are withheld: the small ones, then, until none is left, one more in each line that adds up to
    a total and has exactly one withheld (the smallest other count of the line, else its total)."""
    withheld: dict[Key, Suppression] = {key: "fewer_than_5" for key, n in counts.items() if 0 < n < SMALLEST_PUBLISHED}
    lines = _lines(counts)
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if sum(key in withheld for key in (*parts, total)) != 1:
                continue
            others = sorted((counts[key], key) for key in parts if key not in withheld)
            chosen = others[0][1] if others else total
            withheld[chosen] = "protects_small_count"
            changed = True
    return withheld


def _lines(counts: dict[Key, int]) -> list[tuple[list[Key], Key]]:
    """Every set of published counts that adds up to another published count: (the parts, their total)."""
    months = sorted({m for m, _ in counts if m is not None})
    places = sorted({d for _, d in counts if d is not None})
    cells = [key for key in counts if key[0] is not None and key[1] is not None]
    lines: list[tuple[list[Key], Key]] = [([c for c in cells if c[0] == m], (m, None)) for m in months]
    lines += [([c for c in cells if c[1] == d], (None, d)) for d in places]
    lines.append(([(m, None) for m in months], (None, None)))
    lines.append(([(None, d) for d in places], (None, None)))
    return lines


def _figures(key: Key, releases: list[Release], withheld: Suppression | None) -> ReleaseFigures:
    month, destination = key
    if withheld is not None:
        return ReleaseFigures(month, destination, None, withheld, None, None, None)
    count = len(releases)
    if count == 0:  # nothing released at all: the total is 0, and there is nothing to take a median of
        return ReleaseFigures(month, destination, 0, None, None, None, None)
    return ReleaseFigures(
        month=month,
        destination=destination,
        released=count,
        suppressed=None,
        median_days_of_notice=float(statistics.median(r.days_of_notice for r in releases)),
        percent_acknowledged=_percent(sum(r.acknowledged for r in releases), count),
        percent_in_place=_percent(sum(r.in_place for r in releases), count),
    )


def _percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, halves rounded up (integers only: no float surprises)."""
    return (200 * part + whole) // (2 * whole)
