"""A person's data may be erased from the history too (GDPR), by one audited function.

- ``saison_redacted(payload, keys)``: a change-log payload with those keys emptied;
- ``change_log_is_append_only()`` replaced: an UPDATE that empties a record's personal keys is
  let through inside ``saison_erase_personal`` only (its audit entry written in the same
  transaction); everything else stays refused, DELETE and TRUNCATE always;
- ``saison_erase_personal(...)``: appends ``<entity>.erased`` and redacts the earlier entries of
  that record.

Revision ID: 0013
Revises: 0011 (public content; written on 0009, chained after main's migrations at the rebase)
"""

from collections.abc import Sequence

from alembic import op

from server.db.migrate import rules

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in rules("0013"):  # server/db/sql/0013/
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION saison_erase_personal")
    # The original guard (server/db/sql/0001/), refusing every update again.
    original = rules("0001")[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    op.execute(original)
    op.execute("DROP FUNCTION saison_redacted")
