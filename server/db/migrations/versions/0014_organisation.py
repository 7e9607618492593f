"""The organisation running Saison, one row an administrator edits: name, logo, time zone,
language, and the numbers contracts carry (SIRET, APE, VAT, licences, who signs). The first
start fills it from the environment (server/core/organisation.py).

Revision ID: 0014
Revises: 0013 (personal data; written on 0009, chained after main's head at the rebase)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = (
    "name",
    "address",
    "postcode",
    "city",
    "siret",
    "ape_code",
    "vat_number",
    "licence_1",
    "licence_2",
    "licence_3",
    "representative_name",
    "representative_title",
)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        *(sa.Column(name, sa.Text()) for name in TEXTS[:4]),
        sa.Column("timezone", sa.Text(), server_default="Europe/Paris", nullable=False),
        sa.Column("language", sa.Text(), server_default="fr", nullable=False),
        *(sa.Column(name, sa.Text()) for name in TEXTS[4:]),
        sa.Column("logo", sa.LargeBinary()),
        sa.Column("logo_type", sa.Text()),
        sa.Column("logo_sha256", sa.Text()),
        sa.Column("initialised", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("id = 1", name="organisation_one_row"),
        sa.CheckConstraint("language IN ('fr','en')", name="organisation_language"),
        sa.CheckConstraint("siret IS NULL OR siret ~ '^[0-9]{14}$'", name="organisation_siret"),
    )
    op.execute("INSERT INTO organisation (id) VALUES (1)")


def downgrade() -> None:
    op.drop_table("organisation")
