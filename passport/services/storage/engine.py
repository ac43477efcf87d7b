"""The database engine and its transactions: SQLite by default, PostgreSQL by URL.

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

from sqlalchemy import event, insert, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Session, SQLModel, create_engine

from passport.core.private_files import PRIVATE_FILE_MODE, restrict_sqlite_files
from passport.services.storage.tables import AuditHead
from schemas.errors import ConfigurationError, PassportError, StaleVersion


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite hands times back without their zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
