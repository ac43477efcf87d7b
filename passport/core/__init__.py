"""The signed core: versions and their hash chain, custody, views, the card and its QR code, verification,
and the organisation's signing identity. No database here: every function takes explicit values (keys, trust
store, the time) and returns signed objects or what verifying them proved.

This module is the core's one face: api/, cli/ and the services use what ``__all__`` names.
"""

from passport.core.card import (
    CARD_TYP,
    DEFAULT_TTL_SECONDS,
    Alert,
    Card,
    card_alerts,
    card_changed,
    card_face,
    issue_card,
    unsafe_claimed_issuer,
)
from passport.core.chain import MAX_HISTORY_CHARS, History, KnownHead, verify_history
from passport.core.fhir import fhir_bundle
from passport.core.identity import (
    ORG_KINDS,
    Identity,
    IssuerInfo,
    KeyRing,
    init_identity,
    load_identity,
    revoke_key,
    rotate_key,
)
from passport.core.notices import transition_assessment_due
from passport.core.qr import MAX_IMAGE_BYTES, decode_image, jws_from_scan, qr_text, qr_version, render_png, render_svg
from passport.core.verification import Verification, verify_token, verify_versions
from passport.core.versions import PID_PATTERN, VCT, Custody, Handover, HandoverReason, Version, issue_version
from passport.core.views import Override, View, make_view

__all__ = [
    "CARD_TYP",
    "DEFAULT_TTL_SECONDS",
    "MAX_HISTORY_CHARS",
    "MAX_IMAGE_BYTES",
    "ORG_KINDS",
    "PID_PATTERN",
    "VCT",
    "Alert",
    "Card",
    "Custody",
    "Handover",
    "HandoverReason",
    "History",
    "Identity",
    "IssuerInfo",
    "KeyRing",
    "KnownHead",
    "Override",
    "Verification",
    "Version",
    "View",
    "card_alerts",
    "card_changed",
    "card_face",
    "decode_image",
    "fhir_bundle",
    "init_identity",
    "issue_card",
    "issue_version",
    "jws_from_scan",
    "load_identity",
    "make_view",
    "qr_text",
    "qr_version",
    "render_png",
    "render_svg",
    "revoke_key",
    "rotate_key",
    "transition_assessment_due",
    "unsafe_claimed_issuer",
    "verify_history",
    "verify_token",
    "verify_versions",
]
