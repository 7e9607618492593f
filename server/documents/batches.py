"""Many documents at once (every road sheet of a month, every contract of a season) in a ZIP.

A batch is a record: asked for through the API, it is built in the background as the person
who asked (their permissions apply to every document), and each step of it — started, how far
it got, finished or failed — is a change in the one log. That is how its progress reaches the
person's screens: the live-update hub already sends every logged change, in order, to the
sockets following it (``{"record": {"entity": "document_batch", "id": N}}``), across processes,
and a screen that reconnects resumes from the last sequence number it saw; nothing is added to
the hub. The log also keeps who printed which contracts. Progress is logged at most twice a
second, so a batch of a hundred adds a dozen rows, not a hundred. The ZIP itself is kept in
the batch's row (never in the log) for a day.

The command line (``saison documents``) builds the same ZIP with ``build``, showing progress in
the terminal instead.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import text

from server.core.changelog import Change
from server.core.entities import MAX_PAGE, EntityService, ListQuery
from server.core.errors import Invalid, NotFound
from server.core.fields import Id, Input
from server.core.i18n import _, translate
from server.core.localtime import day_of
from server.core.permissions import Principal, Workspace
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.db.engine import Database
from server.documents.documents import Documents, Target, span
from server.documents.kinds import KINDS, DocumentKind, require_reader
from server.documents.models import DocumentBatch
from server.planning.activities import ActivityService
from server.programming.engagements import EngagementService

MAX_DOCUMENTS = 500
MAX_DAYS = 400
KEEP_HOURS = 24
PROGRESS_SECONDS = 0.5  # at most this often a progress row in the log
STALE_SECONDS = 120  # a running batch silent this long died with its process
CONCURRENT = 3  # documents gathered while others compile

Progress = Callable[[int, int], Awaitable[None] | None]


class BatchIn(Input):
    start: date = Field(description="First day of the period")
    end: date = Field(description="Last day of the period")
    engagement_ids: list[Id] | None = Field(
        default=None,
        max_length=MAX_DOCUMENTS,
        description="Only these engagements (options included); else every confirmed one",
    )
    per: Literal["day", "engagement"] = Field(
        default="day", description="Road sheets: one per day (default) or one per engagement"
    )


class BatchOut(Input):
    id: int
    version: int
    kind: DocumentKind
    language: str
    request: dict[str, Any]
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    message: str | None = None
    filename: str | None = None
    size: int | None = None
    requested_by: int | None = None
    created_at: datetime
    updated_at: datetime
    content_url: str | None = None


async def plan(uow: UnitOfWork, kind: DocumentKind, request: BatchIn) -> list[Target]:
    """The documents a batch holds, as its requester may read them, in calendar order."""
    if request.end < request.start:
        raise Invalid({"end": _("must be on or after start")})
    if (request.end - request.start).days >= MAX_DAYS:
        raise Invalid({"end": _("a batch covers at most {days} days", days=MAX_DAYS)})
    period = ListQuery(start=request.start, end=request.end + timedelta(days=1), limit=MAX_PAGE)
    if request.engagement_ids:
        wanted = set(request.engagement_ids)
        page = await EngagementService(uow).list(
            ListQuery(start=period.start, end=period.end, limit=MAX_PAGE)
        )
        engagements = [e for e in page.items if e["id"] in wanted and e["status"] != "cancelled"]
    else:
        page = await EngagementService(uow).list(
            ListQuery(
                filters={"status": "confirmed"},
                start=period.start,
                end=period.end,
                limit=MAX_PAGE,
            )
        )
        engagements = page.items
    targets: list[tuple[Any, ...]] = []
    if kind is DocumentKind.ROAD_SHEET and request.per == "day":
        activities = ActivityService(uow)
        for e in engagements:
            found = await activities.list(
                ListQuery(
                    filters={"engagement_id": e["id"]},
                    start=period.start,
                    end=period.end,
                    limit=MAX_PAGE,
                )
            )
            days = {
                day_of(a["starts_at"])
                for a in found.items
                if a["status"] != "cancelled"
                and request.start <= day_of(a["starts_at"]) <= request.end
                and e["first_day"] <= day_of(a["starts_at"]) <= e["last_day"]
            }
            targets.extend((d, e["room_id"], e["id"]) for d in days)
        targets.sort()
        out = [Target(engagement_id=e, day=d) for d, _room, e in targets]
    else:
        out = [Target(engagement_id=e["id"]) for e in engagements]
    if len(out) > MAX_DOCUMENTS:
        raise Invalid(
            {"end": _("{n} documents: a batch holds at most {max}", n=len(out), max=MAX_DOCUMENTS)}
        )
    return out


def unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        taken.add(name)
        return name
    stem, n = name.removesuffix(".pdf"), 2
    while f"{stem} ({n}).pdf" in taken:
        n += 1
    taken.add(f"{stem} ({n}).pdf")
    return f"{stem} ({n}).pdf"


async def build(
    db: Database,
    actor: Principal,
    kind: DocumentKind,
    targets: Sequence[Target],
    language: str,
    progress: Progress | None = None,
) -> bytes:
    """The ZIP of ``targets``: each document gathered in its own transaction as ``actor``,
    a few at a time so reading the next ones overlaps compiling the others."""
    buffer = io.BytesIO()
    limit = asyncio.Semaphore(CONCURRENT)
    shared: dict[str, Any] = {}  # the venue, its people, names: read once for the batch

    async def one(target: Target) -> tuple[str, bytes]:
        async with limit, unit_of_work(db, actor) as uow:
            document = await Documents(uow, language, shared).render(kind, target)
            return document.filename, document.pdf

    tasks = [asyncio.create_task(one(t)) for t in targets]
    taken: set[str] = set()
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for done, task in enumerate(tasks, start=1):
                name, pdf = await task
                archive.writestr(unique(name, taken), pdf)
                if progress is not None:
                    result = progress(done, len(tasks))
                    if result is not None:
                        await result
    finally:
        for task in tasks:
            task.cancel()
    return buffer.getvalue()


def zip_name(kind: DocumentKind, request: BatchIn, language: str) -> str:
    """« Feuilles de route — 2026-10-01 – 2026-10-31.zip »."""
    return f"{translate(KINDS[kind].plural, language)} — {span(request.start, request.end)}.zip"


class DocumentBatchService(EntityService):
    model = DocumentBatch
    entity = "document_batch"
    label = "document batch"
    # Subscriptions to a batch's record need this; its changes are logged in its kind's.
    workspace = Workspace.PLANNING
    secret = frozenset({"content"})
    order_by = ("id",)
    _kind: str = DocumentKind.ROAD_SHEET.value  # the kind being written (set before writes)

    def log(
        self,
        action: str,
        record_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        refs: dict[str, Any] | None = None,
    ) -> None:
        # The ZIP never goes into the history.
        payloads = [
            {k: v for k, v in p.items() if k != "content"} if p else p for p in (before, after)
        ]
        kind = DocumentKind((after or before or {}).get("kind") or self._kind)
        self.uow.record(
            Change(
                workspace=KINDS[kind].workspace.value,
                entity=self.entity,
                entity_id=record_id,
                action=f"{self.entity}.{action}",
                before=payloads[0],
                after=payloads[1],
                refs={"kind": kind.value},
            )
        )

    def shown(self, row: dict[str, Any]) -> dict[str, Any]:
        out = self.visible(row)
        stale = datetime.now(out["updated_at"].tzinfo) - row["updated_at"]
        if out["status"] in ("queued", "running") and stale > timedelta(seconds=STALE_SECONDS):
            out["status"] = "failed"
            out["message"] = _(
                "interrupted (the server stopped while building it); ask for it again"
            ).render()
        spec = KINDS[DocumentKind(row["kind"])]
        out["content_url"] = (
            f"/api/v1/documents/{spec.slug}/batches/{row['id']}/content"
            if out["status"] == "done"
            else None
        )
        return out

    async def start(
        self, kind: DocumentKind, request: BatchIn, language: str
    ) -> tuple[dict[str, Any], list[Target]]:
        """Record the batch (queued, with the number of documents it will hold)."""
        require_reader(self.actor, KINDS[kind])
        targets = await plan(self.uow, kind, request)
        await self.session.execute(
            text(
                "UPDATE document_batches SET content = NULL "
                "WHERE content IS NOT NULL AND created_at < now() - make_interval(hours => :h)"
            ),
            {"h": KEEP_HOURS},
        )
        self._kind = kind.value
        row = await self.insert_row(
            {
                "kind": kind.value,
                "language": language,
                "request": request.model_dump(mode="json"),
                "status": "queued",
                "total": len(targets),
                "done": 0,
                "filename": zip_name(kind, request, language),
                "requested_by": self.actor.user_id,
            }
        )
        await self.uow.commit()
        return self.shown(row), targets

    async def mine(self, kind: DocumentKind, batch_id: int) -> dict[str, Any]:
        """A batch of this kind asked for by this person (administrators see every one)."""
        require_reader(self.actor, KINDS[kind])
        row = await self.get(batch_id)
        if row["kind"] != kind.value or (
            row["requested_by"] != self.actor.user_id and not self.actor.is_admin
        ):
            raise NotFound(_("document batch {id} does not exist", id=batch_id))
        return row

    async def read_batch(self, kind: DocumentKind, batch_id: int) -> dict[str, Any]:
        return self.shown(await self.mine(kind, batch_id))

    async def content(self, kind: DocumentKind, batch_id: int) -> tuple[str, bytes]:
        row = await self.mine(kind, batch_id)
        if row["status"] != "done":
            raise NotFound(_("this batch is not ready: it is {status}", status=row["status"]))
        if row["content"] is None:
            raise NotFound(_("this batch was built more than a day ago: ask for it again"))
        return str(row["filename"]), bytes(row["content"])

    async def step(self, batch_id: int, action: str, **changes: Any) -> None:
        """Log one step of the batch (started, progressed, finished, failed)."""
        self._kind = (await self.get(batch_id))["kind"]
        await self.update_row(batch_id, changes, None, action=action)
        await self.uow.commit()


async def run(db: Database, actor: Principal, batch_id: int, targets: Sequence[Target]) -> None:
    """Build a recorded batch as ``actor``, logging its progress; failures are logged too."""
    async with unit_of_work(db, actor) as uow:
        row = await DocumentBatchService(uow).get(batch_id)
    kind, language = DocumentKind(row["kind"]), row["language"]
    last = [0.0]

    async def step(action: str, **changes: Any) -> None:
        async with unit_of_work(db, actor) as uow:
            await DocumentBatchService(uow).step(batch_id, action, **changes)

    async def progressed(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_SECONDS:
            return
        last[0] = now
        await step("progressed", done=done)

    try:
        await step("started", status="running")
        content = await build(db, actor, kind, targets, language, progressed)
        async with unit_of_work(db, actor) as uow:
            await uow.session.execute(
                text("UPDATE document_batches SET content = :c WHERE id = :id"),
                {"c": content, "id": batch_id},
            )
            service = DocumentBatchService(uow)
            service._kind = kind.value
            await service.update_row(
                batch_id, {"status": "done", "size": len(content)}, None, action="finished"
            )
            await uow.commit()
    except asyncio.CancelledError:
        raise
    except Exception as error:  # logged for the person waiting; the server goes on
        message = str(error) or type(error).__name__
        await step("failed", status="failed", message=message[:2000])
