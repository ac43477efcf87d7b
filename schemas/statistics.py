"""Response bodies of the release statistics (``GET /v1/stats/releases``; README, "Release statistics")."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Suppressed = Literal["fewer_than_5", "protects_small_count"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReleaseFiguresOut(_Body):
    """The figures of one group of releases. A withheld group has ``suppressed: true``, ``null`` figures, and the
    reason: a count from 1 to 4, or one that would let such a count be worked out by subtraction."""

    month: str | None = Field(description="YYYY-MM of the expected date of release; null for every month")
    destination: str | None = Field(description="the destination authority's id; null for every authority")
    destination_name: str | None = Field(description="its name, where this service knows it")
    released: int | None = Field(description="people released with assessed care needs")
    suppressed: bool
    suppression: Suppressed | None = Field(description="why the figures are withheld")
    median_days_of_notice: float | None = Field(description="from the first notice delivered to the expected date")
    percent_acknowledged_before_release: int | None
    percent_in_place_on_the_day: int | None = Field(description="the authority's latest status is in place")


class ReleaseStatsOut(_Body):
    """Releases before ``counted_before`` (notices not cancelled: released, or whose date has passed), the total,
    and per month, per destination authority, and per month and authority. No personal data."""

    counted_before: date
    total: ReleaseFiguresOut
    by_month: list[ReleaseFiguresOut]
    by_destination: list[ReleaseFiguresOut]
    by_month_and_destination: list[ReleaseFiguresOut]
