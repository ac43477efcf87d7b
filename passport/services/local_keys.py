"""Secret keys that stay in the home and never enter the database.

Two random 32-byte keys in ``<home>/keys/``, each a file of mode 0600 made on first use:

- ``sign-in-codes.key`` keys the hash of a person's one-time sign-in code, so a copy of the database does not
  give working codes (ten digits are too few for an unkeyed hash: all 10^10 are tried in minutes), nor the
  addresses the sign-in limits count;
- ``audit.key`` keys the audit trail's row hashes and the seal on its head, so someone who can write the
  database but cannot read this directory cannot rewrite the trail and have it verify.

The deployment loads them once and binds them to its database engine (:func:`bind`); code that holds a session
of that engine reaches them with :func:`bound_to`. An engine without them refuses to hash a code or extend the
audit trail rather than fall back to an unkeyed hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from passport.core.private_files import PRIVATE_FILE_MODE, private_dir
from schemas.errors import ConfigurationError, InsecureKeyFile

KEY_BYTES = 32  # HMAC-SHA256: a key as long as the hash (RFC 2104 s.3)
CODE_KEY_FILE = "sign-in-codes.key"
AUDIT_KEY_FILE = "audit.key"
_BOUND = "care_passport_local_keys"


@dataclass(frozen=True)
class LocalKeys:
    """The home's HMAC keys: one for sign-in codes, one for the audit trail."""

    code_key: bytes = field(repr=False)
    audit_key: bytes = field(repr=False)

    @classmethod
    def open(cls, keys_dir: Path) -> LocalKeys:
        """Load the keys from ``keys_dir``, creating any that are missing (mode 0600)."""
        private_dir(keys_dir)
        return cls(
            code_key=_load_or_create(keys_dir / CODE_KEY_FILE),
            audit_key=_load_or_create(keys_dir / AUDIT_KEY_FILE),
        )


def keyed_digest(*, key: bytes, purpose: str, data: bytes) -> str:
    """HMAC-SHA256 of ``data`` as hex, with ``purpose`` in front so one key's digests never stand for another's."""
    return hmac.new(key, purpose.encode("ascii") + b"\x00" + data, hashlib.sha256).hexdigest()


def bind(engine: Engine, keys: LocalKeys) -> None:
    """Attach the home's keys to the deployment's engine, for every session made from it."""
    engine.update_execution_options(**{_BOUND: keys})


def bound_to(session: Session) -> LocalKeys:
    """The keys bound to the engine this session uses."""
    keys = session.get_bind().get_execution_options().get(_BOUND)
    if not isinstance(keys, LocalKeys):
        raise ConfigurationError("the database was opened without the home's keys")
    return keys


def _load_or_create(path: Path) -> bytes:
    try:
        if not path.exists():
            _create(path)
        mode = path.stat().st_mode
        key = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read or create the key file {path.name}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InsecureKeyFile(f"the key file {path.name} must have mode 0600 (it is {mode & 0o777:o})")
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"the key file {path.name} is damaged")
    return key


def _create(path: Path) -> None:
    """Write a new key under a temporary name and link it into place, so another worker starting at the same
    moment either makes the key or reads a whole one, never half of one."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
