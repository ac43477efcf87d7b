"""``passport trust``: the other organisations this one trusts, by their keys (pinned by thumbprint, exported
and imported as a trust list for a desk with no network)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer

from cli.options import DEFAULT_HOME, DatabaseOption, HomeOption, open_deployment, read_file, write_file
from passport.services import (
    check_pinned,
    export_trust_list,
    fetch_peer,
    list_peers,
    own_peer,
    parse_trust_list,
    reading,
    save_peer,
    transaction,
)
from schemas.errors import InvalidRequest, UntrustedIssuer

trust_app = typer.Typer(help="Trusted peers: other organisations' keys.", no_args_is_help=True)


@trust_app.command("add")
def trust_add(
    url: Annotated[str, typer.Argument(help="The peer's base URL, e.g. http://127.0.0.1:8001")],
    expect_thumbprint: Annotated[
        list[str] | None,
        typer.Option("--expect-thumbprint", help="Pin without asking: a key thumbprint checked with the peer."),
    ] = None,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Fetch a peer's issuer metadata and keys, show their thumbprints, and pin them."""
    deployment = open_deployment(home, database_url)
    with httpx.Client() as client:
        peer = fetch_peer(url, client=client)
    typer.echo(f"{peer.name} ({peer.org_id}) at {peer.base_url}")
    for thumbprint in peer.thumbprints:
        typer.echo(f"  key {thumbprint}")
    if expect_thumbprint:
        check_pinned(peer, expect_thumbprint)
    elif not sys.stdin.isatty() or not typer.confirm("Do these thumbprints match what the peer told you?"):
        raise UntrustedIssuer("not trusted: check the thumbprints with the peer, or pass --expect-thumbprint")
    with transaction(deployment.engine) as session:
        save_peer(session, peer, identity=deployment.identity)
    typer.echo(f"trusted {peer.org_id}")


@trust_app.command("list")
def trust_list(home: HomeOption = DEFAULT_HOME, database_url: DatabaseOption = None) -> None:
    """The trusted peers and their key thumbprints."""
    deployment = open_deployment(home, database_url)
    with reading(deployment.engine) as session:
        found = list_peers(session)
    for peer in found:
        revoked = peer.revoked
        keys = ", ".join(f"{k}{' (revoked)' if k in revoked else ''}" for k in peer.thumbprints)
        typer.echo(f"{peer.org_id}\t{peer.name}\t{peer.base_url}\t{keys}")


@trust_app.command("export")
def trust_export(
    file: Annotated[Path, typer.Argument(help="Where to write the trust list.")],
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Write the trusted peers, and this organisation, to a file for a desk with no network."""
    deployment = open_deployment(home, database_url)
    with reading(deployment.engine) as session:
        document = export_trust_list(list_peers(session), own=own_peer(deployment.identity))
    write_file(file, json.dumps(document, indent=2).encode("utf-8"))
    typer.echo(f"wrote {len(document['peers'])} organisations to {file.name}")


@trust_app.command("import")
def trust_import(
    file: Annotated[Path, typer.Argument(help="A trust list written by 'passport trust export'.")],
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Trust every organisation in an exported trust list (this organisation's own entry is skipped)."""
    deployment = open_deployment(home, database_url)
    try:
        found = parse_trust_list(json.loads(read_file(file)))
    except ValueError as exc:
        raise InvalidRequest(f"{file.name} is not JSON") from exc
    own = deployment.identity.org_id
    with transaction(deployment.engine) as session:
        for peer in found:
            if peer.org_id != own:
                save_peer(session, peer, identity=deployment.identity)
    typer.echo(f"trusted {sum(p.org_id != own for p in found)} organisations from {file.name}")
