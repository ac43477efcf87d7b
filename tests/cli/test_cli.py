"""The `passport` command as a person runs it: real processes, one-line errors, non-zero exits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from crypto import SdJwt
from passport.services.deployment import Deployment
from passport.services.principals import Principal
from passport.services.records import create_passport
from passport.services.storage import transaction
from schemas import parse_content
from tests.cli.command import one_line_error, passport


@pytest.fixture
def issued(home: Path, reference: dict[str, Any]) -> str:
    """A version issued in that home."""
    deployment = Deployment.open(home=home, database_url=f"sqlite:///{home / 'passport.db'}")
    staff = Principal("staff", "prison:WYI", "care_staff")
    with transaction(deployment.engine) as session:
        stored = create_passport(
            session, identity=deployment.identity, principal=staff, content=parse_content(reference), now=1_790_000_000
        )
    deployment.engine.dispose()
    return stored.sd_jwt


def test_init_creates_a_0600_key_and_refuses_to_overwrite(home: Path) -> None:
    """The private key is owner-only; a second init is one line and exit 1, and changes nothing."""
    keys = list((home / "keys").glob("*.pem"))
    assert len(keys) == 1 and keys[0].stat().st_mode & 0o777 == 0o600
    before = (home / "issuer.json").read_text()
    again = passport("init", "--org-id", "prison:RSY", "--name", "HMP Risley", "--kind", "prison", home=home)
    one_line_error(again, "already_exists")
    assert (home / "issuer.json").read_text() == before


def test_init_refuses_bad_input(tmp_path: Path) -> None:
    """A wrong id or kind: one line, exit 1, nothing created."""
    result = passport("init", "--org-id", "WYI", "--name", "HMP Wymott", "--kind", "prison", home=tmp_path / "h")
    one_line_error(result, "invalid_request")
    result = passport("init", "--org-id", "prison:WYI", "--name", "x", "--kind", "castle", home=tmp_path / "h")
    one_line_error(result, "invalid_request")
    assert not (tmp_path / "h" / "issuer.json").exists()


def test_token_create_prints_the_token_and_nothing_else(home: Path) -> None:
    """Standard output is exactly one token line, usable in scripts."""
    result = passport("token", "create", "--role", "care_staff", home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("cpt_") and result.stdout.count("\n") == 1 and " " not in result.stdout.strip()
    one_line_error(passport("token", "create", "--role", "governor", home=home), "invalid_request")
    one_line_error(passport("token", "create", "--role", "authority", home=home), "invalid_request")


def test_commands_without_an_identity_say_so(tmp_path: Path) -> None:
    """No `passport init` yet: a clear one-line error."""
    one_line_error(passport("token", "create", "--role", "care_staff", home=tmp_path / "none"), "configuration_error")


def test_verify_prints_what_was_verified(home: Path, issued: str, tmp_path: Path) -> None:
    """A version from a file and from standard input: issuer, version and sections as JSON."""
    (tmp_path / "v1.sdjwt").write_text(issued)
    for result in (
        passport("verify", str(tmp_path / "v1.sdjwt"), home=home),
        passport("verify", "-", home=home, stdin=issued),
    ):
        assert result.returncode == 0, result.stderr
        verified = json.loads(result.stdout)
        assert (verified["kind"], verified["issuer"], verified["ver"]) == ("version", "prison:WYI", 1)
        assert "needs" in verified["disclosed"]["sections"] and "n5" in verified["disclosed"]["items"]


def test_verify_fails_in_one_line_with_exit_1(home: Path, issued: str, tmp_path: Path) -> None:
    """A damaged signature, an unknown issuer, garbage, a missing file: one line each, exit 1."""
    jwt = SdJwt.parse(issued).issuer_jwt
    damaged = issued.replace(jwt, jwt[:-4] + ("AAAA" if not jwt.endswith("AAAA") else "BBBB"))
    one_line_error(passport("verify", "-", home=home, stdin=damaged), "signature_invalid")
    one_line_error(passport("verify", "-", home=home, stdin="not a token"), "malformed_token")
    one_line_error(passport("verify", str(tmp_path / "missing.txt"), home=home), "invalid_request")
    other = tmp_path / "risley"
    assert (
        passport("init", "--org-id", "prison:RSY", "--name", "HMP Risley", "--kind", "prison", home=other).returncode
        == 0
    )
    one_line_error(passport("verify", "-", home=other, stdin=issued), "unknown_key")


def test_usage_errors_are_one_line(home: Path) -> None:
    """An unknown command or a missing option: one line, non-zero, no traceback."""
    result = passport("frobnicate", home=home)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: usage:")


def test_openapi_prints_the_committed_document(home: Path) -> None:
    """`passport openapi` is where openapi/openapi.json comes from."""
    result = passport("openapi", home=home)
    committed = (Path(__file__).parents[2] / "openapi" / "openapi.json").read_text()
    assert json.loads(result.stdout) == json.loads(committed)


def test_audit_verify_detects_a_changed_row(home: Path, issued: str) -> None:
    """Intact: exit 0 with the row count. After someone with database rights alters a row: one line, exit 1."""
    intact = passport("audit", "verify", home=home)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("audit trail intact: 1 rows")
    engine = create_engine(f"sqlite:///{home / 'passport.db'}")
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("UPDATE audit SET org = 'prison:XXX' WHERE seq = 1"))
    engine.dispose()
    one_line_error(passport("audit", "verify", home=home), "audit_tampered")


def test_import_refuses_what_does_not_verify_in_one_line(home: Path, issued: str, tmp_path: Path) -> None:
    """A changed card or history: one line, exit 1, nothing stored, and the refusal audited as an import."""
    before = _table_counts(home)
    jwt, _, disclosures = issued.partition("~")
    middle = len(jwt) - 20  # a character inside the issuer's signature
    forged = jwt[:middle] + ("A" if jwt[middle] != "A" else "B") + jwt[middle + 1 :] + "~" + disclosures
    history = tmp_path / "history.json"
    history.write_text(json.dumps({"history": [forged]}))
    one_line_error(passport("import", str(history), home=home), "signature_invalid")
    one_line_error(passport("import", "cp:/not-a-card", home=home), "malformed_token")
    after = _table_counts(home)
    assert after["version"] == before["version"] and after["passport"] == before["passport"]
    assert after["audit"] == before["audit"] + 2  # the two refusals, and nothing else


TABLES = ("version", "passport", "audit")


def _table_counts(home: Path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{home / 'passport.db'}")
    with engine.connect() as connection:
        query = {t: text(f"SELECT count(*) FROM {t}") for t in TABLES}  # noqa: S608 - our own table names
        counts = {t: connection.execute(q).scalar_one() for t, q in query.items()}
    engine.dispose()
    return counts
