"""A realistic demo season (September 2026 to June 2027), loaded through the domain services.

A new installation can be tried at once (``saison demo``, ``saison serve --demo``): a theatre in
Orléans with four rooms (the Grande salle and its foyer linked) and a partner venue, a season
shaped as French venues shape theirs (``calendar.py``), crews called in four-hour services, the
companies' riders and plans as PDF files, and a working week in every demo account's own
calendar. The season is one transaction: it is loaded whole or not at all, and a database that
already has a season is left as it is. ``random.Random(seed)`` drives every choice, so a seed
always gives the same season; only the options' expiry dates count from the day of loading, so
that some options are always about to lapse. Times are the venue's (``SAISON_TIMEZONE``).

- ``words.py``: names, titles and rooms; ``calendar.py``: when things happen;
  ``documents.py``: the PDF files; ``season.py``: writes it all through the services.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from rich.progress import Progress
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.defaults import create_user, ensure_default_teams, retire_unused_first_admin
from server.accounts.models import User
from server.core.errors import Invalid
from server.core.i18n import _, render
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.core.venue import venue
from server.db.engine import Database
from server.demo.season import Season
from server.programming.models import Show

DEMO_PASSWORD = "saison-demo"
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (  # email, name, team (None: admin)
    ("programmation@demo.saison", "Hélène Marchand", "Programmation"),
    ("administration@demo.saison", "François Lemaître", "Administration"),
    ("technique@demo.saison", "Jérôme Caradec", "Technique"),
    ("rp@demo.saison", "Anaïs Bérard", "Relations publiques"),
    ("communication@demo.saison", "Zoé Thébault", "Communication"),
    ("admin@demo.saison", "Clémence Vasseur", None),
)
DEMO_LOCK = 0x5A150D  # serialises concurrent loads, so two starts cannot both load a season
ALREADY = _("The database already has a season: the demo was not loaded and nothing changed.")


async def _has_season(session: AsyncSession) -> bool:
    shows: Any = Show.__table__  # type: ignore[attr-defined]
    return bool((await session.execute(select(func.count()).select_from(shows))).scalar_one())


async def _accounts(db: Database) -> dict[str, int]:
    """The demo's people (made now, or kept from a load that did not finish): key → user id."""
    for email, name, team in DEMO_USERS:
        try:
            await create_user(
                db, email, name, DEMO_PASSWORD, admin=team is None, teams=[team] if team else []
            )
        except Invalid:
            pass  # kept from an earlier load that did not finish
    async with db.sessions() as session:
        u: Any = User.__table__  # type: ignore[attr-defined]
        emails = [email for email, _n, _t in DEMO_USERS]
        rows = await session.execute(select(u.c.email, u.c.id).where(u.c.email.in_(emails)))
        return {email.split("@")[0]: id_ for email, id_ in rows.all()}


async def load_demo(
    db: Database, seed: int = 1, replace: bool = False, progress: bool = True
) -> str:
    """Load the demo season unless the database already has one; return what was done.

    A database with a season is never touched: the answer says so (``replace`` makes that an
    error instead). On a new installation, an administrator made at the first start and never
    used is removed, so the demo's administrator is the only one.
    """
    async with db.sessions() as session:
        if await _has_season(session):
            if replace:
                raise ValueError("the database already has a season; use a fresh data directory")
            return render(ALREADY)
    retired = await retire_unused_first_admin(db, db.settings.admin_email)
    teams = await ensure_default_teams(db)
    people = await _accounts(db)
    async with unit_of_work(db, SYSTEM) as uow:
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK})
        if await _has_season(uow.session):
            return render(ALREADY)
        today = datetime.now(venue().tz).date()  # the venue's today, in its own zone
        season = Season(uow, random.Random(seed), teams, people, today)
        with Progress(disable=not progress) as bar:
            task = bar.add_task("Saison de démonstration", total=len(season.slots) + 7)
            await season.load(bar, task)
            bar.update(task, description="Enregistrement")
            await uow.commit()
    c = season.counts
    accounts = ", ".join(
        f"{email} ({team or render(_('administrator'))})" for email, _n, team in DEMO_USERS
    )
    summary = _(
        "Demo season 2026–2027 loaded: {venue} ({rooms} rooms) and a partner venue, "
        "{organisations} organisations, {contacts} contacts, {shows} shows, {engagements} "
        "engagements ({options} options, {cancelled} cancelled), {performances} performances "
        "and {activities} other activities. Sign in as {accounts} with the password {password}.",
        venue="Théâtre du Pont-Levant",
        rooms=c["room"] - 1,
        organisations=c["organisation"],
        contacts=c["contact"],
        shows=c["show"],
        engagements=c["engagement"],
        options=c["engagement.option"],
        cancelled=c["engagement.cancelled"],
        performances=c["performance"],
        activities=c["activity"],
        accounts=accounts,
        password=DEMO_PASSWORD,
    )
    text_ = render(summary)
    if retired:
        text_ += " " + render(
            _(
                "The administrator {email} made at the first start had never been used: it was "
                "removed, the demo's administrator is {admin}.",
                email=retired,
                admin="admin@demo.saison",
            )
        )
    return text_
