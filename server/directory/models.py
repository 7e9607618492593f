"""Directory tables: organisations, contacts and their roles, places."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ARRAY, BigInteger, CheckConstraint, Column, ForeignKey, Index, Text
from sqlmodel import Field

from server.core.records import PERSONAL, Record, search_index


class OrganisationKind(StrEnum):
    COMPANY = "company"
    PRODUCER = "producer"
    AGENCY = "agency"
    PARTNER_VENUE = "partner_venue"
    FUNDER = "funder"
    OTHER = "other"


class Organisation(Record, table=True):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('company','producer','agency','partner_venue','funder','other')",
            name="organisation_kind",
        ),
        Index("ix_organisations_name", "name"),
        search_index("ix_organisations_name_search", "name"),
    )

    name: str = Field(sa_type=Text)
    kind: str = Field(default="company", sa_type=Text)
    email: str | None = Field(default=None, sa_type=Text)
    phone: str | None = Field(default=None, sa_type=Text)
    website: str | None = Field(default=None, sa_type=Text)
    address: str | None = Field(default=None, sa_type=Text)
    postcode: str | None = Field(default=None, sa_type=Text)
    city: str | None = Field(default=None, sa_type=Text)
    country: str | None = Field(default="FR", sa_type=Text)
    siret: str | None = Field(default=None, sa_type=Text)
    ape_code: str | None = Field(default=None, sa_type=Text)
    vat_number: str | None = Field(default=None, sa_type=Text)
    licence_numbers: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class Contact(Record, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_name", "last_name", "first_name"),
        search_index("ix_contacts_first_name_search", "first_name"),
        search_index("ix_contacts_last_name_search", "last_name"),
    )

    # A person's own data (PERSONAL): exported on request, erased on request, history included.
    first_name: str = Field(sa_type=Text, sa_column_kwargs={"info": PERSONAL})
    last_name: str = Field(sa_type=Text, sa_column_kwargs={"info": PERSONAL})
    emails: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}", info=PERSONAL),
    )
    phones: list[str] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(Text), nullable=False, server_default="{}", info=PERSONAL),
    )
    notes: str | None = Field(default=None, sa_type=Text, sa_column_kwargs={"info": PERSONAL})


class ContactRole(Record, table=True):
    """A person's role at an organisation (tour manager at Compagnie X)."""

    __tablename__ = "contact_roles"

    contact_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    organisation_id: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("organisations.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    role: str = Field(sa_type=Text)


class Place(Record, table=True):
    """A place in the directory; one of our venues is *linked* (venue_id), never copied."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint("venue_id IS NOT NULL OR name IS NOT NULL", name="place_named"),
    )

    name: str | None = Field(default=None, sa_type=Text)
    address: str | None = Field(default=None, sa_type=Text)
    postcode: str | None = Field(default=None, sa_type=Text)
    city: str | None = Field(default=None, sa_type=Text)
    country: str | None = Field(default=None, sa_type=Text)
    venue_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("venues.id", ondelete="RESTRICT"), unique=True),
    )
    notes: str | None = Field(default=None, sa_type=Text)
