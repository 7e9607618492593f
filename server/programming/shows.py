"""Shows: what the programming committee chooses, with company, producer and credits."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.fields import Id, Input, LongText, Name, Short, Url
from server.core.i18n import N_
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.programming.models import Show
from server.technical.sheets import TechnicalSheetService


class ShowIn(Input):
    title: Name
    company_id: Id | None = None
    producer_id: Id | None = None
    genre: Short | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    age_guidance: Short | None = None
    description: LongText | None = None
    credits: LongText | None = None
    website: Url | None = None
    notes: LongText | None = None


class ShowOut(ShowIn, RecordRead):
    pass


class ShowService(EntityService):
    model = Show
    entity = "show"
    label = N_("show")
    workspace = Workspace.PROGRAMMING
    references = {
        "company_id": "organisation",
        "producer_id": "organisation",
    }
    filters = {
        "company_id": Filter("company_id", int),
        "producer_id": Filter("producer_id", int),
        "genre": Filter("genre", str),
    }
    search_columns = ("title", "genre", "description")
    order_by = ("title", "id")

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        """A show's riders go with it, each deletion logged."""
        await delete_dependents(TechnicalSheetService(self.uow), "show_id", record_id)
        return await super().delete_row(record_id, expected_version)
