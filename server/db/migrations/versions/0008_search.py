"""Search that ignores accents and case: "lac gele" finds "Lac Gelé", "oedipe" finds "Œdipe".

- ``unaccent`` (accents and ligatures off, typographic quotes to plain ones) and ``pg_trgm``
  (indexes that serve ``LIKE '%…%'``). Both ship with PostgreSQL (the external server's contrib
  and the embedded one alike) and are *trusted* extensions: the database's owner may create
  them, no superuser needed.
- ``saison_fold(text)``: the one way text is compared, lower case without accents. It is
  immutable (``unaccent`` alone is only stable, as its dictionary could change) so indexes may
  use it; the extension's schema is written into it, so it works whatever the search path
  (restores of a dump run with an empty one).
- Trigram indexes on the folded names of the tables that grow (activities, shows, directory).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.db.migrate import rules

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_activities_title_search": ("activities", "title"),
    "ix_shows_title_search": ("shows", "title"),
    "ix_organisations_name_search": ("organisations", "name"),
    "ix_contacts_first_name_search": ("contacts", "first_name"),
    "ix_contacts_last_name_search": ("contacts", "last_name"),
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT quote_ident(n.nspname) FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            )
        )
        .scalar_one()
    )
    (fold,) = rules("0008")  # server/db/sql/0008/: {unaccent} is the extension's schema
    op.execute(fold.replace("{unaccent}", schema))
    trigram = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT quote_ident(n.nspname) FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
        )
        .scalar_one()
    )
    for name, (table, column) in INDEXES.items():
        op.execute(
            f"CREATE INDEX {name} ON {table} USING gin (saison_fold({column}) {trigram}.gin_trgm_ops)"
        )


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP FUNCTION IF EXISTS saison_fold(text)")
    # The extensions stay: an administrator may have created them for us beforehand, and
    # other tools in the database may use them.
