"""Technical tables: venues, rooms, room configurations, technical sheets and attachments."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field

from server.core.records import Record


class Venue(Record, table=True):
    __tablename__ = "venues"

    name: str = Field(sa_type=Text)
    address: str | None = Field(default=None, sa_type=Text)
    postcode: str | None = Field(default=None, sa_type=Text)
    city: str | None = Field(default=None, sa_type=Text)
    country: str | None = Field(default="FR", sa_type=Text)
    phone: str | None = Field(default=None, sa_type=Text)
    access_notes: str | None = Field(default=None, sa_type=Text)
    is_own: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="true")
    )
    notes: str | None = Field(default=None, sa_type=Text)


class Room(Record, table=True):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("venue_id", "name", name="room_name_per_venue"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="room_capacity"),
    )

    venue_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("venues.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    name: str = Field(sa_type=Text)
    capacity: int | None = Field(default=None, sa_type=Integer)
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    color: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class RoomConfiguration(Record, table=True):
    """A named seating/stage layout of a room (bi-frontal, cabaret, standing…)."""

    __tablename__ = "room_configurations"
    __table_args__ = (UniqueConstraint("room_id", "name", name="configuration_name_per_room"),)

    room_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(sa_type=Text)
    capacity: int | None = Field(default=None, sa_type=Integer)
    description: str | None = Field(default=None, sa_type=Text)


class TechnicalSheet(Record, table=True):
    """A room's technical sheet or a show's rider: exactly one of the two."""

    __tablename__ = "technical_sheets"
    __table_args__ = (
        CheckConstraint("(room_id IS NULL) <> (show_id IS NULL)", name="sheet_of_room_or_show"),
    )

    room_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), index=True),
    )
    show_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("shows.id", ondelete="CASCADE"), index=True),
    )
    title: str = Field(sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class Attachment(Record, table=True):
    """A file of a technical sheet, kept in the database so every process and backup has it."""

    __tablename__ = "attachments"

    technical_sheet_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("technical_sheets.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    filename: str = Field(sa_type=Text)
    content_type: str = Field(sa_type=Text)
    size: int = Field(sa_type=BigInteger)
    sha256: str = Field(sa_type=Text)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RoomLink(Record, table=True):
    """Two rooms that cannot be used at the same time (shared stage, crew, sound bleed)."""

    __tablename__ = "room_links"
    __table_args__ = (
        CheckConstraint("room_id < other_room_id", name="room_link_ordered"),
        UniqueConstraint("room_id", "other_room_id", name="room_link_once"),
    )

    room_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False)
    )
    other_room_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False)
    )
    reason: str | None = Field(default=None, sa_type=Text)
