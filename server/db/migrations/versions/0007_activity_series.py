"""Repeating activities, and what phones send that an activity does not hold.

- ``activity_series``: a repeating activity's pattern and bounded RRULE; its occurrences are
  ordinary activities linked by ``activities.series_id`` and ``occurrence_start`` (the
  RECURRENCE-ID), so bookings, the timeline and the exclusion constraint are unchanged.
- ``calendar_objects`` may name a series (``series_id``, ``series_origin_id``), and the names
  of events Saison made once an app moved them to a name of its own.
- ``calendar_properties``: attendees, organizer, URL… an app sent, kept and served back.
- ``calendar_alarms``: each person's reminders (VALARM), with a revision for sync.
- The partial index sync reads now covers ``activity_series`` changes too.

Revision ID: 0007
Revises: 0006 (written on 0005b; chained after the documents migration once it landed)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'performance','get_in','get_out','rehearsal','technical_service','meeting',"
    "'maintenance','private_hire','mediation','other'"
)
ENTITIES_BEFORE = (
    "'activity', 'performance', 'show', 'engagement', 'room', 'venue', 'organisation', "
    "'contact', 'contact_role'"
)
ENTITIES_AFTER = (
    "'activity', 'activity_series', 'performance', 'show', 'engagement', 'room', 'venue', "
    "'organisation', 'contact', 'contact_role'"
)


def _calendar_index(entities: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_change_log_calendar")
    op.execute(
        f"CREATE INDEX ix_change_log_calendar ON change_log (seq) WHERE entity IN ({entities})"
    )


def upgrade() -> None:
    op.create_table(
        "activity_series",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("room_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "assignee_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS}) AND kind <> 'performance'", name="series_kind"),
        sa.CheckConstraint("status IN ('tentative','confirmed','cancelled')", name="series_status"),
        sa.CheckConstraint("ends_at > starts_at", name="series_period"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )  # fmt: skip
    op.create_index("ix_activity_series_room_id", "activity_series", ["room_id"])
    op.create_index("ix_activity_series_team_id", "activity_series", ["team_id"])

    op.add_column("activities", sa.Column("series_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "activities", sa.Column("occurrence_start", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_foreign_key(
        "activities_series_id_fkey",
        "activities",
        "activity_series",
        ["series_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_activities_series_id", "activities", ["series_id"])
    op.create_unique_constraint(
        "activity_occurrence_once", "activities", ["series_id", "occurrence_start"]
    )

    op.alter_column("calendar_objects", "origin_id", nullable=True)
    op.add_column("calendar_objects", sa.Column("series_id", sa.BigInteger(), nullable=True))
    op.add_column("calendar_objects", sa.Column("series_origin_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        "calendar_objects_series_id_fkey",
        "calendar_objects",
        "activity_series",
        ["series_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_unique_constraint("calendar_objects_series_id_key", "calendar_objects", ["series_id"])
    op.create_index(
        "ix_calendar_objects_series_origin_id", "calendar_objects", ["series_origin_id"]
    )

    op.create_table(
        "calendar_properties",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=True),
        sa.Column("series_id", sa.BigInteger(), nullable=True),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.CheckConstraint("(activity_id IS NULL) <> (series_id IS NULL)", name="properties_of_one"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["series_id"], ["activity_series.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id"),
        sa.UniqueConstraint("series_id"),
    )  # fmt: skip

    op.execute("CREATE SEQUENCE calendar_alarm_revs")
    op.create_table(
        "calendar_alarms",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=True),
        sa.Column("series_id", sa.BigInteger(), nullable=True),
        sa.Column("alarms", sa.Text(), nullable=False),
        sa.Column(
            "rev", sa.BigInteger(), server_default=sa.text("nextval('calendar_alarm_revs')"),
            nullable=False,
        ),
        sa.CheckConstraint("(activity_id IS NULL) <> (series_id IS NULL)", name="alarms_of_one"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["series_id"], ["activity_series.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "activity_id", name="alarms_once_per_activity"),
        sa.UniqueConstraint("user_id", "series_id", name="alarms_once_per_series"),
    )  # fmt: skip
    op.execute("ALTER SEQUENCE calendar_alarm_revs OWNED BY calendar_alarms.rev")
    op.create_index("ix_calendar_alarms_user_rev", "calendar_alarms", ["user_id", "rev"])
    op.create_index("ix_calendar_alarms_activity_id", "calendar_alarms", ["activity_id"])
    op.create_index("ix_calendar_alarms_series_id", "calendar_alarms", ["series_id"])

    _calendar_index(ENTITIES_AFTER)


def downgrade() -> None:
    _calendar_index(ENTITIES_BEFORE)
    op.drop_table("calendar_alarms")
    op.execute("DROP SEQUENCE IF EXISTS calendar_alarm_revs")
    op.drop_table("calendar_properties")
    op.drop_index("ix_calendar_objects_series_origin_id", table_name="calendar_objects")
    op.drop_constraint("calendar_objects_series_id_key", "calendar_objects", type_="unique")
    op.drop_constraint("calendar_objects_series_id_fkey", "calendar_objects", type_="foreignkey")
    op.drop_column("calendar_objects", "series_origin_id")
    op.drop_column("calendar_objects", "series_id")
    op.execute("DELETE FROM calendar_objects WHERE origin_id IS NULL")
    op.alter_column("calendar_objects", "origin_id", nullable=False)
    op.drop_constraint("activity_occurrence_once", "activities", type_="unique")
    op.drop_index("ix_activities_series_id", table_name="activities")
    op.drop_constraint("activities_series_id_fkey", "activities", type_="foreignkey")
    op.drop_column("activities", "occurrence_start")
    op.drop_column("activities", "series_id")
    op.drop_table("activity_series")
