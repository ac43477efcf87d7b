"""`passport releases`: `send-due` for a cron job (one line; exit 1 with the failure codes when a delivery failed)
and `--late` (the late list; exit 1 when it is not empty). Neither prints anything about a person but the passport
id. The end-to-end release between two servers is tests/e2e/test_release.py."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.records import create_passport
from passport.services.storage import transaction
from schemas import parse_content
from tests.cli.command import one_line_error, passport
from tests.conftest import another_person

TODAY = datetime.now(UTC).date()


def released(home: Path, reference: dict[str, Any], days: int) -> str:
    """A passport held in ``home`` whose person is released ``days`` from today to Sefton Council (whose
    deployment this prison does not know, so every delivery fails)."""
    content = reference | {
        "release_plan": reference["release_plan"]
        | {"expected_date": (TODAY + timedelta(days=days)).isoformat(), "destination_authority": "la:E08000014"}
    }
    deployment = Deployment.open(home=home, database_url=f"sqlite:///{home / 'passport.db'}")
    with transaction(deployment.engine) as session:
        stored = create_passport(
            session,
            identity=deployment.identity,
            principal=Principal("staff", "prison:WYI", "care_staff"),
            content=parse_content(content),
            now=int(time.time()),
        )
    deployment.engine.dispose()
    return stored.pid


def test_nothing_due_and_nothing_late(home: Path) -> None:
    """A prison with no releases: one line each, exit 0."""
    sent = passport("releases", "send-due", home=home)
    assert (sent.returncode, sent.stdout, sent.stderr) == (0, "release notices and receipts: 0 sent, 0 failed\n", "")
    late = passport("releases", "--late", home=home)
    assert (late.returncode, late.stdout) == (0, "no late releases\n")


def test_a_failed_delivery_and_the_late_list(home: Path, reference: dict[str, Any]) -> None:
    """The authority cannot be reached: send-due fails in one line with the code, and the release, twenty days
    away, is on the late list by date, authority and passport id, never by name."""
    pid = released(home, reference, 20)
    released(home, another_person(reference, 2), 60)  # not within 28 days
    sent = passport("releases", "send-due", home=home)
    one_line_error(sent, "delivery_failed")
    assert "0 sent, 2 failed (not_a_trusted_peer x2)" in sent.stderr
    late = passport("releases", "--late", home=home)
    assert late.returncode == 1, late.stderr
    expected = (TODAY + timedelta(days=20)).isoformat()
    assert late.stdout.splitlines() == [
        f"{expected} (in 20 days)\tSefton Council\tThe council has not acknowledged the notice; "
        f"The council has not looked at the care record\t{pid}"
    ]
    everything = sent.stdout + sent.stderr + late.stdout + late.stderr
    for personal in ("Whitfield", "Arthur", "A4821KD", "wheelchair"):
        assert personal not in everything
    # A failed delivery waits before it is tried again: at once, there is nothing due.
    assert passport("releases", "send-due", home=home).returncode == 0


def test_bad_settings_and_usage_are_one_line(home: Path) -> None:
    """A wrong PASSPORT_NOTICE_DAYS, and --late given with a command: one line, non-zero."""
    bad = passport("releases", "send-due", home=home, env={"PASSPORT_NOTICE_DAYS": "soon"})
    one_line_error(bad, "configuration_error")
    one_line_error(passport("releases", "--late", "send-due", home=home), "invalid_request")


def test_a_local_authority_deployment_can_be_made(tmp_path: Path) -> None:
    """`passport init --kind local_authority`: a council's deployment, with nothing late of its own."""
    home = tmp_path / "liverpool"
    made = passport(
        "init", "--org-id", "la:E08000012", "--name", "Liverpool City Council", "--kind", "local_authority", home=home
    )
    assert made.returncode == 0 and made.stdout.startswith("created la:E08000012 (Liverpool City Council)")
    assert passport("releases", "--late", home=home).returncode == 0
