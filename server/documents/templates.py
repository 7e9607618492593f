"""A venue's own templates: one per kind of document, kept in the database with history.

Uploading one compiles it first against the kind's sample data (samples.py), in a separate
process with a time limit, so a template that does not compile, or never finishes, is refused
with Typst's own message while the one in use stays. Going back to the default keeps the row
(its source emptied): the template's whole history stays in the change log, one record per kind.
Changes are logged in the kind's workspace: contract templates concern those who read
contracts.
"""

from __future__ import annotations

import asyncio
import json
import sys
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.changelog import Change
from server.core.entities import EntityService
from server.core.errors import Invalid
from server.core.i18n import _
from server.core.permissions import Workspace
from server.core.records import jsonable
from server.documents.kinds import KINDS, DocumentKind, require_designer, require_reader
from server.documents.models import DocumentTemplate
from server.documents.samples import sample
from server.documents.typesetting import TemplateError, default_source, refuse_packages, typesetter

MAX_SOURCE = 200_000  # characters: a template, not a book
VALIDATION_SECONDS = 20.0


@cache
def default_of(kind: DocumentKind) -> str:
    return default_source(KINDS[kind].template_file)


def _table() -> Any:
    return DocumentTemplate.__table__  # type: ignore[attr-defined]


async def source_for(session: AsyncSession, kind: DocumentKind) -> str:
    """The template in use for ``kind``: the venue's own, else the default."""
    t = _table()
    custom = (await session.execute(select(t.c.source).where(t.c.kind == kind.value))).scalar()
    return custom or default_of(kind)


async def validate(source: str, data: dict[str, Any], seconds: float = VALIDATION_SECONDS) -> None:
    """Compile ``source`` against ``data`` in another process; TemplateError if it fails.

    Another process, because a template may loop forever: it is stopped after ``seconds``.
    """
    refuse_packages(source)
    payload = json.dumps({"source": source, "data": jsonable(data)}, ensure_ascii=False)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.documents.validation",
        str(typesetter().root),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _err = await asyncio.wait_for(process.communicate(payload.encode()), seconds)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise TemplateError(
            f"the template did not finish compiling in {seconds:g} seconds (an endless loop?)"
        ) from None
    try:
        answer = json.loads(out or b"{}")
    except ValueError:
        answer = {}
    if not answer.get("ok"):
        raise TemplateError(answer.get("message") or "Typst failed", answer.get("diagnostic", ""))


class DocumentTemplateService(EntityService):
    model = DocumentTemplate
    entity = "document_template"
    label = "document template"
    # Subscriptions to a template's record need this; each change is logged in its kind's.
    workspace = Workspace.PLANNING
    _kind: DocumentKind = DocumentKind.ROAD_SHEET  # the kind being written (set by ``store``)

    def log(
        self,
        action: str,
        record_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        refs: dict[str, Any] | None = None,
    ) -> None:
        kind = self._kind
        self.uow.record(
            Change(
                workspace=KINDS[kind].workspace.value,
                entity=self.entity,
                entity_id=record_id,
                action=f"{self.entity}.{action}",
                before=before,
                after=after,
                refs={"kind": kind.value},
            )
        )

    async def row(self, kind: DocumentKind) -> dict[str, Any] | None:
        t = self.table
        found = await self.session.execute(select(t).where(t.c.kind == kind.value))
        row = found.mappings().first()
        return dict(row) if row else None

    def shown(self, kind: DocumentKind, row: dict[str, Any] | None) -> dict[str, Any]:
        """The template in use, as the API gives it: ``version`` 0 until one is uploaded."""
        custom = bool(row and row["source"])
        return {
            "kind": kind.value,
            "custom": custom,
            "version": row["version"] if row else 0,
            "updated_at": row["updated_at"] if row else None,
            "source": row["source"] if custom and row else default_of(kind),
        }

    async def current(self, kind: DocumentKind) -> dict[str, Any]:
        require_reader(self.actor, KINDS[kind])
        return self.shown(kind, await self.row(kind))

    async def version_of(self, kind: DocumentKind) -> int:
        row = await self.row(kind)
        return row["version"] if row else 0

    async def upload(
        self, kind: DocumentKind, source: str, expected_version: int | None
    ) -> dict[str, Any]:
        """Use ``source`` for ``kind`` once it compiles against the sample data."""
        require_designer(self.actor, KINDS[kind])
        if not source.strip():
            raise Invalid({"source": _("the template is empty")})
        if len(source) > MAX_SOURCE:
            raise Invalid({"source": _("a template has at most {n} characters", n=MAX_SOURCE)})
        try:
            await validate(source, sample(kind))
        except TemplateError as error:
            raise Invalid(
                {"source": error.text},
                _("Typst could not compile this template: {error}", error=error.message),
            ) from None
        return await self.store(kind, source, expected_version)

    async def reset(self, kind: DocumentKind, expected_version: int | None) -> dict[str, Any]:
        """Back to the default template (the venue's stays in the history)."""
        require_designer(self.actor, KINDS[kind])
        return await self.store(kind, None, expected_version)

    async def store(
        self, kind: DocumentKind, source: str | None, expected_version: int | None
    ) -> dict[str, Any]:
        self._kind = kind
        current = await self.row(kind)
        if current is None:
            self.check_version({"id": kind.value, "version": 0}, expected_version)
            if source is None:
                return self.shown(kind, None)
            row = await self.insert_row({"kind": kind.value, "source": source})
        else:
            row = await self.update_row(current["id"], {"source": source}, expected_version)
        await self.uow.commit()
        return self.shown(kind, row)
