"""A population of release notices for the statistics' tests, stored as the prison keeps them (rows inserted
directly: running a passport through release and a council's receipts for hundreds of people would take minutes)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine

from passport.services.storage import PassportRow, ReleaseNoticeRow, transaction
from schemas import AUTHORITY_STEPS

WYMOTT, RISLEY = "prison:WYI", "prison:RSY"
LIVERPOOL, MANCHESTER, SEFTON, WIRRAL = "la:E08000012", "la:E08000003", "la:E08000014", "la:E08000015"


@dataclass(frozen=True)
class Notice:
    """One notice as the prison keeps it: only what the statistics read."""

    destination: str
    expected: date
    first_sent: date | None
    acknowledged_on: date | None = None
    step: str | None = None
    cancelled: bool = False
    released: bool = False
    holder: str = WYMOTT


def generated(seed: int, count: int, today: date) -> list[Notice]:
    """``count`` notices over the six months before ``today`` and a month after, to four councils (Wirral's
    rare, so its counts are small), some cancelled, some released early, some never sent or answered, and a few
    held by another prison in the same database."""
    rng = random.Random(seed)
    places = [LIVERPOOL] * 8 + [MANCHESTER] * 6 + [SEFTON] * 3 + [WIRRAL]
    notices = []
    for _ in range(count):
        expected = today + timedelta(days=rng.randint(-180, 30))
        sent = rng.random() < 0.85
        first_sent = expected - timedelta(days=rng.randint(-5, 120)) if sent else None
        acknowledged = sent and rng.random() < 0.6
        notices.append(
            Notice(
                destination=rng.choice(places),
                expected=expected,
                first_sent=first_sent,
                acknowledged_on=expected - timedelta(days=rng.randint(-10, 60)) if acknowledged else None,
                step=rng.choice((None, *AUTHORITY_STEPS)) if sent else None,
                cancelled=rng.random() < 0.1,
                released=rng.random() < 0.3,
                holder=RISLEY if rng.random() < 0.05 else WYMOTT,
            )
        )
    return notices


def store(engine: Engine, notices: Iterable[Notice]) -> list[str]:
    """Keep ``notices`` as the prison would, each for a passport of its own, held by its holder; their pids."""
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    pids = []
    with transaction(engine) as session:
        for notice in notices:
            pid = str(uuid.uuid4())
            pids.append(pid)
            session.add(
                PassportRow(
                    pid=pid,
                    holder_org=notice.holder,
                    current_ver=1,
                    custodian=notice.holder,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
            session.flush()
            sent = datetime.combine(notice.first_sent, time(9, 30), UTC) if notice.first_sent else None
            session.add(
                ReleaseNoticeRow(
                    id=str(uuid.uuid4()),
                    pid=pid,
                    destination=notice.destination,
                    cancelled=notice.cancelled,
                    released=notice.released,
                    expected_date=notice.expected,
                    sent_seq=1 if sent else 0,
                    first_sent_at=sent,
                    sent_at=sent,
                    step=notice.step,
                    acknowledged_on=notice.acknowledged_on,
                    updated_at=stamp,
                )
            )
    return pids
