"""People assigned to an activity (their "my schedule" calendar shows it).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "activities",
        sa.Column(
            "assignee_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default="{}",
            nullable=False,
        ),
    )
    op.create_index(
        "ix_activities_assignees", "activities", ["assignee_ids"], postgresql_using="gin"
    )


def downgrade() -> None:
    op.drop_index("ix_activities_assignees", table_name="activities")
    op.drop_column("activities", "assignee_ids")
