"""Tables and the database engine: SQLite by default, PostgreSQL by URL.

Versions are append-only rows holding the SD-JWT exactly as issued, unique on (pid, ver).
Writes are serialised where they must be: on SQLite every transaction begins IMMEDIATE
(one writer at a time, no lost upgrade from reader to writer), and on PostgreSQL the
optimistic ``UPDATE ... WHERE current_ver = :expected`` and the unique index decide races.
Foreign database errors become ours in :func:`translate_db_error`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Index, String, Text, UniqueConstraint, event, insert, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, create_engine

from passport.core.private_files import PRIVATE_FILE_MODE, restrict_sqlite_files
from schemas.errors import ConfigurationError, PassportError, StaleVersion


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands times back without their zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class PassportRow(SQLModel, table=True):
    """A passport this deployment holds: who holds it here and which version is current."""

    __tablename__ = "passport"

    pid: str = Field(primary_key=True, max_length=36)
    holder_org: str = Field(index=True, max_length=40)
    current_ver: int
    custodian: str = Field(max_length=40)
    created_at: datetime
    updated_at: datetime


class VersionRow(SQLModel, table=True):
    """One version, append-only: the SD-JWT as issued and the content it disclosed, for reads."""

    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("pid", "ver", name="uq_version_pid_ver"),)

    id: int | None = Field(default=None, primary_key=True)
    pid: str = Field(foreign_key="passport.pid", max_length=36)
    ver: int
    digest: str = Field(unique=True, max_length=43)
    prev: str | None = Field(default=None, max_length=43)
    issuer: str = Field(max_length=40)
    custody_next: str | None = Field(default=None, max_length=40)
    issued_at: datetime
    sd_jwt: str = Field(sa_column=Column(Text, nullable=False))
    content_json: str = Field(sa_column=Column(Text, nullable=False))


# Sorted by code point on both databases (PostgreSQL would otherwise follow its server's locale), so a list's
# order, and so which passports land on which page, does not depend on where it is stored.
_SORTED_TEXT = String(200).with_variant(String(200, collation="C"), "postgresql")


class ListEntryRow(SQLModel, table=True):
    """What the staff list shows and searches of a passport's newest version, derived when a version is stored,
    so that a list never reads an SD-JWT or a whole content (see :mod:`passport.services.list_entries`)."""

    __tablename__ = "list_entry"
    __table_args__ = (Index("ix_list_entry_order", "sort_name", "pid"),)

    pid: str = Field(primary_key=True, foreign_key="passport.pid", max_length=36)
    ver: int
    name: str = Field(sa_column=Column(Text, nullable=False))
    noms: str = Field(default="", max_length=20)
    sort_name: str = Field(sa_column=Column(_SORTED_TEXT, nullable=False))
    search_text: str = Field(sa_column=Column(Text, nullable=False))


class PersonIdentifierRow(SQLModel, table=True):
    """One identifier of the person in a passport's newest version (prison, NHS, CHI or PNC number, normalised),
    kept beside the list entry so that a second passport for the same person is found by an index, not a scan
    (see :mod:`passport.services.duplicates`)."""

    __tablename__ = "person_identifier"
    __table_args__ = (Index("ix_person_identifier_value", "system", "value"),)

    pid: str = Field(primary_key=True, foreign_key="passport.pid", max_length=36)
    system: str = Field(primary_key=True, max_length=8)
    value: str = Field(primary_key=True, max_length=20)


class PrincipalRow(SQLModel, table=True):
    """A bearer-token principal: organisation and role; the token itself is stored only as a hash."""

    __tablename__ = "principal"

    id: str = Field(primary_key=True, max_length=36)
    token_hash: str = Field(unique=True, max_length=64)
    org: str = Field(max_length=40)
    role: str = Field(max_length=20)
    audience: str | None = Field(default=None, max_length=20)
    person_pid: str | None = Field(default=None, max_length=36, description="for role person: their passport")
    name: str = Field(default="", max_length=200)
    created_at: datetime
    expires_at: datetime | None = None
    last_used_at: datetime | None = Field(default=None, description="to the nearest few minutes")
    revoked_at: datetime | None = None


class TrustedPeerRow(SQLModel, table=True):
    """Another organisation this deployment trusts: its metadata and pinned keys as one JSON document."""

    __tablename__ = "trusted_peer"

    org_id: str = Field(primary_key=True, max_length=40)
    name: str = Field(default="", max_length=300)
    kind: str = Field(default="", max_length=40)
    base_url: str = Field(default="", max_length=300)
    document: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    added_at: datetime
    updated_at: datetime | None = None


class SeenAssertionRow(SQLModel, table=True):
    """A peer's client assertion ``jti`` already used, kept until it expires (RFC 7523 s.3 replay check)."""

    __tablename__ = "seen_assertion"

    jti: str = Field(primary_key=True, max_length=200)
    issuer: str = Field(max_length=40)
    expires_at: datetime


class SignInCodeRow(SQLModel, table=True):
    """A one-time code, printed by staff, with which a person signs in to their own pages; stored hashed."""

    __tablename__ = "sign_in_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    selector: str = Field(index=True, max_length=8, description="the code's first digits: whose code it claims to be")
    pid: str = Field(foreign_key="passport.pid", max_length=36)
    org: str = Field(max_length=40)
    created_by: str = Field(max_length=36)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class WebSessionRow(SQLModel, table=True):
    """A signed-in browser: the principal, its CSRF token, and when it was last used (for the idle timeout)."""

    __tablename__ = "web_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    principal_id: str = Field(max_length=36)
    org: str = Field(max_length=40)
    role: str = Field(max_length=20)
    person_pid: str | None = Field(default=None, max_length=36)
    name: str = Field(default="", max_length=200)
    csrf: str = Field(max_length=64)
    created_at: datetime
    last_seen: datetime


