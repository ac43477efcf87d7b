"""The domain: versions and their chain, custody, storage, principals, access and the audit trail.

Nothing here reads configuration or knows about HTTP: every function takes explicit
values (keys, trust store, session, the acting principal). The home's HMAC keys for sign-in
codes and the audit trail travel with the deployment's engine (``passport.local_keys``).
"""

from passport.access import PERMISSIONS, require, require_on
from passport.audit import Actor, AuditCheck, check_audit_trail, verify_audit_chain
from passport.card import CARD_TYP, Alert, Card, card_alerts, card_changed, issue_card
from passport.chain import MAX_HISTORY_CHARS, History, KnownHead, verify_history
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
from passport.listing import Listed, ListingPage, list_passports
from passport.peer_auth import make_client_assertion, verify_client_assertion
from passport.peers import Peer, fetch_peer
from passport.principals import Principal, authenticate, create_person_principal, create_principal
from passport.qr import decode_image, jws_from_scan, qr_text, qr_version, render_png, render_svg
from passport.records import (
    StoredVersion,
    amend_passport,
    create_passport,
    get_current,
    get_version,
    hand_over,
    list_versions,
)
from passport.sharing import serve_view
from passport.storage import make_engine, transaction
from passport.transfer import ImportResult, import_history, pull_history
from passport.verification import Verification, verify_token, verify_versions
from passport.versions import VCT, Custody, Handover, Version, issue_version
from passport.views import Override, View, make_view

__all__ = [
    "CARD_TYP",
    "MAX_HISTORY_CHARS",
    "PERMISSIONS",
    "VCT",
    "Actor",
    "Alert",
    "AuditCheck",
    "Card",
    "Custody",
    "Deployment",
    "Handover",
    "History",
    "Identity",
    "ImportResult",
    "IssuerInfo",
    "KeyRing",
    "KnownHead",
    "Listed",
    "ListingPage",
    "Override",
    "Peer",
    "Principal",
    "StoredVersion",
    "Verification",
    "Version",
    "View",
    "amend_passport",
    "authenticate",
    "card_alerts",
    "card_changed",
    "check_audit_trail",
    "create_passport",
    "create_person_principal",
    "create_principal",
    "decode_image",
    "fetch_peer",
    "get_current",
    "get_version",
    "hand_over",
    "import_history",
    "init_identity",
    "issue_card",
    "issue_version",
    "jws_from_scan",
    "list_passports",
    "list_versions",
    "load_identity",
    "make_client_assertion",
    "make_engine",
    "make_view",
    "pull_history",
    "qr_text",
    "qr_version",
    "render_png",
    "render_svg",
    "require",
    "require_on",
    "revoke_key",
    "rotate_key",
    "serve_view",
    "transaction",
    "verify_audit_chain",
    "verify_client_assertion",
    "verify_history",
    "verify_token",
    "verify_versions",
]
