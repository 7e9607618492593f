"""Connectors: named exports for ticketing and payroll tools, on demand or on a schedule.

Revision ID: 0012
Revises: 0009 (activity kind colours)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connectors",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entity", sa.Text(), nullable=False),
        sa.Column(
            "filters", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "fields", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("date_format", sa.Text(), nullable=False),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("csv_bom", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("csv_separator", sa.Text(), server_default=",", nullable=False),
        sa.Column("schedule", sa.Text(), server_default="none", nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Text(), nullable=True),
        sa.Column("push_url", sa.Text(), nullable=True),
        sa.Column("push_secret", sa.Text(), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "entity IN ('performances','engagements','activities','shows','contacts')",
            name="connector_entity",
        ),
        sa.CheckConstraint(
            "date_format IN ('iso','utc','unix','local_split','french')",
            name="connector_date_format",
        ),
        sa.CheckConstraint("output IN ('json','csv','xlsx')", name="connector_output"),
        sa.CheckConstraint(
            "schedule IN ('none','hourly','daily','weekly')", name="connector_schedule"
        ),
        sa.CheckConstraint("csv_separator IN (',',';')", name="connector_csv_separator"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_connectors_next_run_at", "connectors", ["next_run_at"])
    op.create_index("ix_connectors_owner_id", "connectors", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_connectors_owner_id", table_name="connectors")
    op.drop_index("ix_connectors_next_run_at", table_name="connectors")
    op.drop_table("connectors")
