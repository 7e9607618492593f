"""Each kind of activity has a colour a venue may change (the timeline paints blocks with it).

The shipped colours are those the browser app used until now, so nothing changes on screen.

Revision ID: 0009
Revises: 0008 (search)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT = "#a5aab3"
COLOURS = {
    "performance": "#b5375a",
    "rehearsal": "#2f6fc4",
    "get_in": "#e19a3c",
    "get_out": "#c7a530",
    "technical_service": "#4f8a52",
    "mediation": "#8160b8",
    "private_hire": "#23877c",
    "meeting": "#6f7782",
    "maintenance": "#3d3f45",
    "other": DEFAULT,
}


def upgrade() -> None:
    op.add_column(
        "activity_kinds",
        sa.Column("colour", sa.Text(), server_default=DEFAULT, nullable=False),
    )
    kinds = sa.table("activity_kinds", sa.column("kind"), sa.column("colour"))
    for kind, colour in COLOURS.items():
        op.execute(kinds.update().where(kinds.c.kind == kind).values(colour=colour))
    op.create_check_constraint(
        "activity_kinds_colour_hex", "activity_kinds", "colour ~ '^#[0-9a-f]{6}$'"
    )


def downgrade() -> None:
    op.drop_constraint("activity_kinds_colour_hex", "activity_kinds", type_="check")
    op.drop_column("activity_kinds", "colour")
