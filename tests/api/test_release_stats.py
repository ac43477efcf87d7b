"""GET /v1/stats/releases over HTTP: JSON, and CSV with Accept: text/csv or ?format=csv; small counts withheld
(null with suppressed: true, an empty cell with a note); no passport id anywhere; staff and auditors only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.passport.release_population import LIVERPOOL, SEFTON, Notice, store

pytestmark = pytest.mark.slow

ODD = "la:E09999999"  # a council this deployment trusts under a name a spreadsheet would run as a formula
ODD_NAME = '=HYPERLINK("http://example.invalid","Council")'


@pytest.fixture
def population(live_server: LiveServer) -> tuple[str, list[str]]:
    """Releases 40 days ago: six to Liverpool (10 to 60 days' notice, three acknowledged in time, one in place on
    the day), two to Sefton and five to a council with an odd name. The month, and the pids."""
    live_server.trust(ODD, ODD_NAME)
    day = datetime.now(UTC).date() - timedelta(days=40)
    liverpool = [
        Notice(
            LIVERPOOL,
            day,
            day - timedelta(days=days),
            acknowledged_on=day - timedelta(days=1) if days <= 30 else None,
            step="in_place" if days == 10 else "plan_agreed",
        )
        for days in (10, 20, 30, 40, 50, 60)
    ]
    others = [Notice(SEFTON, day, day)] * 2 + [Notice(ODD, day, day)] * 5
    return f"{day:%Y-%m}", store(live_server.deployment.engine, [*liverpool, *others])


def get(live_server: LiveServer, role: str, path: str = "/v1/stats/releases", **headers: str) -> Any:
    """The answer to a GET with a new token of ``role``."""
    return live_server.client(live_server.token(role)).get(path, headers=headers)


def test_json_counts_and_withholds(live_server: LiveServer, population: tuple[str, list[str]]) -> None:
    """Liverpool's six are published with their median and shares; Sefton's two are withheld, and so is the odd
    council's five, which with the month's 13 would give Sefton's two away; no pid appears."""
    month, pids = population
    answer = get(live_server, "care_staff")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == {
        "month": None,
        "destination": None,
        "destination_name": None,
        "released": 13,
        "suppressed": False,
        "suppression": None,
        "median_days_of_notice": 0.0,
        "percent_acknowledged_before_release": 23,
        "percent_in_place_on_the_day": 8,
    }
    cells = {f["destination"]: f for f in body["by_month_and_destination"]}
    assert {f["month"] for f in cells.values()} == {month}
    assert cells[LIVERPOOL] == {
        "month": month,
        "destination": LIVERPOOL,
        "destination_name": "Liverpool City Council",
        "released": 6,
        "suppressed": False,
        "suppression": None,
        "median_days_of_notice": 35.0,
        "percent_acknowledged_before_release": 50,
        "percent_in_place_on_the_day": 17,
    }
    for place, why in ((SEFTON, "fewer_than_5"), (ODD, "protects_small_count")):
        withheld = cells[place]
        assert (withheld["suppressed"], withheld["suppression"]) == (True, why)
        assert withheld["released"] is withheld["median_days_of_notice"] is None
        assert withheld["percent_acknowledged_before_release"] is withheld["percent_in_place_on_the_day"] is None
    assert not any(pid in answer.text for pid in pids)


@pytest.mark.parametrize(
    ("path", "accept"), [("/v1/stats/releases?format=csv", "*/*"), ("/v1/stats/releases", "text/csv")]
)
def test_csv_has_an_empty_cell_and_a_note_for_what_is_withheld(
    live_server: LiveServer, population: tuple[str, list[str]], path: str, accept: str
) -> None:
    """The same figures as CSV, one row per group; a withheld count is an empty cell with a note, and a name that
    begins like a formula is quoted so that a spreadsheet shows it rather than runs it."""
    month, pids = population
    answer = get(live_server, "auditor", path, accept=accept)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="release-statistics-')
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    by = {(r["breakdown"], r["month"], r["destination"]): r for r in rows}
    assert by[("total", "", "")]["released"] == "13"
    liverpool = by[("month and authority", month, LIVERPOOL)]
    assert (liverpool["released"], liverpool["median_days_of_notice"], liverpool["note"]) == ("6", "35.0", "")
    sefton = by[("month and authority", month, SEFTON)]
    assert (sefton["released"], sefton["median_days_of_notice"], sefton["percent_in_place_on_the_day"]) == ("", "", "")
    assert sefton["note"] == "fewer than 5: suppressed"
    odd = by[("authority", "", ODD)]
    assert odd["released"] == "" and "cannot be worked out" in odd["note"]
    assert odd["destination_name"] == "'" + ODD_NAME
    assert not any(pid in answer.text for pid in pids)


def test_the_councils_client_is_refused_and_other_staff_see_nothing(
    live_server: LiveServer, population: tuple[str, list[str]]
) -> None:
    """The council's own system (an authority token) gets 403 access_denied in problem+json; no token, 401; a staff
    token of another organisation counts none of this prison's releases."""
    client = live_server.client(live_server.token("authority", org=LIVERPOOL, audience="local_authority"))
    answer = client.get("/v1/stats/releases")
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "access_denied"
    assert live_server.client().get("/v1/stats/releases").status_code == 401
    elsewhere = live_server.client(live_server.token("care_staff", org="prison:RSY")).get("/v1/stats/releases")
    assert elsewhere.status_code == 200 and elsewhere.json()["total"]["released"] == 0


def test_the_staff_page_and_its_csv_say_the_same(live_server: LiveServer, population: tuple[str, list[str]]) -> None:
    """Reception, signed in to the pages, reads the numbers page (with "fewer than 5" for Sefton, and no pid) and
    downloads the CSV the API gives."""
    _, pids = population
    pages = live_server.signed_in("reception")
    shown = pages.get("/staff/releases/stats")
    assert shown.status_code == 200, shown.text
    assert "Sefton Council" in shown.text and "fewer than 5" in shown.text
    assert not any(pid in shown.text for pid in pids)
    saved = pages.get("/staff/releases/stats.csv")
    assert saved.headers["content-type"] == "text/csv; charset=utf-8"
    assert saved.text == get(live_server, "care_staff", "/v1/stats/releases?format=csv").text
