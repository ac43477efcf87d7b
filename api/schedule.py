"""The server's own schedule: every ``PASSPORT_DELIVERY_SECONDS`` it sends the release notices and receipts that
are due (``passport.services.deliver_due``), from a thread beside the event loop, so a slow peer never holds up a
request. Several workers may each run it: a message sent twice is harmless, as its receiver keeps only newer
revisions."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from api.settings import Settings
from passport.services import Deployment, deliver_due

log = logging.getLogger("care_passport")


def delivering(deployment: Deployment, settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A lifespan that runs the delivery schedule while the app serves (nothing when it is switched off)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.delivery_seconds <= 0:
            yield
            return
        stop = threading.Event()
        worker = threading.Thread(target=_run, args=(deployment, settings, stop), name="notice-delivery", daemon=True)
        worker.start()
        try:
            yield
        finally:
            stop.set()
            worker.join(timeout=10)

    return lifespan


def _run(deployment: Deployment, settings: Settings, stop: threading.Event) -> None:
    while True:
        try:
            deliver_due(deployment, now=int(time.time()), period_days=settings.notice_days)
        except Exception as exc:  # the schedule goes on; the next run tries again
            log.warning("delivering release notices failed: %s", type(exc).__name__)  # no personal data: a type
        if stop.wait(settings.delivery_seconds):
            return
