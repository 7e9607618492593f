"""A show's image: checked, then resized once at upload to the sizes web pages use.

Websites want a large and a small picture in a format every browser reads (JPEG) and a lighter
one modern browsers prefer (WebP); made here with Pillow so no page ever resizes on request.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import Select, select

from server.communication.models import PublicImage
from server.core.entities import EntityService, Filter
from server.core.errors import Invalid, NotFound
from server.core.i18n import N_, Message, Size, _
from server.core.permissions import Level, Workspace

ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# The widths made at upload, with the column holding each and the name in its address.
SIZES = {"large": 1200, "small": 600}
VARIANTS: dict[str, tuple[str, str]] = {
    # address name → (column, content type)
    "original": ("original", ""),
    "1200.jpg": ("large_jpeg", "image/jpeg"),
    "1200.webp": ("large_webp", "image/webp"),
    "600.jpg": ("small_jpeg", "image/jpeg"),
    "600.webp": ("small_webp", "image/webp"),
}
BINARY = frozenset(column for column, _type in VARIANTS.values())
MAX_PIXELS = 60_000_000  # a poster at print resolution; past that, a decompression bomb


@dataclass(frozen=True)
class Derived:
    width: int
    height: int
    content_type: str
    columns: dict[str, bytes]


def derive(data: bytes) -> Derived:
    """The sizes of an uploaded picture, or ``Invalid`` saying why it is not one."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in ACCEPTED:
                raise Invalid({"file": _("send a JPEG, PNG or WebP picture")})
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid({"file": _("the picture is too large in pixels")})
            probe.load()
            picture = ImageOps.exif_transpose(probe).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise Invalid({"file": _("send a JPEG, PNG or WebP picture")}) from error
    columns: dict[str, bytes] = {}
    for name, width in SIZES.items():
        resized = picture
        if picture.width > width:  # never enlarged: a small picture stays as sharp as it is
            height = max(1, round(picture.height * width / picture.width))
            resized = picture.resize((width, height), Image.Resampling.LANCZOS)
        for suffix, fmt, options in (
            ("jpeg", "JPEG", {"quality": 85, "optimize": True, "progressive": True}),
            ("webp", "WEBP", {"quality": 80, "method": 4}),
        ):
            out = io.BytesIO()
            resized.save(out, fmt, **options)
            columns[f"{name}_{suffix}"] = out.getvalue()
    return Derived(picture.width, picture.height, ACCEPTED[kind], columns)


class PublicImageService(EntityService):
    model = PublicImage
    entity = "public_image"
    label = N_("image")
    workspace = Workspace.COMMUNICATION
    references = {"show_id": "show"}
    filters = {"show_id": Filter("show_id", int)}
    log_refs = {"show_id": "show"}

    def base_query(self) -> Select[Any]:
        return select(*(c for c in self.table.c if c.name not in BINARY))

    async def get(self, record_id: int, *, for_update: bool = False) -> dict[str, Any]:
        row = await super().get(record_id, for_update=for_update)
        for name in BINARY:
            row.pop(name, None)
        return row

    def log(
        self,
        action: str,
        record_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        refs: dict[str, Any] | None = None,
    ) -> None:
        """The history names the picture (file, size, fingerprint), never carries its bytes."""
        strip = lambda d: {k: v for k, v in d.items() if k not in BINARY} if d else d  # noqa: E731
        super().log(action, record_id, strip(before), strip(after), refs)

    async def add_image(
        self, show_id: int, filename: str, data: bytes, max_bytes: int
    ) -> dict[str, Any]:
        """Store an uploaded picture and its web sizes, within the caller's transaction."""
        self.require(Level.WRITE)
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "image"
        problems: dict[str, Message] = {}
        if len(name) > 200 or any(ord(ch) < 32 for ch in name):
            problems["filename"] = _("give a file name of 1 to 200 printable characters")
        if not data:
            problems["file"] = _("the file is empty")
        elif len(data) > max_bytes:
            problems["file"] = _(
                "the file is larger than the {limit} accepted", limit=Size(max_bytes)
            )
        if problems:
            raise Invalid(problems)
        derived = derive(data)
        row = await self.insert_row(
            {
                "show_id": show_id,
                "filename": name,
                "content_type": derived.content_type,
                "width": derived.width,
                "height": derived.height,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "original": data,
                **derived.columns,
            }
        )
        for column in BINARY:
            row.pop(column, None)
        return row

    async def variant(self, record_id: int, name: str) -> tuple[dict[str, Any], str, bytes]:
        """One size of an image (no permission: only images of published shows are asked for
        by the public routes, which check that themselves)."""
        if name not in VARIANTS:
            raise NotFound(_("There is no size {name} of an image.", name=name))
        column, content_type = VARIANTS[name]
        t = self.table
        query = select(
            t.c.id, t.c.show_id, t.c.sha256, t.c.content_type, t.c.updated_at, t.c[column]
        )
        row = (await self.session.execute(query.where(t.c.id == record_id))).first()
        if row is None:
            raise NotFound(self.not_found(record_id))
        meta = dict(row._mapping)
        data = bytes(meta.pop(column))
        return meta, content_type or meta["content_type"], data
