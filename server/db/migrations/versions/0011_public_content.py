"""Communication: the public content of shows and performances, show images, and the
communication workspace in permissions.

Existing installations give the default teams the levels a new one gets (the Communication team
manages it; Programmation, Administration and Relations publiques read it), when those teams
exist under their default names and have no level for it yet.

Revision ID: 0011
Revises: 0012 (connectors; written on 0009, chained after the connectors merged first)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AREAS_BEFORE = "'directory','technical','programming','planning','contracts','administration'"
AREAS_AFTER = (
    "'directory','technical','programming','planning','communication','contracts','administration'"
)
TEAM_LEVELS = {
    "Communication": "manage",
    "Programmation": "read",
    "Administration": "read",
    "Relations publiques": "read",
}


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
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
    ]


def _flag(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Boolean(), server_default="false", nullable=False)


def upgrade() -> None:
    op.drop_constraint("permission_area", "permissions", type_="check")
    op.create_check_constraint("permission_area", "permissions", f"area IN ({AREAS_AFTER})")

    op.create_table(
        "public_images",
        *_record_columns(),
        sa.Column("show_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("alt_fr", sa.Text(), nullable=True),
        sa.Column("original", sa.LargeBinary(), nullable=False),
        sa.Column("large_jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("large_webp", sa.LargeBinary(), nullable=False),
        sa.Column("small_jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("small_webp", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_public_images_show_id"), "public_images", ["show_id"], unique=False)

    op.create_table(
        "show_publications",
        *_record_columns(),
        sa.Column("show_id", sa.BigInteger(), nullable=False),
        _flag("published"),
        sa.Column("title_fr", sa.Text(), nullable=True),
        sa.Column("title_en", sa.Text(), nullable=True),
        sa.Column("summary_fr", sa.Text(), nullable=True),
        sa.Column("summary_en", sa.Text(), nullable=True),
        sa.Column("text_fr", sa.Text(), nullable=True),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column(
            "keywords", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("ticket_url", sa.Text(), nullable=True),
        sa.Column(
            "prices", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("audience", sa.Text(), server_default="all", nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=True),
        sa.Column("age_to", sa.Integer(), nullable=True),
        _flag("audio_description"),
        _flag("sign_language"),
        _flag("surtitles"),
        _flag("relaxed"),
        _flag("wheelchair"),
        sa.Column("image_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "audience IN ('all', 'young', 'schools')", name="show_publication_audience"
        ),
        sa.CheckConstraint(
            "age_from IS NULL OR (age_from >= 0 AND age_from <= 99)", name="show_publication_age"
        ),
        sa.CheckConstraint(
            "age_to IS NULL OR age_from IS NULL OR age_to >= age_from",
            name="show_publication_age_range",
        ),
        sa.ForeignKeyConstraint(["show_id"], ["shows.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["public_images.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("show_id"),
    )

    op.create_table(
        "performance_publications",
        *_record_columns(),
        sa.Column("performance_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_url", sa.Text(), nullable=True),
        _flag("sold_out"),
        _flag("cancelled"),
        sa.ForeignKeyConstraint(["performance_id"], ["activities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("performance_id"),
    )

    for team, level in TEAM_LEVELS.items():
        op.execute(
            sa.text(
                "INSERT INTO permissions (area, level, team_id) "
                "SELECT 'communication', :level, id FROM teams WHERE name = :team "
                "ON CONFLICT DO NOTHING"
            ).bindparams(level=level, team=team)
        )


def downgrade() -> None:
    op.drop_table("performance_publications")
    op.drop_table("show_publications")
    op.drop_index(op.f("ix_public_images_show_id"), table_name="public_images")
    op.drop_table("public_images")
    op.execute("DELETE FROM permissions WHERE area = 'communication'")
    op.drop_constraint("permission_area", "permissions", type_="check")
    op.create_check_constraint("permission_area", "permissions", f"area IN ({AREAS_BEFORE})")
