"""Calendar apps sign in with an email and an app password (HTTP Basic, over HTTPS).

Wrong passwords are recorded in the change log (``auth.app_password_failed``) and throttled by
the same rule as sign-ins (``recent_failures``, ``SAISON_SIGN_IN_ATTEMPTS`` per window, by
email and by address). Good answers are cached a few seconds per process, and forgotten as
soon as an account, token or permission changes in this process.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from calendar_bridge.errors import MalformedRequest
from server.accounts import credentials
from server.accounts.permissions import Principal, Workspace
from server.accounts.signin import recent_failures
from server.core.changelog import Change
from server.core.errors import NotAuthenticated, TooManyAttempts
from server.core.i18n import N_, Message, _
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.settings import Settings

CACHE_SECONDS = 5.0
MAX_CACHED = 10_000
FAILED = "auth.app_password_failed"
WRONG = N_("Wrong email or app password (create one in your Saison profile).")
CALENDAR_CLIENT = Principal(user_id=None, name="calendar app", via="app_password")

_cache: dict[str, tuple[float, Principal]] = {}


def forget() -> None:
    _cache.clear()


async def forget_on_account_change(changes: list[Any]) -> None:
    """Commit listener: any change to accounts, tokens or permissions empties the cache."""
    if any(change.workspace == Workspace.ADMINISTRATION.value for change in changes):
        forget()


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


async def authenticate(db: Database, settings: Settings, header: str, ip: str) -> Principal:
    """The principal of an app password, or NotAuthenticated / TooManyAttempts."""
    email, secret = basic_credentials(header)
    key = f"{email}:{credentials.digest(secret)}"
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    async with unit_of_work(db, CALENDAR_CLIENT) as uow:
        by_email, by_ip = await recent_failures(
            uow, email, ip, settings.sign_in_window_seconds, action=FAILED
        )
        if by_email >= settings.sign_in_attempts or by_ip >= settings.sign_in_attempts * 4:
            raise TooManyAttempts(
                _("Too many wrong app passwords; wait a few minutes and try again."),
                retry_after=settings.sign_in_window_seconds,
            )
        token = await credentials.find_token(uow.session, secret, kind="app_password")
        principal = None
        if token is not None:
            principal = await credentials.principal_for(
                uow.session, token["user_id"], via="app_password", scopes=token["scopes"]
            )
        if principal is None or (principal.email or "").lower() != email:
            uow.record(
                Change(
                    workspace=Workspace.ADMINISTRATION.value,
                    entity="user",
                    entity_id=principal.user_id if principal else None,
                    action=FAILED,
                    after={"email": email, "ip": ip},
                )
            )
            await uow.commit()
            raise NotAuthenticated(Message(WRONG))
        assert token is not None
        await credentials.touch_token(uow.session, token["id"])
        await uow.session.commit()
    if len(_cache) > MAX_CACHED:
        _cache.clear()
    _cache[key] = (now + CACHE_SECONDS, principal)
    return principal
