"""The ``passport`` command.

Every command honours ``PASSPORT_HOME`` (default ./var) and ``PASSPORT_DATABASE_URL``
(default SQLite in the home). A failure prints one line, ``error: <code>: <what went wrong>``,
on standard error and exits non-zero; never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from cli.options import (
    DEFAULT_HOME,
    DatabaseOption,
    HomeOption,
    open_deployment,
    operator,
    read_file,
    resolve_database_url,
    write_file,
)
from cli.releases import releases_app
from cli.tokens import token_app
from cli.trust import trust_app
from crypto import TrustStore
from passport.core import (
    ORG_KINDS,
    Card,
    IssuerInfo,
    decode_image,
    init_identity,
    load_identity,
    qr_version,
    render_png,
    render_svg,
    revoke_key,
    rotate_key,
    verify_token,
    verify_versions,
)
from passport.services import (
    check_audit_trail,
    current_card,
    import_passport,
    make_engine,
    reading,
    transaction,
)
from schemas.errors import ConfigurationError, InvalidRequest, PassportError

app = typer.Typer(
    name="passport",
    help="Care Passport: signed, versioned care passports for people in prison.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(token_app, name="token")
app.add_typer(releases_app, name="releases")
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(trust_app, name="trust")
key_app = typer.Typer(help="This organisation's signing keys.", no_args_is_help=True)
app.add_typer(key_app, name="key")


@app.command()
def init(
    org_id: Annotated[str, typer.Option("--org-id", help="e.g. prison:WYI, la:E08000012")],
    name: Annotated[str, typer.Option("--name", help="e.g. 'HMP Wymott'")],
    kind: Annotated[str, typer.Option("--kind", help="|".join(ORG_KINDS))],
    base_url: Annotated[str, typer.Option("--base-url")] = "http://127.0.0.1:8000",
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Create this organisation's identity and first signing key (refuses to overwrite)."""
    if kind not in ORG_KINDS:
        raise InvalidRequest(f"--kind must be one of {', '.join(ORG_KINDS)}")
    info = IssuerInfo(org_id=org_id, name=name, kind=kind, base_url=base_url)
    identity = init_identity(home.resolve(), info, now=int(time.time()))
    make_engine(resolve_database_url(home, database_url)).dispose()
    typer.echo(f"created {identity.org_id} ({info.name}) with signing key {identity.keyring.active.kid}")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Run the service."""
    import uvicorn

    from api.app import SERVER_OPTIONS
    from api.settings import Settings

    resolved = home.resolve()
    identity = load_identity(resolved)  # fail here, in one line, if there is no identity
    os.environ["PASSPORT_HOME"] = str(resolved)
    os.environ["PASSPORT_DATABASE_URL"] = resolve_database_url(home, database_url)
    Settings.from_env()  # fail here, in one line, if a setting is wrong
    make_engine(os.environ["PASSPORT_DATABASE_URL"]).dispose()  # create the tables once, before workers start
    typer.echo(f"{identity.info.name} ({identity.org_id}) serving on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run("api.app:app_from_env", factory=True, host=host, port=port, workers=workers, **SERVER_OPTIONS)


@app.command()
def verify(
    source: Annotated[str, typer.Argument(help="A file, or - for standard input.")],
    jwks: Annotated[
        list[Path] | None, typer.Option("--jwks", help="A JWK Set file to trust (with --issuer); repeatable.")
    ] = None,
    issuer: Annotated[
        list[str] | None, typer.Option("--issuer", help="The organisation each --jwks belongs to.")
    ] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="For a view: who it must be for.")] = None,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Verify a card, a version, a view or a history, offline; print what was verified as JSON; exit 1 if it fails."""
    text = sys.stdin.read() if source == "-" else read_file(Path(source))
    resolved = home.resolve()
    trust = _offline_trust(resolved, database_url, jwks or [], issuer or [])
    now = int(time.time())
    payload = _submission(text)
    if isinstance(payload, list):
        typer.echo(verify_versions(payload, trust=trust, now=now).to_public().model_dump_json(indent=2))
    elif payload.startswith("cp:/") or ("~" not in payload and payload.count(".") == 2):
        typer.echo(json.dumps(_card_json(Card.from_scan(payload, trust=trust, now=now)), indent=2))
    else:
        own = _own_org(resolved)
        result = verify_token(payload, trust=trust, audience=audience or own or "", now=now)
        typer.echo(result.to_public().model_dump_json(indent=2))


@audit_app.command("verify")
def audit_verify(home: HomeOption = DEFAULT_HOME, database_url: DatabaseOption = None) -> None:
    """Recompute the audit trail's keyed hash chain; exit 1 if any row was changed, removed, reordered or re-hashed."""
    deployment = open_deployment(home, database_url)
    with reading(deployment.engine) as session:
        checked = check_audit_trail(session)
    typer.echo(f"audit trail intact: {checked.rows} rows, newest hash {checked.head_hash}")


