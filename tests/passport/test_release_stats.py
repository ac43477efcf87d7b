"""Release statistics: a generated population counted by hand here matches what the service publishes, counts from
1 to 4 are suppressed with everything derived from them, and no withheld count can be worked out from the totals."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.release_stats import Release, ReleaseFigures, ReleaseStats, release_stats, tabulate
from passport.services.storage import reading
from schemas.errors import AccessDenied
from tests.crypto.forge import refusal
from tests.passport.release_population import (
    LIVERPOOL,
    MANCHESTER,
    SEFTON,
    WYMOTT,
    Notice,
    generated,
    store,
)

TODAY = date(2026, 6, 15)
Key = tuple[str | None, str | None]


def published(stats: ReleaseStats) -> dict[Key, ReleaseFigures]:
    """Every group the statistics publish, by (month, destination)."""
    groups = [stats.total, *stats.by_month, *stats.by_destination, *stats.by_month_and_destination]
    return {(f.month, f.destination): f for f in groups}


def by_hand(notices: list[Notice]) -> dict[Key, list[Notice]]:
    """The releases of Wymott's notices, grouped every way the statistics are: counted here without the service."""
    groups: dict[Key, list[Notice]] = defaultdict(list)
    for n in notices:
        if n.holder != WYMOTT or n.cancelled or not (n.released or n.expected < TODAY):
            continue
        month = f"{n.expected.year:04d}-{n.expected.month:02d}"
        for key in ((month, n.destination), (month, None), (None, n.destination), (None, None)):
            groups[key].append(n)
    return groups


def days_of_notice(n: Notice) -> int:
    """What the README promises: from the first notice to the day, 0 when none came before it."""
    if n.first_sent is None or n.first_sent > n.expected:
        return 0
    return (n.expected - n.first_sent).days


def percent(part: int, whole: int) -> int:
    """A whole percentage, halves up, as a person rounds."""
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def lines(keys: set[Key]) -> list[list[Key]]:
    """Each set of groups that adds up to a published total, the total last."""
    months = {m for m, _ in keys if m}
    places = {d for _, d in keys if d}
    cells = [k for k in keys if k[0] and k[1]]
    found = [[*(c for c in cells if c[0] == m), (m, None)] for m in months]
    found += [[*(c for c in cells if c[1] == d), (None, d)] for d in places]
    found.append([*((m, None) for m in months), (None, None)])
    found.append([*((None, d) for d in places), (None, None)])
    return found


def test_a_generated_population_matches_a_count_by_hand(deployment: Deployment) -> None:
    """300 notices to four councils over seven months: every published count, median and share is the one counted
    here; every count from 1 to 4 is withheld with its median and shares; in no line that adds up to a total is
    exactly one count withheld; and a withheld count of 5 or more is withheld only for that reason."""
    population = generated(seed=11, count=300, today=TODAY)
    store(deployment.engine, population)
    with reading(deployment.engine) as session:
        stats = release_stats(session, principal=Principal("p", WYMOTT, "care_staff"), today=TODAY)
    shown, counted = published(stats), by_hand(population)

    assert set(shown) == set(counted)  # nothing for a month or council with no releases, nothing extra
    assert counted[(None, None)] and len(counted[(None, None)]) < 300  # some were left out: cancelled, to come
    primary = secondary = 0
    for key, releases in counted.items():
        figures = shown[key]
        if len(releases) < 5:
            assert figures.suppressed == "fewer_than_5", key
            primary += 1
        elif figures.suppressed is not None:
            assert figures.suppressed == "protects_small_count", key
            secondary += 1
        else:
            assert figures.released == len(releases), key
            assert figures.median_days_of_notice == statistics.median(days_of_notice(n) for n in releases), key
            acknowledged = [n for n in releases if n.acknowledged_on and n.acknowledged_on <= n.expected]
            assert figures.percent_acknowledged == percent(len(acknowledged), len(releases)), key
            in_place = [n for n in releases if n.step == "in_place"]
            assert figures.percent_in_place == percent(len(in_place), len(releases)), key
            continue
        assert (figures.released, figures.median_days_of_notice) == (None, None), key
        assert (figures.percent_acknowledged, figures.percent_in_place) == (None, None), key
    assert primary and secondary, "the population must exercise both kinds of suppression"
    for line in lines(set(counted)):
        assert sum(shown[key].suppressed is not None for key in line) != 1, line


