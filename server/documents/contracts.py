"""The performance contract (contrat de cession du droit d'exploitation d'un spectacle).

Between the producer, who sells the right to perform the show (the show's producer, else its
company), with its numbers as the directory has them, and the organiser, the organisation
running Saison, with the numbers and the signatory of its record (Administration ›
Organisation, server/core/organisation.py); the show, its dates and places, the fee excluding
and including VAT, the costs paid on top, authors' rights, and the terms every such contract
carries. Only for those who may read contracts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.core.errors import PermissionDenied
from server.core.i18n import N_, _
from server.documents import formatting as fmt
from server.documents.sources import Sources
from server.programming.contracts import COSTS, vat_of, venue_today

COST_LABELS = {
    "travel_costs": N_("Travel"),
    "accommodation_costs": N_("Accommodation"),
    "meal_costs": N_("Meals"),
}
STATUS_LABELS = {"draft": N_("Draft"), "sent": N_("Sent"), "signed": N_("Signed")}


def money(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


async def contract(src: Sources, engagement_id: int) -> dict[str, Any]:
    language = src.language
    if not src.actor.can_read_fees:  # the route says so too; the rule lives in one place
        raise PermissionDenied(_("read access to contracts is needed for this document"))
    engagement = await src.engagement(engagement_id)
    show = await src.show(engagement["show_id"])
    room, venue = await src.venue_of_room(engagement["room_id"])
    activities = await src.activities(engagement_id)
    performances = await src.performances(activities)
    organiser_org = await src.organiser()
    producer_id = show["producer_id"] or show["company_id"]
    producer_org = await src.organisation(producer_id)
    brand = await src.brand()
    organiser = await src.organiser_party()
    producer = src.party(producer_org, await src.people_of(producer_id, limit=50))
    if not producer["name"]:
        producer["name"] = show["producer"] or show["company"]

    fee, rate = money(engagement.get("fee")), money(engagement.get("vat_rate"))
    vat = vat_of(fee, rate) if fee is not None and rate is not None else None
    costs = [
        {"label": src.word(COST_LABELS[name]), "amount": fmt.amount(value, language)}
        for name in COSTS
        if (value := money(engagement.get(name)))
    ]
    costs_total = sum((money(engagement.get(n)) or Decimal(0) for n in COSTS), Decimal(0))
    signed_on, sent_on = engagement.get("contract_signed_on"), engagement.get("contract_sent_on")
    place = (
        (venue or {}).get("city")
        or (await src.own_organisation())["city"]
        or (organiser_org or {}).get("city")
    )
    first, last = engagement["first_day"], engagement["last_day"]
    return {
        "brand": brand,
        "organiser": organiser,
        "producer": producer,
        "show": show,
        "engagement": {
            "id": engagement["id"],
            "status": engagement["status"],
            "first_day": first,
            "last_day": last,
            "period": fmt.days(first, last, language),
            "legal_period": fmt.legal_day(first, language)
            if first == last
            else f"{fmt.legal_day(first, language)} – {fmt.legal_day(last, language)}",
            "performance_count": len(performances),
        },
        "room": {"name": room["name"], "capacity": room.get("capacity")},
        "venue": src.venue_block(venue),
        "performances": performances,
        "terms": {
            "fee": fmt.amount(fee, language),
            "vat_rate": fmt.rate(rate, language),
            "vat": fmt.amount(vat, language),
            "fee_incl_vat": fmt.amount(fee + vat, language)
            if fee is not None and vat is not None
            else None,
            "costs": costs,
            "costs_total": fmt.amount(costs_total, language) if costs else None,
            "total_excl_vat": fmt.amount(fee + costs_total, language) if fee is not None else None,
            "authors_rights": engagement.get("authors_rights"),
            "particular": engagement.get("contract_terms"),
            "values": {
                "fee": fee,
                "vat_rate": rate,
                "vat": vat,
                "costs_total": costs_total,
            },
        },
        "contract": {
            "reference": f"{first.year}-{engagement['id']:04d}",
            "status": engagement.get("contract_status"),
            "status_label": src.word(
                STATUS_LABELS.get(engagement.get("contract_status") or "", "")
            ),
            "sent_on": fmt.legal_day(sent_on, language) if sent_on else None,
            "signed_on": fmt.legal_day(signed_on, language) if signed_on else None,
            "place": place,
            "date": fmt.legal_day(signed_on or venue_today(), language),
        },
    }
