"""The service's settings: one small value object, read from the environment in one place."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from passport.services import PERSON_IDLE, database_url_for
from schemas import NOTICE_PERIOD_DAYS
from schemas.errors import ConfigurationError

DEFAULT_HOME = "./var"
DEFAULT_DELIVERY_SECONDS = 60.0  # how often the server sends the release notices and receipts that are due
MAX_BODY_BYTES = 4 * 1024 * 1024
MIN_PERSON_IDLE = 20


@dataclass(frozen=True)
class Settings:
    """Where the deployment lives (``PASSPORT_HOME``), which database it uses (``PASSPORT_DATABASE_URL``), which
    reverse proxies' ``X-Forwarded-For`` it believes (``PASSPORT_TRUSTED_PROXIES``; by default none), how long a
    person's pages stay open with nothing happening (``PASSPORT_PERSON_IDLE_SECONDS``; 10 minutes), how many days
    before a release its notice is sent (``PASSPORT_NOTICE_DAYS``, 84) and how often the server sends what is due
    (``PASSPORT_DELIVERY_SECONDS``, 60; 0 leaves it to ``passport releases send-due``)."""

    home: Path
    database_url: str
    max_body_bytes: int = MAX_BODY_BYTES
    trusted_proxies: tuple[str, ...] = ()
    notice_days: int = NOTICE_PERIOD_DAYS
    delivery_seconds: float = DEFAULT_DELIVERY_SECONDS
    person_idle: timedelta = PERSON_IDLE

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment: ``PASSPORT_HOME`` (default ./var), ``PASSPORT_DATABASE_URL``
        (default SQLite in the home) and ``PASSPORT_TRUSTED_PROXIES`` (addresses or networks, comma-separated)."""
        home = Path(os.environ.get("PASSPORT_HOME") or DEFAULT_HOME).resolve()
        url = os.environ.get("PASSPORT_DATABASE_URL") or database_url_for(home)
        proxies = parse_trusted_proxies(os.environ.get("PASSPORT_TRUSTED_PROXIES", ""))
        delivery = _number("PASSPORT_DELIVERY_SECONDS", DEFAULT_DELIVERY_SECONDS, low=0, high=86_400)
        return cls(
            home=home,
            database_url=url,
            trusted_proxies=proxies,
            person_idle=parse_person_idle(os.environ.get("PASSPORT_PERSON_IDLE_SECONDS", "")),
            notice_days=notice_days_from_env(),
            delivery_seconds=delivery,
        )


def notice_days_from_env() -> int:
    """How many days before a release its notice is sent: ``PASSPORT_NOTICE_DAYS``, 0 to 366 (default 84)."""
    return int(_number("PASSPORT_NOTICE_DAYS", NOTICE_PERIOD_DAYS, low=0, high=366))


def _number(name: str, default: float, *, low: float, high: float) -> float:
    """A number from the environment, within bounds, or a one-line configuration error naming the setting."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low:g} and {high:g}")
    return value


def parse_person_idle(text: str) -> timedelta:
    """A person's idle time in whole seconds, from 20 (time to read the warning: WCAG 2.2 SC 2.2.1) to a day;
    empty means the default, 10 minutes."""
    if not text.strip():
        return PERSON_IDLE
    if not (text.strip().isascii() and text.strip().isdigit()) or not MIN_PERSON_IDLE <= int(text) <= 86_400:
        raise ConfigurationError(
            f"PASSPORT_PERSON_IDLE_SECONDS must be a whole number of seconds from {MIN_PERSON_IDLE} to 86400"
        )
    return timedelta(seconds=int(text))


def parse_trusted_proxies(text: str) -> tuple[str, ...]:
    """The proxies named in ``text``: IP addresses or networks (10.0.0.0/8), separated by commas, each written
    as its network (``10.1.2.3/8`` is ``10.0.0.0/8``), the one form the proxy-header middleware matches."""
    try:
        return tuple(str(ipaddress.ip_network(part.strip(), strict=False)) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigurationError(
            "PASSPORT_TRUSTED_PROXIES must list IP addresses or networks, separated by commas"
        ) from exc
