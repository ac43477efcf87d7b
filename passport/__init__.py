"""The domain: versions and their chain, custody, storage, principals, access and the audit trail.

Nothing here reads configuration or knows about HTTP: every function takes explicit
values (keys, trust store, session, the acting principal).
"""

from passport.access import PERMISSIONS, require, require_on
from passport.audit import Actor, AuditCheck, verify_audit_chain
from passport.chain import History, KnownHead, verify_history
from passport.deployment import Deployment
from passport.identity import (
    Identity,
    IssuerInfo,
    KeyRing,
    init_identity,
    load_identity,
    revoke_key,
    rotate_key,
)
from passport.principals import Principal, authenticate, create_principal
from passport.records import (
    StoredVersion,
    amend_passport,
    create_passport,
    get_current,
    get_version,
    hand_over,
    list_versions,
)
from passport.storage import make_engine, transaction
from passport.verification import Verification, verify_token, verify_versions
from passport.versions import VCT, Custody, Handover, Version, issue_version

__all__ = [
    "PERMISSIONS",
    "VCT",
    "Actor",
    "AuditCheck",
    "Custody",
    "Deployment",
    "Handover",
    "History",
    "Identity",
    "IssuerInfo",
    "KeyRing",
    "KnownHead",
    "Principal",
    "StoredVersion",
    "Verification",
    "Version",
    "amend_passport",
    "authenticate",
    "create_passport",
    "create_principal",
    "get_current",
    "get_version",
    "hand_over",
    "init_identity",
    "issue_version",
    "list_versions",
    "load_identity",
    "make_engine",
    "require",
    "require_on",
    "revoke_key",
    "rotate_key",
    "transaction",
    "verify_audit_chain",
    "verify_history",
    "verify_token",
    "verify_versions",
]
