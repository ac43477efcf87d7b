"""Reviews that fall due: when a piece of equipment or an assessment should be looked at again, and whether that
day has passed ("Overdue") or is close ("Due soon"), so that staff see it without working out dates.

Today is the server's date (``today``); the pages pass it in, so that a test can fix it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from passport.services import today_utc

DUE_SOON = timedelta(days=30)
"""A review this close (or closer) is "Due soon"."""

# Care and Support Statutory Guidance (Care Act 2014), para 13.32: a care and support plan is reviewed no later
# than every 12 months; the assessment behind it is looked at again then. Other kinds of assessment (an
# occupational therapist's, a memory clinic's) have no such rule, so they are not flagged.
YEARLY_REVIEW = frozenset({"care_act_needs_assessment", "carers_assessment"})

OVERDUE = "Overdue"
DUE = "Due soon"


@dataclass(frozen=True)
class Review:
    """A review of one item that is overdue or due soon: which item, when, and the tag to show."""

    section: str
    key: str
    title: str
    due: date
    tag: str


def today() -> date:
    """Today's date by the server's clock (UTC)."""
    return today_utc(int(time.time()))


def review_due(section: str, item: Mapping[str, Any]) -> date | None:
    """The day by which an item should be reviewed: equipment's own ``review_due``; a year after a Care Act
    assessment; ``None`` for anything else."""
    if section == "equipment":
        return _date(item.get("review_due"))
    if section == "assessments" and item.get("kind") in YEARLY_REVIEW:
        done = _date(item.get("date"))
        return None if done is None else _a_year_after(done)
    return None


def tag_for(due: date | None, on: date) -> str:
    """ "Overdue" for a day before ``on``, "Due soon" for one within :data:`DUE_SOON` of it, else nothing."""
    if due is None:
        return ""
    if due < on:
        return OVERDUE
    return DUE if due - on <= DUE_SOON else ""


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _a_year_after(day: date) -> date:
    # 29 February has no twin the next year: the review is due on the 28th.
    return day.replace(year=day.year + 1, day=28 if (day.month, day.day) == (2, 29) else day.day)