def test_a_small_table_is_suppressed_as_a_statistician_would() -> None:
    """March: 12 to Liverpool and 3 to Sefton (withheld). March's 15 would give the 3 away from the 12, so the 12 is
    withheld; then Liverpool's 6 in April (18 - 6 = 12), Manchester's 7 in all (28 - 18 - 7 = 3 for Sefton), and
    so Manchester's 7 in April (13 - 7 = 6). The totals of each month, of Liverpool, and of all stay published."""
    march, april = "2026-03", "2026-04"

    def some(month: str, place: str, count: int) -> list[Release]:
        return [Release(month, place, 30, True, False)] * count

    stats = tabulate(
        [*some(march, LIVERPOOL, 12), *some(march, SEFTON, 3), *some(april, LIVERPOOL, 6), *some(april, MANCHESTER, 7)],
        today=TODAY,
    )
    shown = {key: (f.released, f.suppressed) for key, f in published(stats).items()}
    assert shown == {
        (march, LIVERPOOL): (None, "protects_small_count"),
        (march, SEFTON): (None, "fewer_than_5"),
        (april, LIVERPOOL): (None, "protects_small_count"),
        (april, MANCHESTER): (None, "protects_small_count"),
        (march, None): (15, None),
        (april, None): (13, None),
        (None, LIVERPOOL): (18, None),
        (None, SEFTON): (None, "fewer_than_5"),
        (None, MANCHESTER): (None, "protects_small_count"),
        (None, None): (28, None),
    }


def test_notice_after_the_day_is_none_and_acknowledging_on_the_day_is_in_time(deployment: Deployment) -> None:
    """Three notices first delivered three days after the day had 0 days' notice, not -3; acknowledging on the day
    itself is before release, the day after is not; only "in place on the day" counts as in place."""
    day = date(2026, 3, 10)
    late, early = date(2026, 3, 13), date(2026, 2, 18)
    store(
        deployment.engine,
        [
            Notice(LIVERPOOL, day, late, acknowledged_on=day, step="in_place"),
            Notice(LIVERPOOL, day, late, acknowledged_on=date(2026, 3, 11), step="in_place"),
            Notice(LIVERPOOL, day, late, step="equipment_arranged"),
            Notice(LIVERPOOL, day, early, acknowledged_on=early, step="plan_agreed"),
            Notice(LIVERPOOL, day, early, acknowledged_on=early),
            Notice(LIVERPOOL, day, early, acknowledged_on=early, cancelled=True),  # called off: not a release
            Notice(LIVERPOOL, date(2026, 7, 2), early),  # still to come
        ],
    )
    with reading(deployment.engine) as session:
        stats = release_stats(session, principal=Principal("p", WYMOTT, "auditor"), today=TODAY)
    march = published(stats)[("2026-03", LIVERPOOL)]
    assert (march.released, march.median_days_of_notice) == (5, 0)
    assert (march.percent_acknowledged, march.percent_in_place) == (60, 40)
    assert stats.total.released == 5


def test_nothing_released_yet_is_a_total_of_nought() -> None:
    """No releases: a total of 0 (nothing to suppress), no median, no shares, and no rows."""
    stats = tabulate([], today=TODAY)
    assert (stats.total.released, stats.total.suppressed, stats.total.median_days_of_notice) == (0, None, None)
    assert stats.by_month == stats.by_destination == stats.by_month_and_destination == []


@pytest.mark.parametrize("role", ["admin", "care_staff", "reception", "auditor"])
def test_staff_and_auditors_read_only_their_own_organisations_numbers(deployment: Deployment, role: str) -> None:
    """Each role of Wymott's own reads Wymott's releases; another prison's staff in the same database see none
    of them."""
    store(deployment.engine, [Notice(LIVERPOOL, date(2026, 3, d), date(2026, 1, d)) for d in range(1, 7)])
    with reading(deployment.engine) as session:
        ours = release_stats(session, principal=Principal("p", WYMOTT, role), today=TODAY)
        theirs = release_stats(session, principal=Principal("p", "prison:RSY", role), today=TODAY)
    assert ours.total.released == 6 and ours.total.median_days_of_notice == 59
    assert theirs.total.released == 0 and theirs.by_month_and_destination == []


@pytest.mark.parametrize("role", ["authority", "peer", "person"])
def test_other_organisations_and_the_person_may_not_read_them(deployment: Deployment, role: str) -> None:
    """Release statistics are for the organisation's own staff and auditors."""
    with reading(deployment.engine) as session, refusal(AccessDenied, "access_denied", f"the {role} role may not"):
        release_stats(session, principal=Principal("p", WYMOTT, role), today=TODAY)
