"""Storage: the tables (``tables``) and the engine and its transactions (``engine``). The only place in the project
that holds row classes and SQL; the rest of the services import them from here, api/ and cli/ never do."""

from passport.services.storage.engine import (
    as_utc,
    database_url_for,
    make_engine,
    private_sqlite_database,
    reading,
    transaction,
    translate_db_error,
    utcnow,
)
from passport.services.storage.tables import (
    AuditHead,
    AuditRow,
    CorrectionDraftRow,
    CorrectionRow,
    ListEntryRow,
    OverrideRow,
    PassportRow,
    PrincipalRow,
    SeenAssertionRow,
    SignInAttemptRow,
    SignInCodeRow,
    TrustedPeerRow,
    VersionRow,
    WebSessionRow,
)

__all__ = [
    "AuditHead",
    "AuditRow",
    "CorrectionDraftRow",
    "CorrectionRow",
    "ListEntryRow",
    "OverrideRow",
    "PassportRow",
    "PrincipalRow",
    "SeenAssertionRow",
    "SignInAttemptRow",
    "SignInCodeRow",
    "TrustedPeerRow",
    "VersionRow",
    "WebSessionRow",
    "as_utc",
    "database_url_for",
    "make_engine",
    "private_sqlite_database",
    "reading",
    "transaction",
    "translate_db_error",
    "utcnow",
]
