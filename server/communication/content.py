"""The public content of a show and of its performances, written by the communication team.

Programming owns the show (its real title, notes, fees); communication owns what the public
reads of it. Everything here is written through the shared record mechanics, so each change is
in the one history with its version, and is refused field by field when it cannot be stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select

from server.communication.images import PublicImageService
from server.communication.models import Audience, PerformancePublication, ShowPublication
from server.core.entities import EntityService, Filter
from server.core.errors import Invalid
from server.core.fields import Id, Input, LongText, Name, Url
from server.core.i18n import N_, _
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.planning.models import Activity, ActivityKind

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Summary = Annotated[str, StringConstraints(max_length=300)]
Language = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^([a-z]{2,3})?$")]


class Price(BaseModel):
    """A named tariff in euros ("Plein tarif", 22.00)."""

    model_config = {"extra": "forbid"}

    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    amount: Decimal = Field(ge=0, le=10_000, max_digits=7, decimal_places=2)


class ShowPublicationIn(Input):
    show_id: Id
    published: bool = False
    title_fr: Name | None = None
    title_en: Name | None = None
    summary_fr: Summary | None = None
    summary_en: Summary | None = None
    text_fr: LongText | None = None
    text_en: LongText | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    language: Language | None = Field(
        default="fr", description="The language it is played in (ISO 639), empty for none"
    )
    ticket_url: Url | None = None
    prices: list[Price] = Field(default_factory=list, max_length=20)
    audience: Audience = Audience.ALL
    age_from: int | None = Field(default=None, ge=0, le=99)
    age_to: int | None = Field(default=None, ge=0, le=99)
    audio_description: bool = False
    sign_language: bool = False
    surtitles: bool = False
    relaxed: bool = False
    wheelchair: bool = False
    image_id: Id | None = None


class ShowPublicationOut(ShowPublicationIn, RecordRead):
    pass


class ShowPublicationPatch(Input):
    """A change: the same fields, the show excepted (a publication stays with its show)."""

    published: bool | None = None
    title_fr: Name | None = None
    title_en: Name | None = None
    summary_fr: Summary | None = None
    summary_en: Summary | None = None
    text_fr: LongText | None = None
    text_en: LongText | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    language: Language | None = None
    ticket_url: Url | None = None
    prices: list[Price] | None = Field(default=None, max_length=20)
    audience: Audience | None = None
    age_from: int | None = Field(default=None, ge=0, le=99)
    age_to: int | None = Field(default=None, ge=0, le=99)
    audio_description: bool | None = None
    sign_language: bool | None = None
    surtitles: bool | None = None
    relaxed: bool | None = None
    wheelchair: bool | None = None
    image_id: Id | None = None


NOT_NULL = (
    "published",
    "audience",
    "keywords",
    "prices",
    *("audio_description", "sign_language", "surtitles", "relaxed", "wheelchair"),
)


class ShowPublicationService(EntityService):
    model = ShowPublication
    entity = "show_publication"
    label = N_("public content")
    workspace = Workspace.COMMUNICATION
    references = {"show_id": "show", "image_id": "image"}
    filters = {
        "show_id": Filter("show_id", int),
        "published": Filter("published", bool),
    }
    search_columns = ("title_fr", "title_en", "summary_fr")
    order_by = ("show_id", "id")
    log_refs = {"show_id": "show"}

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        problems: dict[str, Any] = {}
        for name in NOT_NULL:
            if name in values and values[name] is None:
                problems[name] = _("must not be empty")
        if current is not None and values.get("show_id") != current["show_id"]:
            problems["show_id"] = _("the public content of a show stays with its show")
        # Amounts as text in the stored JSON, as the API gives every amount ("22.00").
        if values.get("prices") is not None:
            values["prices"] = [
                {"label": str(p["label"]), "amount": f"{Decimal(str(p['amount'])):.2f}"}
                for p in values["prices"]
            ]
        age_from, age_to = values.get("age_from"), values.get("age_to")
        if age_from is not None and age_to is not None and age_to < age_from:
            problems["age_to"] = _("must be at least {ge}", ge=age_from)
        if values.get("language") == "":
            values["language"] = None
        image_id = values.get("image_id")
        if image_id is not None and (current is None or image_id != current.get("image_id")):
            images = PublicImageService(self.uow)
            t = images.table
            owner = await self.session.execute(select(t.c.show_id).where(t.c.id == image_id))
            show_id = owner.scalar_one_or_none()
            if show_id is None:
                problems["image_id"] = self.missing(N_("image"), image_id)
            elif show_id != values.get("show_id"):
                problems["image_id"] = _("this image belongs to another show")
        if problems:
            raise Invalid(problems)

    async def attach_image(
        self,
        record_id: int,
        filename: str,
        data: bytes,
        max_bytes: int,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Store an uploaded image and make it this show's public image, in one transaction."""
        self.require_to_change({"image_id": 0})
        current = await self.get(record_id, for_update=True)
        self.check_version(current, expected_version)
        image = await PublicImageService(self.uow).add_image(
            current["show_id"], filename, data, max_bytes
        )
        row = await self.update_row(record_id, {"image_id": image["id"]}, None)
        await self.uow.commit()
        return await self.present(row)


class PerformancePublicationIn(Input):
    performance_id: Id
    ticket_url: Url | None = Field(
        default=None, description="This performance's own ticket link (else the show's)"
    )
    sold_out: bool = False
    cancelled: bool = Field(default=False, description="Announced as cancelled in the public feeds")


class PerformancePublicationOut(PerformancePublicationIn, RecordRead):
    pass


class PerformancePublicationPatch(Input):
    ticket_url: Url | None = None
    sold_out: bool | None = None
    cancelled: bool | None = None


class PerformancePublicationService(EntityService):
    model = PerformancePublication
    entity = "performance_publication"
    label = N_("public status of a performance")
    workspace = Workspace.COMMUNICATION
    references = {"performance_id": "performance"}
    filters = {"performance_id": Filter("performance_id", int)}
    order_by = ("performance_id", "id")
    log_refs = {"performance_id": "performance"}

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        problems: dict[str, Any] = {}
        for name in ("sold_out", "cancelled"):
            if name in values and values[name] is None:
                problems[name] = _("must not be empty")
        if current is not None and values.get("performance_id") != current["performance_id"]:
            problems["performance_id"] = _("the public status stays with its performance")
        elif current is None:
            a: Any = Activity.__table__  # type: ignore[attr-defined]
            found = await self.session.execute(
                select(a.c.kind).where(a.c.id == values.get("performance_id"))
            )
            kind = found.scalar_one_or_none()
            if kind != ActivityKind.PERFORMANCE.value:
                problems["performance_id"] = self.missing(
                    N_("performance"), values.get("performance_id")
                )
        if problems:
            raise Invalid(problems)
