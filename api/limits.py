"""A cap on request bodies, enforced on the bytes as they arrive (so a chunked body cannot slip past it)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from schemas.errors import InvalidRequest

# Where a photo of a card is uploaded: the API's scan and the reception desk's photo form.
IMAGE_PATHS = frozenset({"/v1/scan", "/reception/photo"})
# Where a whole history may be sent: as large as any history a deployment may hold and hand over.
HISTORY_PATHS = frozenset({"/v1/imports", "/v1/verify"})


class BodyLimit:
    """Refuse with 413 any request whose body is over ``limit`` bytes (``image_limit`` on the photo uploads,
    ``history_limit`` where a whole history is sent)."""

    def __init__(self, app: ASGIApp, *, limit: int, image_limit: int, history_limit: int) -> None:
        self.app, self.limit = app, limit
        self.by_path = {path: image_limit for path in IMAGE_PATHS} | {path: history_limit for path in HISTORY_PATHS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.by_path.get(scope["path"], self.limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await self._refuse(scope, receive, send)
            return
        seen, over = 0, False

        async def counted() -> Message:
            # Past the cap the app is told the body ended; whatever it answers is replaced by the 413 below.
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > cap:
                over = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded(message: Message) -> None:
            if not over:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._refuse(scope, receive, send)

        await self.app(scope, counted, guarded)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(InvalidRequest("the request body is too large"), status=413)
        await response(scope, receive, send)
