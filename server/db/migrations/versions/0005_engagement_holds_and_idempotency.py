"""A confirmed engagement holds its room and dates (exclusion constraint kept by triggers, as
room bookings are); options remember what they are blocked behind; requests carrying an
Idempotency-Key are remembered with their answer.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from server.db.migrate import rules

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


HOLDS_SQL = rules("0005")  # server/db/sql/0005/

# Holds for a season already running. Engagements confirmed over one another before this
# rule existed keep their state without a hold (the first confirmed keeps it); the next change
# to one of them is refused with a 409 naming the other, so the venue sees and settles it.
EXISTING_SQL = """
DO $$
DECLARE
    e record;
BEGIN
    FOR e IN SELECT id FROM engagements WHERE status = 'confirmed' ORDER BY id LOOP
        BEGIN
            UPDATE engagements SET status = status WHERE id = e.id;
        EXCEPTION WHEN exclusion_violation THEN
            RAISE WARNING 'engagement % is confirmed over another show''s dates: settle it', e.id;
        END;
    END LOOP;
END
$$
"""


def upgrade() -> None:
    op.add_column(
        "engagements",
        sa.Column(
            "blocked_by_id",
            sa.BigInteger(),
            sa.ForeignKey("engagements.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_engagements_blocked_by_id", "engagements", ["blocked_by_id"])
    op.create_table(
        "engagement_holds",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("engagement_id", sa.BigInteger(), nullable=False),
        sa.Column("link_id", sa.BigInteger(), nullable=True),
        sa.Column("lock_key", sa.Text(), nullable=False),
        sa.Column("show_id", sa.BigInteger(), nullable=False),
        sa.Column("during", postgresql.DATERANGE(), nullable=False),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagements.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["room_links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_engagement_holds_engagement_id", "engagement_holds", ["engagement_id"], unique=False
    )
    op.create_index("ix_engagement_holds_link_id", "engagement_holds", ["link_id"], unique=False)
    for statement in HOLDS_SQL:
        op.execute(statement)
    op.execute(EXISTING_SQL)

    op.create_table(
        "idempotent_requests",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key_digest", sa.LargeBinary(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("request_digest", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response", sa.LargeBinary(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "key_digest"),
    )
    op.create_index(
        "ix_idempotent_requests_expires_at", "idempotent_requests", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_idempotent_requests_expires_at", table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
    op.execute("DROP TRIGGER IF EXISTS room_links_engagement_holds ON room_links")
    op.execute("DROP TRIGGER IF EXISTS engagements_holds ON engagements")
    op.execute("DROP FUNCTION IF EXISTS hold_room_link()")
    op.execute("DROP FUNCTION IF EXISTS sync_engagement_holds()")
    op.drop_index("ix_engagement_holds_link_id", table_name="engagement_holds")
    op.drop_index("ix_engagement_holds_engagement_id", table_name="engagement_holds")
    op.drop_table("engagement_holds")
    op.drop_index("ix_engagements_blocked_by_id", table_name="engagements")
    op.drop_column("engagements", "blocked_by_id")
