"""The service's settings: one small value object, read from the environment in one place."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from passport.services import database_url_for
from schemas.errors import ConfigurationError

DEFAULT_HOME = "./var"
MAX_BODY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Where the deployment lives (``PASSPORT_HOME``), which database it uses (``PASSPORT_DATABASE_URL``), and
    which reverse proxies' ``X-Forwarded-For`` it believes (``PASSPORT_TRUSTED_PROXIES``; by default none)."""

    home: Path
    database_url: str
    max_body_bytes: int = MAX_BODY_BYTES
    trusted_proxies: tuple[str, ...] = ()

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment: ``PASSPORT_HOME`` (default ./var), ``PASSPORT_DATABASE_URL``
        (default SQLite in the home) and ``PASSPORT_TRUSTED_PROXIES`` (addresses or networks, comma-separated)."""
        home = Path(os.environ.get("PASSPORT_HOME") or DEFAULT_HOME).resolve()
        url = os.environ.get("PASSPORT_DATABASE_URL") or database_url_for(home)
        proxies = parse_trusted_proxies(os.environ.get("PASSPORT_TRUSTED_PROXIES", ""))
        return cls(home=home, database_url=url, trusted_proxies=proxies)


def parse_trusted_proxies(text: str) -> tuple[str, ...]:
    """The proxies named in ``text``: IP addresses or networks (10.0.0.0/8), separated by commas, each written
    as its network (``10.1.2.3/8`` is ``10.0.0.0/8``), the one form the proxy-header middleware matches."""
    try:
        return tuple(str(ipaddress.ip_network(part.strip(), strict=False)) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigurationError(
            "PASSPORT_TRUSTED_PROXIES must list IP addresses or networks, separated by commas"
        ) from exc
