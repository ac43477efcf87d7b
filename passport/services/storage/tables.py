"""The tables: every row class of the deployment's database (SQLModel)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


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
    card_face: str = Field(default="", max_length=64, description="a digest of what this version's card shows")
    printed_face: str | None = Field(default=None, max_length=64, description="the same, for the last card printed")


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
    """A code, printed by staff, with which a person signs in to their own pages; stored hashed. It works until the
    person signs out (or it expires): a session that ends by itself does not spend it (``passport.services.people``)."""

    __tablename__ = "sign_in_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    selector: str = Field(index=True, max_length=8, description="the code's first digits: whose code it claims to be")
    pid: str = Field(foreign_key="passport.pid", max_length=36)
    org: str = Field(max_length=40)
    created_by: str = Field(max_length=36)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    principal_id: str | None = Field(
        default=None, index=True, max_length=36, description="whom it signed in last; cleared when they sign out"
    )


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


class CorrectionDraftRow(SQLModel, table=True):
    """What a person was writing to care staff and has not sent yet, kept for them alone if their session ends."""

    __tablename__ = "correction_draft"

    pid: str = Field(primary_key=True, foreign_key="passport.pid", max_length=36)
    section: str | None = Field(default=None, max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    saved_at: datetime


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


class ReleaseNoticeRow(SQLModel, table=True):
    """A release notice this organisation owes a local authority, as custodian: what it says now (``seq`` grows
    with every change), what was delivered (``sent_seq``), and the authority's latest receipt."""

    __tablename__ = "release_notice"
    __table_args__ = (UniqueConstraint("pid", "destination", name="uq_release_notice_pid_destination"),)

    id: str = Field(primary_key=True, max_length=36)
    pid: str = Field(foreign_key="passport.pid", index=True, max_length=36)
    destination: str = Field(max_length=40)
    seq: int = 1
    cancelled: bool = False
    released: bool = False  # custody went to the authority on the day: nothing more to send
    expected_date: date | None = None
    release_type: str | None = Field(default=None, max_length=40)
    contact: str | None = Field(default=None, max_length=200)
    transition_assessment: bool = False
    sent_seq: int = 0
    first_sent_at: datetime | None = None
    sent_at: datetime | None = None
    attempts: int = 0
    failure: str | None = Field(default=None, max_length=40)  # the error code of the last failed delivery
    retry_at: datetime | None = None
    receipt_seq: int = 0
    step: str | None = Field(default=None, max_length=40)
    acknowledged_on: date | None = None
    declined_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    declined_suggested: str | None = Field(default=None, max_length=40)
    receipt_at: datetime | None = None
    updated_at: datetime


class ReceivedNoticeRow(SQLModel, table=True):
    """A release notice this organisation, a local authority, received: the newest revision as signed, what it
    says, and what the authority keeps of the person's arrival (its step, and its answer to send back)."""

    __tablename__ = "received_notice"

    id: str = Field(primary_key=True, max_length=36)
    sender: str = Field(index=True, max_length=40)
    pid: str = Field(index=True, max_length=36)
    seq: int
    notice: str = Field(sa_column=Column(Text, nullable=False))
    cancelled: bool = False
    expected_date: date | None = Field(default=None, index=True)
    release_type: str | None = Field(default=None, max_length=40)
    contact: str | None = Field(default=None, max_length=200)
    transition_assessment: bool = False
    has_view: bool = False
    latest_view: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # pulled since the notice
    pulled_at: datetime | None = None
    first_received_at: datetime
    received_at: datetime
    days_notice: int | None = None  # from the first notice to the expected date
    step: str = Field(default="received", max_length=40)
    acknowledged_on: date | None = None
    declined_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    declined_suggested: str | None = Field(default=None, max_length=40)
    receipt_seq: int = 0
    receipt_sent_seq: int = 0
    receipt_attempts: int = 0
    receipt_failure: str | None = Field(default=None, max_length=40)
    receipt_retry_at: datetime | None = None