class SignInAttemptRow(SQLModel, table=True):
    """A sign-in on the pages that has not (yet) succeeded, counted under a hash of what it is counted against
    (one form, and the client's address or the code it tried): the rate limits, shared by every worker process."""

    __tablename__ = "sign_in_attempt"

    id: int | None = Field(default=None, primary_key=True)
    counter_hash: str = Field(index=True, max_length=64)
    at: datetime


class CorrectionRow(SQLModel, table=True):
    """A person's report that something in their passport is wrong, for care staff to act on."""

    __tablename__ = "correction_request"

    id: int | None = Field(default=None, primary_key=True)
    pid: str = Field(foreign_key="passport.pid", index=True, max_length=36)
    section: str | None = Field(default=None, max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=36)


class OverrideRow(SQLModel, table=True):
    """A safety-critical disclosure beyond consent, to one recipient, with its lawful basis and reason."""

    __tablename__ = "disclosure_override"

    id: int | None = Field(default=None, primary_key=True)
    pid: str = Field(foreign_key="passport.pid", index=True, max_length=36)
    recipient: str = Field(max_length=40)
    audience: str = Field(max_length=20)
    targets_json: str = Field(sa_column=Column(Text, nullable=False))
    lawful_basis: str = Field(max_length=40)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str = Field(max_length=36)
    created_at: datetime
    expires_at: datetime


class AuditRow(SQLModel, table=True):
    """One audited event; each row carries the hash of the one before (a tamper-evident chain)."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_pid_seq", "pid", "seq"),)

    seq: int = Field(primary_key=True)
    at: datetime
    principal_id: str | None = Field(default=None, max_length=36)
    org: str | None = Field(default=None, max_length=40)
    role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=40)
    outcome: str = Field(max_length=40)
    pid: str | None = Field(default=None, max_length=36)
    ver: int | None = None
    source: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The newest audit row's number and hash, sealed with the home's audit key (empty before the first row);
    locked by every audited write so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    row_hash: str = Field(default="0" * 64, max_length=64)
    seal: str = Field(default="", max_length=64)


_READ_ONLY = "care_passport_read_only"


def database_url_for(home: Path) -> str:
    """The default database: SQLite in the passport home."""
    return f"sqlite:///{home / 'passport.db'}"


def private_sqlite_database(url: str) -> None:
    """For a SQLite URL naming a file: create it mode 0600 before SQLite does, and restrict what is there.

    SQLite creates ``-wal`` and ``-shm`` with the permissions of the database file, so they follow.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    except OSError as exc:
        raise ConfigurationError("cannot create the database file") from exc
    restrict_sqlite_files(path)


def make_engine(url: str) -> Engine:
    """An engine for SQLite or PostgreSQL, with the tables created if missing (a SQLite file is mode 0600)."""
    if url.startswith("sqlite"):
        private_sqlite_database(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    elif url.startswith("postgresql"):
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    else:
        raise ConfigurationError("the database URL must be sqlite:/// or postgresql+psycopg://")
    try:
        _set_up(engine)
    except SQLAlchemyError as exc:
        raise ConfigurationError("the database cannot be reached or set up") from exc
    return engine


# The audit trail is append-only in the database itself, not only in our code: an UPDATE or DELETE of an
# audit row fails. (Someone with the rights to drop these triggers is still caught by the hash chain.)
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
]
_POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$",
    "CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
]


def _set_up(engine: Engine) -> None:
    """Create what is missing: tables, the append-only triggers, the audit head. Safe to run at once from many
    processes (serve --workers N): PostgreSQL takes an advisory lock, SQLite's BEGIN IMMEDIATE is one already."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7243001)")
        SQLModel.metadata.create_all(connection)
        _refuse_older_schema(connection)
        for statement in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
            connection.exec_driver_sql(statement)
        if connection.exec_driver_sql("SELECT id FROM audit_head").first() is None:
            connection.execute(insert(AuditHead).values(id=1, seq=0, row_hash="0" * 64, seal=""))


def _refuse_older_schema(connection: Connection) -> None:
    """A database made by an older version lacks columns this one needs: say so in one line, rather than fail
    on the first request that touches them (there are no migrations before the first release)."""
    existing = inspect(connection)
    for table in SQLModel.metadata.sorted_tables:
        have = {column["name"] for column in existing.get_columns(table.name)}
        missing = sorted(column.name for column in table.columns if column.name not in have)
        if missing:
            raise ConfigurationError(
                f"the database was made by an older version of Care Passport (table {table.name} has no "
                f"{', '.join(missing)}); start with a new database"
            )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # A reader (see `reading`) needs no write lock; every other transaction takes it at once.
    read_only = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed if the block succeeds, rolled back whole if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except PassportError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate_db_error(exc) from exc


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A transaction that only reads (on SQLite it takes no write lock, so readers never queue behind writers)."""
    with Session(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise translate_db_error(exc) from exc


def translate_db_error(exc: SQLAlchemyError) -> PassportError:
    """The one place where database errors become ours."""
    if isinstance(exc, IntegrityError):
        # The unique (pid, ver) index lost a race for us: someone else wrote that version first.
        return StaleVersion("another change was saved first; read the passport again")
    if isinstance(exc, OperationalError):
        return ConfigurationError("the database is unavailable")
    return ConfigurationError("the database refused the operation")
