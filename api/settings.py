"""The service's settings: one small value object, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from passport.storage import database_url_for

DEFAULT_HOME = "./var"
MAX_BODY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Where the deployment lives (``PASSPORT_HOME``) and which database it uses (``PASSPORT_DATABASE_URL``)."""

    home: Path
    database_url: str
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def from_env(cls) -> Settings:
        """Read ``PASSPORT_HOME`` (default ./var) and ``PASSPORT_DATABASE_URL`` (default SQLite in the home)."""
        home = Path(os.environ.get("PASSPORT_HOME") or DEFAULT_HOME).resolve()
        url = os.environ.get("PASSPORT_DATABASE_URL") or database_url_for(home)
        return cls(home=home, database_url=url)
