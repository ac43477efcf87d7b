"""A cap on request bodies, enforced on the bytes as they arrive (so a chunked body cannot slip past it)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from schemas.errors import InvalidRequest

# Where a photo of a card is uploaded: the API's scan and the reception desk's photo form.
IMAGE_PATHS = frozenset({"/v1/scan", "/reception/photo"})


class BodyLimit:
    """Refuse with 413 any request whose body is over ``limit`` bytes (``image_limit`` on the photo uploads)."""

    def __init__(
        self, app: ASGIApp, *, limit: int, image_limit: int, image_paths: frozenset[str] = IMAGE_PATHS
    ) -> None:
        self.app, self.limit, self.image_limit, self.image_paths = app, limit, image_limit, image_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.image_limit if scope["path"] in self.image_paths else self.limit
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
