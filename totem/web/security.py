"""Security headers on every response, and a cap on request bodies."""
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from totem.i18n import N_

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The API docs page loads Swagger UI's inline script: it gets its own policy.
        is_docs = scope["path"].startswith("/api/v1/docs")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                    b"x-frame-options": b"DENY",
                }
                if not is_docs:
                    extra[b"content-security-policy"] = CONTENT_SECURITY_POLICY.encode()
                if self.https:
                    extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


TOO_LARGE = N_("The request is too large.")


class RequestTooLarge(HTTPException):
    """Raised while the body is read, so that the page or API error handlers answer 413 in their own format."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` (`max_upload_bytes` for multipart uploads) with 413.

    A declared Content-Length over the limit fails at the first read; a body
    streamed without one fails as soon as it passes the limit, before the
    rest is read into memory.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        is_upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_upload_bytes if is_upload else self.max_bytes
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            if declared > limit:
                raise RequestTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge()
            return message

        await self.app(scope, limited_receive, send)
