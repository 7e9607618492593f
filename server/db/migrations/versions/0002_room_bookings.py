"""No double booking: room bookings under an exclusion constraint, room links, kinds, templates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:02:38.922088
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KINDS = [
    # kind, blocks the room, French label, English label
    ("performance", True, "Représentation", "Performance"),
    ("get_in", True, "Montage", "Get-in"),
    ("get_out", True, "Démontage", "Get-out"),
    ("rehearsal", True, "Répétition", "Rehearsal"),
    ("technical_service", True, "Service technique", "Technical service"),
    ("private_hire", True, "Location", "Private hire"),
    ("meeting", False, "Réunion", "Meeting"),
    ("maintenance", False, "Maintenance", "Maintenance"),
    ("mediation", False, "Action de médiation", "Mediation action"),
    ("other", False, "Autre", "Other"),
]

TEMPLATES = [
    # name, kind, anchor, day_offset, start_time, end_time, start_minutes, end_minutes, title
    ("Montage la veille", "get_in", "before_first", 1, "09:00", "18:00", None, None, "Montage"),
    ("Montage le jour même", "get_in", "before_first", 0, "09:00", "17:00", None, None, "Montage"),
    (
        "Démontage après la dernière",
        "get_out",
        "after_last",
        0,
        "23:00",
        "23:59",
        None,
        None,
        "Démontage",
    ),
    (
        "Démontage le lendemain",
        "get_out",
        "after_last",
        1,
        "09:00",
        "13:00",
        None,
        None,
        "Démontage",
    ),
    ("Service de jeu", "technical_service", "each_performance", 0, None, None, -120, 30, "Service"),
]

BOOKINGS_SQL = [
    """ALTER TABLE room_bookings ADD CONSTRAINT room_bookings_no_overlap
        EXCLUDE USING gist (lock_key WITH =, during WITH &&, holder WITH <>)
        DEFERRABLE INITIALLY IMMEDIATE""",
    # Keep bookings in step with activities; runs inside the writer's transaction, so a
    # conflicting write fails as a whole whatever code path made it.
    """CREATE FUNCTION sync_room_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        holder bigint;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM room_bookings WHERE activity_id = OLD.id;
        END IF;
        IF NEW.status = 'confirmed' AND NEW.room_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM activity_kinds k WHERE k.kind = NEW.kind AND k.blocks_room
        ) THEN
            -- Activities of one engagement share the room (a service during its performance);
            -- anything else is a different holder and may not overlap.
            holder := COALESCE(
                NEW.engagement_id,
                (SELECT p.engagement_id FROM activities p WHERE p.id = NEW.performance_id),
                -NEW.id
            );
            -- Bookings of one room queue here until the earlier one commits, so the
            -- constraint then refuses cleanly (23P01) instead of two writers deadlocking
            -- on each other's uncommitted rows. Keys in order: no lock cycles.
            PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
            FROM (
                SELECT 'room:' || NEW.room_id AS k
                UNION
                SELECT 'link:' || l.id FROM room_links l
                WHERE NEW.room_id IN (l.room_id, l.other_room_id)
            ) keys
            ORDER BY k;
            INSERT INTO room_bookings (activity_id, link_id, lock_key, holder, during)
            SELECT NEW.id, NULL, 'room:' || NEW.room_id, holder,
                   tstzrange(NEW.starts_at, NEW.ends_at, '[)')
            UNION ALL
            SELECT NEW.id, l.id, 'link:' || l.id, holder, tstzrange(NEW.starts_at, NEW.ends_at, '[)')
            FROM room_links l WHERE NEW.room_id IN (l.room_id, l.other_room_id);
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER activities_room_bookings
        AFTER INSERT OR UPDATE OF status, room_id, starts_at, ends_at, kind, engagement_id,
            performance_id ON activities
        FOR EACH ROW EXECUTE FUNCTION sync_room_bookings()""",
    # Linking two rooms books the link for everything already booked in either room: if they
    # are already used at the same time, the link is refused by the same constraint.
    """CREATE FUNCTION book_room_link() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended(k, 0))
        FROM (VALUES ('link:' || NEW.id), ('room:' || NEW.room_id), ('room:' || NEW.other_room_id))
            AS keys(k)
        ORDER BY k;
        INSERT INTO room_bookings (activity_id, link_id, lock_key, holder, during)
        SELECT b.activity_id, NEW.id, 'link:' || NEW.id, b.holder, b.during
        FROM room_bookings b
        WHERE b.link_id IS NULL
          AND b.lock_key IN ('room:' || NEW.room_id, 'room:' || NEW.other_room_id);
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER room_links_bookings AFTER INSERT ON room_links
        FOR EACH ROW EXECUTE FUNCTION book_room_link()""",
    # Changing whether a kind blocks rooms re-books every activity of that kind.
    """CREATE FUNCTION rebook_kind() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.blocks_room IS DISTINCT FROM OLD.blocks_room THEN
            UPDATE activities SET kind = kind WHERE kind = NEW.kind;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER activity_kinds_rebook AFTER UPDATE ON activity_kinds
        FOR EACH ROW EXECUTE FUNCTION rebook_kind()""",
]


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "activity_kinds",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("blocks_room", sa.Boolean(), nullable=False),
        sa.Column("label_fr", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "activity_templates",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("anchor", sa.Text(), nullable=False),
        sa.Column("day_offset", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("start_minutes", sa.Integer(), nullable=True),
        sa.Column("end_minutes", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "anchor IN ('before_first','after_last','each_performance')", name="template_anchor"
        ),
        sa.CheckConstraint(
            "kind IN ('performance','get_in','get_out','rehearsal','technical_service','meeting','maintenance','private_hire','mediation','other')",
            name="template_kind",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "room_links",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("room_id", sa.BigInteger(), nullable=False),
        sa.Column("other_room_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("room_id < other_room_id", name="room_link_ordered"),
        sa.ForeignKeyConstraint(["other_room_id"], ["rooms.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room_id", "other_room_id", name="room_link_once"),
    )
    op.create_table(
        "room_bookings",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=False),
        sa.Column("link_id", sa.BigInteger(), nullable=True),
        sa.Column("lock_key", sa.Text(), nullable=False),
        sa.Column("holder", sa.BigInteger(), nullable=False),
        sa.Column("during", postgresql.TSTZRANGE(), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["link_id"], ["room_links.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_room_bookings_activity_id"), "room_bookings", ["activity_id"], unique=False
    )
    op.create_index(op.f("ix_room_bookings_link_id"), "room_bookings", ["link_id"], unique=False)
    # ### end Alembic commands ###
    op.bulk_insert(
        sa.table(
            "activity_kinds",
            sa.column("kind"),
            sa.column("blocks_room"),
            sa.column("label_fr"),
            sa.column("label_en"),
        ),
        [dict(zip(("kind", "blocks_room", "label_fr", "label_en"), k, strict=True)) for k in KINDS],
    )
    for name, kind, anchor, offset, start, end, start_min, end_min, title in TEMPLATES:
        op.execute(
            sa.text(
                "INSERT INTO activity_templates (name, kind, anchor, day_offset, start_time, "
                "end_time, start_minutes, end_minutes, title) VALUES (:n, :k, :a, :o, "
                "CAST(:s AS time), CAST(:e AS time), :sm, :em, :t)"
            ).bindparams(
                n=name,
                k=kind,
                a=anchor,
                o=offset,
                s=start,
                e=end,
                sm=start_min,
                em=end_min,
                t=title,
            )
        )
    for statement in BOOKINGS_SQL:
        op.execute(statement)
    # Bookings for what already exists (an upgrade of a running season).
    op.execute("UPDATE activities SET kind = kind")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS activity_kinds_rebook ON activity_kinds")
    op.execute("DROP TRIGGER IF EXISTS room_links_bookings ON room_links")
    op.execute("DROP TRIGGER IF EXISTS activities_room_bookings ON activities")
    op.execute("DROP FUNCTION IF EXISTS rebook_kind()")
    op.execute("DROP FUNCTION IF EXISTS book_room_link()")
    op.execute("DROP FUNCTION IF EXISTS sync_room_bookings()")
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f("ix_room_bookings_link_id"), table_name="room_bookings")
    op.drop_index(op.f("ix_room_bookings_activity_id"), table_name="room_bookings")
    op.drop_table("room_bookings")
    op.drop_table("room_links")
    op.drop_table("activity_templates")
    op.drop_table("activity_kinds")
    # ### end Alembic commands ###
