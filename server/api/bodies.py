"""Reading JSON request bodies: a body nested deeper than any Saison body is refused first.

A body of 5,000 nested arrays made the JSON decoder exhaust Python's recursion limit (a 500).
No Saison body goes deeper than a few levels (a list of targets, a map of start times), so
anything deeper than :data:`MAX_DEPTH` is a 400 problem before it is decoded.

Counting depth is done on the raw bytes, with regular expressions and ``bytes.count`` (C code):
most bodies have fewer brackets than the limit and are not scanned at all.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

from server.core.errors import DomainError, Invalid
from server.core.i18n import _

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class TooDeep(DomainError):
    """A JSON body nested deeper than :data:`MAX_DEPTH` (400: it is not read at all)."""


def too_deep(body: bytes) -> bool:
    """Whether arrays and objects nest deeper than :data:`MAX_DEPTH` in a JSON text (brackets
    inside strings do not count)."""
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


class SaisonRequest(Request[Any, Any, Any]):
    """Litestar's request, with JSON bodies checked for depth before they are decoded."""

    async def json(self) -> Any:
        body = await self.body()
        if too_deep(body):
            raise TooDeep(
                _("The JSON body is nested more than {depth} levels deep.", depth=MAX_DEPTH),
                kind="body-too-deep",
            )
        return await super().json()


async def uploaded(data: dict[str, Any], limit: int) -> tuple[UploadFile, bytes]:
    """The multipart field ``file`` and at most ``limit + 1`` of its bytes: one past the limit
    tells the service the file is too large without reading a huge one whole."""
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        raise Invalid({"file": _("send the file as multipart/form-data in a field named 'file'")})
    return upload, await upload.read(limit + 1)