@app.command()
def card(
    pid: Annotated[str, typer.Argument(help="The passport id.")],
    png: Annotated[Path | None, typer.Option("--png", help="Write the card as a PNG image here.")] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Write the card as an SVG image here.")] = None,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Render the passport card (a signed QR code) of a passport held here."""
    if png is None and svg is None:
        raise InvalidRequest("say where to write the card: --png FILE and/or --svg FILE")
    deployment = open_deployment(home, database_url)
    identity = deployment.identity
    with transaction(deployment.engine) as session:
        jws = current_card(session, identity=identity, principal=operator(deployment), pid=pid, now=int(time.time()))
    if png is not None:
        write_file(png, render_png(jws))
    if svg is not None:
        write_file(svg, render_svg(jws).encode("utf-8"))
    typer.echo(f"card: {len(jws)} characters, QR version {qr_version(jws)}")


@app.command()
def scan(
    image: Annotated[Path, typer.Argument(help="A photo or scan of a passport card.")],
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Decode a card from an image and verify it offline with the keys held here; print it as JSON."""
    deployment = open_deployment(home, database_url)
    try:
        data = image.read_bytes()
    except OSError as exc:
        raise InvalidRequest(f"cannot read {image.name}") from exc
    found = Card.from_scan(decode_image(data), trust=deployment.trust_store(), now=int(time.time()))
    typer.echo(json.dumps(_card_json(found), indent=2))


@app.command("import")
def import_record(
    source: Annotated[
        str | None, typer.Argument(help="A card as a scanner types it, a file of one or of a history, or -.")
    ] = None,
    notice: Annotated[
        str | None, typer.Option("--notice", help="On release: the id of a release notice received here.")
    ] = None,
    home: HomeOption = DEFAULT_HOME,
    database_url: DatabaseOption = None,
) -> None:
    """Import a passport: from its card (pulling the whole record from the issuer), from a handed-over history, or
    on release from a notice received here (pulling the whole record from the prison that sent it)."""
    if (source is None) == (notice is None):
        raise InvalidRequest("give a card, a file or -, or --notice ID")
    text = None if source is None else sys.stdin.read() if source == "-" else source
    if source != "-" and text is not None and not text.startswith("cp:/"):
        text = read_file(Path(text))
    submitted = _submission(text) if text is not None else None
    deployment = open_deployment(home, database_url)
    result = import_passport(
        deployment,
        principal=operator(deployment),
        card=submitted if isinstance(submitted, str) else None,
        history=submitted if isinstance(submitted, list) else None,
        notice=notice.strip() if notice else None,
    )
    moved_on = f"; the card showed version {result.card_ver}" if result.moved_on else ""
    typer.echo(f"imported {result.pid}: version {result.ver}, {result.new_versions} new here{moved_on}")


@key_app.command("rotate")
def key_rotate(home: HomeOption = DEFAULT_HOME) -> None:
    """Make a new active signing key; the old one stays published so what it signed still verifies."""
    identity = rotate_key(load_identity(home.resolve()), now=int(time.time()))
    typer.echo(f"active key is now {identity.keyring.active.kid}")


# A kid is base64url, so it may begin with "-": taken as the argument, not as an unknown option.
@key_app.command("revoke", context_settings={"ignore_unknown_options": True})
def key_revoke(
    kid: Annotated[str, typer.Argument(help="The key's thumbprint.")], home: HomeOption = DEFAULT_HOME
) -> None:
    """Revoke a retired key from now: anything it signs from now on fails verification."""
    revoke_key(load_identity(home.resolve()), kid, now=int(time.time()))
    typer.echo(f"revoked {kid}")


@app.command()
def openapi() -> None:
    """Print the OpenAPI document."""
    from api.app import build_app

    typer.echo(json.dumps(build_app().openapi(), indent=2, sort_keys=True))


def _card_json(found: Card) -> dict[str, Any]:
    return {
        "kind": "card",
        "issuer": found.issuer,
        "pid": found.pid,
        "ver": found.ver,
        "digest": found.digest,
        "issued_at": found.issued_at,
        "expires_at": found.expires_at,
        "name": found.name,
        "noms": found.noms,
        "date_of_birth": found.date_of_birth,
        "alerts": [{"code": a.code, "text": a.text} for a in found.alerts],
    }


def _submission(text: str) -> str | list[str]:
    """A bare SD-JWT, or JSON as the API gives it: {"sd_jwt"}, {"history"} or {"sd_jwts"}."""
    text = text.strip()
    if not text.startswith("{"):
        return text
    try:
        body: Any = json.loads(text)
    except ValueError as exc:
        raise InvalidRequest("the input is neither an SD-JWT nor JSON") from exc
    for key in ("history", "sd_jwts"):
        if isinstance(body.get(key), list) and all(isinstance(t, str) for t in body[key]):
            return list(body[key])
    if isinstance(body.get("sd_jwt"), str):
        return str(body["sd_jwt"])
    raise InvalidRequest('the JSON has no "sd_jwt", "history" or "sd_jwts"')


def _offline_trust(home: Path, database_url: str | None, jwks_files: list[Path], issuers: list[str]) -> TrustStore:
    """The home's own keys and trusted peers (if it has an identity), and any --jwks given."""
    if len(jwks_files) != len(issuers):
        raise InvalidRequest("give one --issuer for each --jwks")
    trust = TrustStore()
    if (home / "issuer.json").exists():
        deployment = open_deployment(home, database_url)
        trust = deployment.trust_store()
        deployment.engine.dispose()
    for path, org in zip(jwks_files, issuers, strict=True):
        try:
            document = json.loads(read_file(path))
        except ValueError as exc:
            raise InvalidRequest(f"{path.name} is not JSON") from exc
        trust = trust.merged(TrustStore.from_jwks(org, document))
    if not len(trust):
        raise ConfigurationError("no keys to verify with: run in a home with an identity, or give --jwks")
    return trust


def _own_org(home: Path) -> str | None:
    return load_identity(home).org_id if (home / "issuer.json").exists() else None


def main() -> None:
    """Entry point: run the command; any of our errors is one line on stderr and exit status 1."""
    try:
        code = app(standalone_mode=False)
    except PassportError as exc:
        typer.echo(f"error: {exc.diagnostics()}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("error: aborted", err=True)
        sys.exit(130)
    except TyperException as exc:  # usage errors: an unknown command, a missing option
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"error: usage: {message}", err=True)
        sys.exit(2)
    except Exception as exc:  # anything unexpected: one line, never a traceback
        typer.echo(f"error: internal_error: {type(exc).__name__}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
