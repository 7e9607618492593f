"""The shipped get-out template follows the last performance's end instead of a fixed 23:00.

"Démontage après la dernière" ran 23:00–23:59 whatever time the last performance ended (even
after a 16:00 Sunday matinée). It now starts a quarter of an hour after the last performance
ends and lasts one four-hour service. Only a template still as shipped is changed: a venue
that edited it keeps its own. No schema change: templates already had minute offsets.

Revision ID: 0005b
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005b"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "Démontage après la dernière"


def upgrade() -> None:
    op.execute(
        f"""UPDATE activity_templates
        SET start_time = NULL, end_time = NULL, start_minutes = 15, end_minutes = 255,
            version = version + 1, updated_at = now()
        WHERE name = '{NAME}' AND anchor = 'after_last' AND day_offset = 0
          AND start_time = '23:00' AND end_time = '23:59'
          AND start_minutes IS NULL AND end_minutes IS NULL"""
    )


def downgrade() -> None:
    op.execute(
        f"""UPDATE activity_templates
        SET start_time = '23:00', end_time = '23:59', start_minutes = NULL, end_minutes = NULL,
            version = version + 1, updated_at = now()
        WHERE name = '{NAME}' AND anchor = 'after_last' AND day_offset = 0
          AND start_time IS NULL AND end_time IS NULL
          AND start_minutes = 15 AND end_minutes = 255"""
    )
