"""Calendar apps sign in with an email and an app password (HTTP Basic, over HTTPS).

An app password is a random 256-bit secret: it cannot be guessed, so it is checked first and a
valid one is accepted whatever failed before (``server/accounts/throttling.py``). Wrong ones
are recorded in the change log (``auth.app_password_failed``) and throttled per (that password,
address) and per address: a forgotten iPad polling with a revoked password slows itself down,
never the iPhone next to it. Good answers are cached per process and used only while no access
change (a revoked password, a person deactivated…) was committed since, on any process
(``server/accounts/revocation.py``).
"""

from __future__ import annotations

import base64
import binascii

from calendar_bridge.errors import MalformedRequest
from server.accounts import credentials, throttling
from server.accounts.revocation import CREDENTIALS, AccessWatch
from server.core.changelog import Change
from server.core.errors import NotAuthenticated
from server.core.i18n import N_, Message, _
from server.core.permissions import Principal, Workspace
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.settings import Settings

FAILED = "auth.app_password_failed"
WRONG = N_("Wrong email or app password (create one in your Saison profile).")
CALENDAR_CLIENT = Principal(user_id=None, name="calendar app", via="app_password")


def basic_credentials(header: str) -> tuple[str, str]:
    """(email, password) of an ``Authorization: Basic …`` header."""
    scheme, _sep, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise NotAuthenticated(_("Calendar apps sign in with Basic authentication."))
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise MalformedRequest(
            _("The Authorization header is not valid Basic credentials.")
        ) from None
    email, sep, password = decoded.partition(":")
    if not sep or not email or not password:
        raise NotAuthenticated(Message(WRONG))
    return email.strip().lower(), password


def credential_label(secret: str) -> str:
    """What names the password tried in the history: its public prefix (``sap_…``), if any."""
    parts = secret.strip().split("_", 2)
    if len(parts) == 3 and parts[0] in credentials.TOKEN_PREFIX.values() and len(parts[1]) <= 16:
        return f"{parts[0]}_{parts[1]}"
    return "other"


async def authenticate(
    db: Database, watch: AccessWatch, settings: Settings, header: str, ip: str
) -> Principal:
    """The principal of an app password, or NotAuthenticated / TooManyAttempts."""
    email, secret = basic_credentials(header)
    key = (f"app_password {email}", credentials.digest(secret))
    latest = await watch.latest(db)
    hit = CREDENTIALS.get(key, latest, Principal)
    if hit is not None:
        return hit
    async with unit_of_work(db, CALENDAR_CLIENT) as uow:
        token = await credentials.find_token(uow.session, secret, kind="app_password")
        principal = None
        if token is not None:
            principal = await credentials.principal_for(
                uow.session, token["user_id"], via="app_password", scopes=token["scopes"]
            )
        if principal is not None and (principal.email or "").lower() == email:
            assert token is not None
            await credentials.touch_token(uow.session, token["id"])
            await uow.session.commit()
            CREDENTIALS.put(key, principal, latest)
            return principal
        # A wrong one: past the allowance, 429 until its delay has passed (from memory).
        label = credential_label(secret)
        throttled = f"app-password {email} {label} {ip}"
        left = throttling.cooling(throttled)
        if left:
            raise throttling.too_many(left)
        policy = throttling.Policy.of(settings)
        identifier = {"email": email, "credential": label}
        failed = await throttling.recent_failures(uow, FAILED, identifier, ip, policy.window)
        uow.record(
            Change(
                workspace=Workspace.ADMINISTRATION.value,
                entity="user",
                entity_id=principal.user_id if principal else None,
                action=FAILED,
                after={**identifier, "ip": ip},
            )
        )
        await uow.commit()
        delay = policy.delay(*failed)
        if delay:
            throttling.cool(throttled, delay)
            raise throttling.too_many(delay)
        raise NotAuthenticated(Message(WRONG))
