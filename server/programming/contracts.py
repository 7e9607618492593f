"""The performance contract of an engagement: where it stands and its financial terms.

Everything here is confidential, as the fee always was: only those who may read contracts see
it (``EngagementService.visible`` and ``server.audit.history.visible_change`` hide these
fields, in answers and in the change log alike), and only those who may write contracts change
it (the Administration team, which prepares contracts without choosing shows, changes these
fields alone: ``EntityService.require_to_change``).

A contract is drafted, sent to the company, then signed. The dates follow the state: a sent
contract has the day it was sent (today if not given), a signed one the day it was signed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from server.core.fields import Input, LongText
from server.core.i18n import Message, _
from server.core.venue import venue


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    SIGNED = "signed"


Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class ContractFields(Input):
    """The contract's state and terms; each may be left out."""

    fee: Money | None = Field(default=None, description="For the whole run, excluding VAT")
    vat_rate: Rate | None = Field(default=None, description="VAT on the fee, in %, e.g. 5.5")
    travel_costs: Money | None = Field(default=None, description="Paid on top of the fee")
    accommodation_costs: Money | None = None
    meal_costs: Money | None = None
    authors_rights: LongText | None = Field(
        default=None, description="Who declares and pays them (SACD, SACEM…)"
    )
    contract_terms: LongText | None = Field(default=None, description="Particular conditions")
    contract_status: ContractStatus | None = Field(
        default=None, description="draft (the default), sent or signed"
    )
    contract_sent_on: date | None = None
    contract_signed_on: date | None = None


COSTS = ("travel_costs", "accommodation_costs", "meal_costs")
CENT = Decimal("0.01")


def venue_today() -> date:
    return datetime.now(venue().tz).date()


def check(values: dict[str, Any], current: dict[str, Any] | None) -> dict[str, str | Message]:
    """The contract's state and dates agree; completes the dates a state change implies.

    Returns the problems by field (empty when all is well).
    """
    problems: dict[str, str | Message] = {}
    today = venue_today()
    status = values.get("contract_status")
    if status is None:
        if current is not None:
            problems["contract_status"] = _("choose draft, sent or signed")
            return problems
        status = values["contract_status"] = ContractStatus.DRAFT.value
    status = str(status)
    changed = current is None or current.get("contract_status") != status
    sent, signed = values.get("contract_sent_on"), values.get("contract_signed_on")
    if status == ContractStatus.DRAFT:
        for name in ("contract_sent_on", "contract_signed_on"):
            if values.get(name) is not None:
                problems[name] = _(
                    "a draft has not been sent or signed: clear this date, or change "
                    "contract_status"
                )
    if status == ContractStatus.SENT:
        if signed is not None:
            problems["contract_signed_on"] = _(
                "set contract_status to signed to record the signature"
            )
        if sent is None:
            if changed:
                sent = values["contract_sent_on"] = today
            else:
                problems["contract_sent_on"] = _("a sent contract keeps the day it was sent")
    if status == ContractStatus.SIGNED and signed is None:
        if changed:
            signed = values["contract_signed_on"] = today
        else:
            problems["contract_signed_on"] = _("a signed contract keeps the day it was signed")
    for name, day in (("contract_sent_on", sent), ("contract_signed_on", signed)):
        if day is not None and day > today and name not in problems:
            problems[name] = _("cannot be in the future")
    if sent is not None and signed is not None and signed < sent:
        problems.setdefault("contract_signed_on", _("cannot be before contract_sent_on"))
    return problems


def vat_of(fee: Decimal, rate: Decimal) -> Decimal:
    """The VAT on a fee, to the cent (half up, as invoices round)."""
    return (fee * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
