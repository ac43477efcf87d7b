"""``passport token``: bearer tokens for the API and the staff pages: create, list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from cli.options import DEFAULT_HOME, DatabaseOption, HomeOption, open_deployment, operator
from passport.services import (
    TOKEN_ROLES,
    actor_of,
    create_principal,
    list_tokens,
    parse_lifetime,
    reading,
    revoke_token,
    token_info,
    transaction,
    utcnow,
)

token_app = typer.Typer(help="Bearer tokens for the API and the staff pages.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help="|".join(TOKEN_ROLES))],
    org: Annotated[str | None, typer.Option("--org", help="Default: this organisation.")] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="For an authority.")] = None,
    name: Annotated[str, typer.Option("--name", help="Who or what the token is for.")] = "",
    expires_in: Annotated[
        str | None,
        typer.Option("--expires-in", help="e.g. 12h, 30d, 8w (default 90d for staff, 365d for an authority)."),
    ] = None,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Print a new bearer token, and nothing else, on standard output (when it expires goes to standard error)."""
    lifetime = parse_lifetime(expires_in) if expires_in is not None else None
    deployment = open_deployment(home, database_url)
    with transaction(deployment.engine) as session:
        token, principal = create_principal(
            session,
            org=org or deployment.identity.org_id,
            role=role,
            audience=audience,
            name=name,
            lifetime=lifetime,
        )
    with reading(deployment.engine) as session:
        expires = token_info(session, principal.id).expires_at
    typer.echo(token)
    typer.echo(f"token {principal.id} expires {_when(expires)}", err=True)


@token_app.command("list")
def token_list(home: HomeOption = DEFAULT_HOME, database_url: DatabaseOption = None) -> None:
    """One line per token that has not been revoked: id, name, role, organisation, audience, created, expires,
    last used (tab-separated; never the token itself)."""
    deployment = open_deployment(home, database_url)
    with reading(deployment.engine) as session:
        tokens = list_tokens(session)
    now = utcnow()
    for t in tokens:
        expires = _when(t.expires_at)
        if t.expires_at is not None and t.expires_at <= now:
            expires = f"expired {expires}"
        fields = [t.id, t.name or "-", t.role, t.org, t.audience or "-", _when(t.created_at), expires]
        typer.echo("\t".join([*fields, _when(t.last_used_at) if t.last_used_at else "never"]))


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id, from passport token list.")],
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Revoke a token now: the API refuses it, and the pages it signed in to end on their next request."""
    deployment = open_deployment(home, database_url)
    with transaction(deployment.engine) as session:
        revoke_token(session, token_id.strip(), actor=actor_of(operator(deployment), None))
    typer.echo(f"revoked {token_id.strip()}")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ") if moment is not None else "never"
