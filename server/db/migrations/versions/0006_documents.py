"""What the documents need: the run of an engagement (room configuration, the company's
contacts, the venue's host, hospitality) and its contract (state with dates, VAT rate, costs,
authors' rights); a venue's own document templates; batches of documents built together.

Revision ID: 0006
Revises: 0005b
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'road_sheet','welcome_sheet','contract','activity_report'"
CONTACTS = ("tour_manager_id", "technical_contact_id", "host_contact_id")
TEXTS = ("meals", "dressing_rooms", "accommodation", "travel", "authors_rights")
COSTS = ("travel_costs", "accommodation_costs", "meal_costs")


def upgrade() -> None:
    op.add_column(
        "engagements",
        sa.Column(
            "room_configuration_id",
            sa.BigInteger(),
            sa.ForeignKey("room_configurations.id", ondelete="SET NULL"),
        ),
    )
    for name in CONTACTS:
        op.add_column(
            "engagements",
            sa.Column(name, sa.BigInteger(), sa.ForeignKey("contacts.id", ondelete="SET NULL")),
        )
    op.add_column("engagements", sa.Column("party_size", sa.Integer()))
    for name in TEXTS:
        op.add_column("engagements", sa.Column(name, sa.Text()))
    op.add_column(
        "engagements",
        sa.Column("contract_status", sa.Text(), nullable=False, server_default="draft"),
    )
    op.add_column("engagements", sa.Column("contract_sent_on", sa.Date()))
    op.add_column("engagements", sa.Column("contract_signed_on", sa.Date()))
    op.add_column("engagements", sa.Column("vat_rate", sa.Numeric(5, 2)))
    for name in COSTS:
        op.add_column("engagements", sa.Column(name, sa.Numeric(12, 2)))
    op.create_check_constraint(
        "engagement_contract_status", "engagements", "contract_status IN ('draft','sent','signed')"
    )
    op.create_check_constraint(
        "engagement_vat_rate",
        "engagements",
        "vat_rate IS NULL OR (vat_rate >= 0 AND vat_rate <= 100)",
    )
    op.create_check_constraint(
        "engagement_costs",
        "engagements",
        "coalesce(travel_costs, 0) >= 0 AND coalesce(accommodation_costs, 0) >= 0"
        " AND coalesce(meal_costs, 0) >= 0",
    )
    op.create_check_constraint(
        "engagement_party_size", "engagements", "party_size IS NULL OR party_size >= 0"
    )

    op.create_table(
        "document_templates",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("kind", sa.Text(), nullable=False, unique=True),
        sa.Column("source", sa.Text()),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="document_template_kind"),
    )
    op.create_table(
        "document_batches",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("request", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("message", sa.Text()),
        sa.Column("filename", sa.Text()),
        sa.Column("size", sa.BigInteger()),
        sa.Column("requested_by", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("content", sa.LargeBinary()),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="document_batch_kind"),
        sa.CheckConstraint(
            "status IN ('queued','running','done','failed')", name="document_batch_status"
        ),
    )
    op.create_index("ix_document_batches_requested_by", "document_batches", ["requested_by"])


def downgrade() -> None:
    op.drop_index("ix_document_batches_requested_by", table_name="document_batches")
    op.drop_table("document_batches")
    op.drop_table("document_templates")
    for name in (
        "engagement_party_size",
        "engagement_costs",
        "engagement_vat_rate",
        "engagement_contract_status",
    ):
        op.drop_constraint(name, "engagements", type_="check")
    for name in (
        *COSTS,
        "vat_rate",
        "contract_signed_on",
        "contract_sent_on",
        "contract_status",
        *TEXTS,
        "party_size",
        *CONTACTS,
        "room_configuration_id",
    ):
        op.drop_column("engagements", name)
