"""A person's data, on their request (GDPR): everything held about a contact, and its erasure.

Which fields are a person's own is declared where the columns are (``PERSONAL``,
``server/core/records.py``). Erasing a contact empties them in the record, removes the roles
that tied the person to organisations, and redacts the same fields in the earlier entries of the
record's history through ``saison_erase_personal`` (``server/db/sql/0013/``): the one database
function the append-only change log lets through, which appends the audit entry
(``contact.erased``) itself. Sequence numbers do not move, so feeds and calendar sync tokens
stay valid, and nothing else of the log can change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select, text, types, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import BigInteger, Text

from server.audit.history import visible_change
from server.core.changelog import CHANGE_LOG_LOCK, Change, ChangeLogEntry, read_change
from server.core.errors import NotFound, PermissionDenied
from server.core.i18n import _, render
from server.core.permissions import Level, Workspace
from server.core.records import jsonable, personal_columns
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue
from server.directory.contacts import ContactRoleService, ContactService
from server.directory.models import Contact, ContactRole, Organisation
from server.programming.models import Engagement, Show

# The engagement fields that name a contact, and what the person was for that run.
ENGAGEMENT_ROLES = {
    "tour_manager_id": "tour_manager",
    "technical_contact_id": "technical_contact",
    "host_contact_id": "host_contact",
}
ERASE = text(
    "SELECT audit_seq, audit_at, redacted FROM saison_erase_personal("
    ":entity, :entity_id, :keys, :actor_id, :actor, :workspace, :before, :after, NULL, :lock)"
).bindparams(
    bindparam("entity_id", type_=BigInteger),
    bindparam("keys", type_=ARRAY(Text)),
    bindparam("actor_id", type_=BigInteger),
    bindparam("before", type_=JSONB),
    bindparam("after", type_=JSONB),
    bindparam("lock", type_=BigInteger),
)

# The person's fields of a change as it waits in (or was sent from) a webhook's queue: replays
# and pending deliveries send the stored payload, not the log.
BLANK_DELIVERIES = [
    text(
        f"""
        UPDATE webhook_deliveries
        SET payload = jsonb_set(payload, '{{data,{side}}}', (
            SELECT jsonb_object_agg(k, CASE WHEN k = ANY(:keys) THEN 'null'::jsonb ELSE v END)
            FROM jsonb_each(payload #> '{{data,{side}}}') AS e(k, v)))
        WHERE payload #>> '{{data,entity}}' = 'contact'
          AND payload #>> '{{data,entity_id}}' = CAST(:entity_id AS text)
          AND jsonb_typeof(payload #> '{{data,{side}}}') = 'object'
        """
    ).bindparams(bindparam("keys", type_=ARRAY(Text)), bindparam("entity_id", type_=BigInteger))
    for side in ("before", "after")
]
# Answers kept for a client's retries are sealed and not searchable: those of the directory's
# contact endpoints all go (a retry then runs again, as it would once they expire).
FORGET_REPLAYS = text("DELETE FROM idempotent_requests WHERE path ~ '/contacts(/|$)'")


def _emptied(column: Any) -> Any:
    """What a personal column holds once erased: nothing, or the least a NOT NULL one takes."""
    if isinstance(column.type, types.ARRAY):
        return []
    return None if column.nullable else "—"


def contact_personal_fields() -> tuple[str, ...]:
    """A contact's own fields: those its table marks ``PERSONAL``."""
    return personal_columns(Contact)


class PersonalData:
    """Export and erasure of one contact's data, as the acting person may."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.session = uow.session
        self.actor = uow.actor

    def may_erase(self) -> bool:
        """Those who manage the directory, and administrators."""
        return self.actor.can(Workspace.DIRECTORY, Level.MANAGE) or self.actor.can(
            Workspace.ADMINISTRATION, Level.MANAGE
        )

    async def _history(self, contact_id: int) -> list[dict[str, Any]]:
        """The log entries about the contact (its own, its roles'), as the actor may read them."""
        c: Any = ChangeLogEntry.__table__.c  # type: ignore[attr-defined]
        query = (
            select(ChangeLogEntry.__table__)  # type: ignore[attr-defined]
            .where(
                or_(
                    (c.entity == "contact") & (c.entity_id == contact_id),
                    (c.entity == "contact_role") & (c.refs["contact_id"].astext == str(contact_id)),
                )
            )
            .order_by(c.seq)
        )
        rows = (await self.session.execute(query)).mappings().all()
        shown = (visible_change(self.actor, read_change(row)) for row in rows)
        return [change for change in shown if change is not None]

    async def export_contact(self, contact_id: int) -> dict[str, Any]:
        """Everything held about the contact: the record, their roles, the engagements naming
        them (for those who read the programming) and the history about them."""
        contacts = ContactService(self.uow)
        contacts.require(Level.READ)
        table: Any = Contact.__table__  # type: ignore[attr-defined]
        row = (
            (await self.session.execute(select(table).where(table.c.id == contact_id)))
            .mappings()
            .first()
        )
        history = await self._history(contact_id)
        if row is None and not history:
            raise NotFound(contacts.not_found(contact_id))
        roles_table: Any = ContactRole.__table__  # type: ignore[attr-defined]
        orgs: Any = Organisation.__table__  # type: ignore[attr-defined]
        roles = (
            (
                await self.session.execute(
                    select(roles_table, orgs.c.name.label("organisation_name"))
                    .join(orgs, orgs.c.id == roles_table.c.organisation_id)
                    .where(roles_table.c.contact_id == contact_id)
                    .order_by(roles_table.c.id)
                )
            )
            .mappings()
            .all()
        )
        engagements: list[dict[str, Any]] = []
        if self.actor.can(Workspace.PROGRAMMING, Level.READ):
            e: Any = Engagement.__table__  # type: ignore[attr-defined]
            shows: Any = Show.__table__  # type: ignore[attr-defined]
            found = (
                (
                    await self.session.execute(
                        select(
                            e.c.id,
                            e.c.show_id,
                            shows.c.title.label("show_title"),
                            e.c.first_day,
                            e.c.last_day,
                            *(e.c[name] for name in ENGAGEMENT_ROLES),
                        )
                        .join(shows, shows.c.id == e.c.show_id)
                        .where(or_(*(e.c[name] == contact_id for name in ENGAGEMENT_ROLES)))
                        .order_by(e.c.first_day, e.c.id)
                    )
                )
                .mappings()
                .all()
            )
            for item in found:
                engagement = {
                    k: item[k] for k in ("id", "show_id", "show_title", "first_day", "last_day")
                }
                engagement["as"] = [
                    role for name, role in ENGAGEMENT_ROLES.items() if item[name] == contact_id
                ]
                engagements.append(engagement)
        return jsonable(
            {
                "contact_id": contact_id,
                "exported_at": datetime.now(venue().tz),
                "personal_fields": list(contact_personal_fields()),
                "contact": contacts.visible(dict(row)) if row is not None else None,
                "roles": [ContactRoleService(self.uow).visible(dict(r)) for r in roles],
                "engagements": engagements,
                "changes": history,
            }
        )

    async def erase_contact(self, contact_id: int) -> dict[str, Any]:
        """Empty the contact's own fields in the record and in its history, remove their roles,
        and record it (``contact.erased``). A contact already deleted has its history redacted
        all the same: that is what a deletion left readable."""
        if not self.may_erase():
            raise PermissionDenied(
                _("Erasing a person's data needs to manage the directory, or the administration.")
            )
        contacts = ContactService(self.uow)
        keys = contact_personal_fields()
        table: Any = Contact.__table__  # type: ignore[attr-defined]
        current = (
            (
                await self.session.execute(
                    select(table).where(table.c.id == contact_id).with_for_update()
                )
            )
            .mappings()
            .first()
        )
        after: dict[str, Any] | None = None
        row: Any = None
        if current is not None:
            roles = ContactRoleService(self.uow)
            role_ids = (
                (
                    await self.session.execute(
                        select(ContactRole.__table__.c.id).where(  # type: ignore[attr-defined]
                            ContactRole.__table__.c.contact_id == contact_id  # type: ignore[attr-defined]
                        )
                    )
                )
                .scalars()
                .all()
            )
            for role_id in role_ids:
                await roles.delete_row(role_id, None)
            # Every personal field emptied (the marks say which); the record then reads
            # « — Contact effacé » where engagements still name it.
            erased = {name: _emptied(table.c[name]) for name in keys}
            erased["last_name"] = render(_("Erased contact"), venue().language)
            row = (
                (
                    await self.session.execute(
                        update(table)
                        .where(table.c.id == contact_id)
                        .values(**erased, version=table.c.version + 1, updated_at=func.now())
                        .returning(table)
                    )
                )
                .mappings()
                .one()
            )
            after = {**{k: row[k] for k in keys}, "version": row["version"]}
        elif not await self._history(contact_id):
            raise NotFound(contacts.not_found(contact_id))
        await self.uow.append()  # the roles' removal first: the audit entry closes the erasure
        before = dict.fromkeys(keys)
        audit_seq, audit_at, redacted = (
            await self.session.execute(
                ERASE,
                {
                    "entity": "contact",
                    "entity_id": contact_id,
                    "keys": list(keys),
                    "actor_id": self.actor.user_id,
                    "actor": self.actor.label,
                    "workspace": Workspace.DIRECTORY.value,
                    "before": before,
                    "after": jsonable(after),
                    "lock": CHANGE_LOG_LOCK,
                },
            )
        ).one()
        for blank in BLANK_DELIVERIES:
            await self.session.execute(blank, {"keys": list(keys), "entity_id": contact_id})
        await self.session.execute(FORGET_REPLAYS)
        self.uow.appended(
            Change(
                workspace=Workspace.DIRECTORY.value,
                entity="contact",
                entity_id=contact_id,
                action="contact.erased",
                before=before,
                after=jsonable(after),
                seq=audit_seq,
                at=audit_at,
            )
        )
        await self.uow.commit()
        return {
            "contact_id": contact_id,
            "seq": audit_seq,
            "redacted_changes": redacted,
            "fields": list(keys),
            "contact": contacts.visible(row) if row is not None else None,
        }
