"""The home's local keys: made once, mode 0600, refused when others may read them or when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from passport.services.local_keys import AUDIT_KEY_FILE, CODE_KEY_FILE, KEY_BYTES, LocalKeys, keyed_digest
from schemas.errors import ConfigurationError, InsecureKeyFile


def test_keys_are_made_once_private_and_distinct(tmp_path: Path) -> None:
    """First use makes two random 32-byte keys, mode 0600; later opens read the same ones."""
    first = LocalKeys.open(tmp_path / "keys")
    assert LocalKeys.open(tmp_path / "keys") == first
    assert first.code_key != first.audit_key and len(first.code_key) == len(first.audit_key) == KEY_BYTES
    for name in (CODE_KEY_FILE, AUDIT_KEY_FILE):
        assert (tmp_path / "keys" / name).stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == sorted([AUDIT_KEY_FILE, CODE_KEY_FILE])
    assert repr(first) == "LocalKeys()"  # never printed into a log


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    """Like a private signing key: mode 0644 is insecure_key_file, not quietly used."""
    LocalKeys.open(tmp_path / "keys")
    (tmp_path / "keys" / AUDIT_KEY_FILE).chmod(0o644)
    with pytest.raises(InsecureKeyFile, match="must have mode 0600"):
        LocalKeys.open(tmp_path / "keys")


def test_a_damaged_key_file_is_refused(tmp_path: Path) -> None:
    """A key of the wrong length is never padded or replaced."""
    LocalKeys.open(tmp_path / "keys")
    (tmp_path / "keys" / CODE_KEY_FILE).write_bytes(b"short")
    with pytest.raises(ConfigurationError, match="damaged"):
        LocalKeys.open(tmp_path / "keys")


def test_one_key_s_digests_never_stand_for_another_purpose() -> None:
    """The purpose is part of what is keyed."""
    key = bytes(KEY_BYTES)
    row = keyed_digest(key=key, purpose="audit row", data=b"x")
    assert row != keyed_digest(key=key, purpose="audit head", data=b"x")
