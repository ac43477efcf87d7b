"""``passport releases``: release notices. ``send-due`` sends what is due now, for a cron job; ``--late`` prints the
releases whose authority is not ready (README, "Release into the community").

Neither prints anything about a person but the passport id: a cron job's output is mailed and kept in logs."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from typing import Annotated

import typer

from api.pages.common.names import organisation_names
from api.pages.staff.words import organisation, say
from api.settings import notice_days_from_env
from cli.options import DEFAULT_HOME, DatabaseOption, HomeOption, open_deployment, operator
from passport.services import Journey, deliver_due, late_list, reading, today_utc
from schemas.errors import InvalidRequest

releases_app = typer.Typer(
    help="Release notices to local authorities: send what is due, or list the late releases (--late).",
    no_args_is_help=False,
    invoke_without_command=True,
)


@releases_app.callback()
def releases(
    ctx: typer.Context,
    late: Annotated[
        bool, typer.Option("--late", help="List releases within 28 days whose authority is not ready; exit 1 if any.")
    ] = False,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Release notices to local authorities."""
    if ctx.invoked_subcommand is not None:
        if late:
            raise InvalidRequest("--late is a list of its own: passport releases --late")
        return
    if not late:
        typer.echo(ctx.get_help())
        return
    deployment = open_deployment(home, database_url)
    today = today_utc(int(time.time()))
    with reading(deployment.engine) as session:
        found = late_list(session, principal=operator(deployment), today=today)
        names = organisation_names(session, deployment.identity)
    if not found:
        typer.echo("no late releases")
        return
    for journey in found:
        typer.echo(_late_line(journey, today, names))
    raise typer.Exit(1)


@releases_app.command("send-due")
def send_due(home: HomeOption = DEFAULT_HOME, database_url: DatabaseOption = None) -> None:
    """Send the release notices and receipts that are due now, once (as the server's own schedule does); exit 1 if
    a delivery failed (it is kept and tried again later)."""
    deployment = open_deployment(home, database_url)
    done = deliver_due(deployment, now=int(time.time()), period_days=notice_days_from_env())
    line = f"release notices and receipts: {done.sent} sent, {done.failed} failed"
    if done.failed:
        codes = ", ".join(f"{code} x{count}" for code, count in sorted(Counter(done.failures).items()))
        typer.echo(f"error: delivery_failed: {line} ({codes}); they will be tried again", err=True)
        raise typer.Exit(1)
    typer.echo(line)


def _late_line(journey: Journey, today: date, names: dict[str, str]) -> str:
    """Expected date, days to go, the authority by name, why it is late, and the passport id: never a name."""
    expected = journey.expected_date
    days = f"in {(expected - today).days} days" if expected else "no date"
    suggested = journey.declined_suggested
    why = [
        say("late_reason", reason)
        + (f" (suggests {organisation(suggested, names)})" if reason == "declined" and suggested else "")
        for reason in journey.late(today)
    ]
    fields = [f"{expected} ({days})", organisation(journey.destination, names), "; ".join(why), journey.pid]
    return "\t".join(fields)
