"""One deployment: its identity (reloaded when the key ring changes on disk), its home's local keys, its database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from crypto import TrustStore
from passport.core.identity import KEYRING_FILE, Identity, load_identity
from passport.core.private_files import secure_home
from passport.services import peers
from passport.services.local_keys import LocalKeys, bind
from passport.services.storage import make_engine


@dataclass
class Deployment:
    """What a running service or a CLI command works with: who we are, our keys, our database."""

    home: Path
    engine: Engine
    local_keys: LocalKeys
    _identity: Identity
    _stamp: float
    _lock: Lock = field(default_factory=Lock)

    @classmethod
    def open(cls, *, home: Path, database_url: str) -> Deployment:
        """Load the identity from ``home``, make the home private, and connect to the database (creating its
        tables) with the home's local keys bound to it."""
        identity = load_identity(home)
        secure_home(home)
        keys = LocalKeys.open(home / "keys")
        engine = make_engine(database_url)
        bind(engine, keys)
        return cls(home, engine, keys, identity, cls._keyring_stamp(home))

    @property
    def identity(self) -> Identity:
        """The identity, reloaded if ``passport key rotate`` or ``revoke`` changed the key ring since."""
        stamp = self._keyring_stamp(self.home)
        if stamp != self._stamp:
            with self._lock:
                self._identity, self._stamp = load_identity(self.home), stamp
        return self._identity

    def trust_store(self) -> TrustStore:
        """The keys this deployment trusts: its own and its peers'."""
        with Session(self.engine) as session:
            return peers.trust_store(session, self.identity)

    def database_answers(self) -> bool:
        """Whether the database answers a query now (for readiness)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    @staticmethod
    def _keyring_stamp(home: Path) -> float:
        try:
            return (home / "keys" / KEYRING_FILE).stat().st_mtime
        except OSError:
            return 0.0
