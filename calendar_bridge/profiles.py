"""Apple configuration profiles (``.mobileconfig``): an iPhone, iPad or Mac set up in one tap.

The profile holds one ``com.apple.caldav.account`` payload: the host, port and TLS of
``SAISON_PUBLIC_URL``, the person's principal URL and their email as user name. The password is
in it only when the person hands over an app password of their own they have just created (the
page keeps it until it is gone from the screen); otherwise the device asks for it while
installing. Written with :mod:`plistlib`, never by pasting strings, so a name with ``<`` or
``&`` still gives a valid plist. No HTTP here.
"""

from __future__ import annotations

import plistlib
import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from calendar_bridge.dav.protocol import MOUNT
from server.accounts import credentials
from server.core.errors import Invalid
from server.core.i18n import N_, _, render
from server.core.permissions import Principal

SYNCED = N_("Adds your Saison calendars (CalDAV) to this device; they stay in sync by themselves.")
MEDIA_TYPE = "application/x-apple-aspen-config"
# Stable namespace: the same person on the same server gets the same identifiers, so installing
# a new profile replaces the old one instead of adding a second account.
NAMESPACE = uuid.UUID("7b0f3c52-3c1e-4f0e-9a55-5a15014e0001")


def server_of(public_url: str) -> tuple[str, int, bool]:
    """(host, port, uses TLS) of the address people use."""
    parts = urlsplit(public_url)
    tls = parts.scheme == "https"
    return parts.hostname or "localhost", parts.port or (443 if tls else 80), tls


def principal_url(public_url: str, user_id: int) -> str:
    return f"{public_url.rstrip('/')}{MOUNT}/principals/{user_id}/"


def profile(public_url: str, user_id: int, email: str, password: str | None) -> dict[str, Any]:
    """The profile as a plist dictionary (see Apple's Configuration Profile Reference)."""
    host, port, tls = server_of(public_url)
    base = ".".join(reversed(host.split("."))) if host.replace(".", "").isalpha() else "saison"
    identifier = f"{base}.saison.{user_id}"
    account: dict[str, Any] = {
        "PayloadType": "com.apple.caldav.account",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.caldav",
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, f"{public_url}|{user_id}|caldav")).upper(),
        "PayloadDisplayName": "Saison (CalDAV)",
        "PayloadDescription": render(_("Your Saison calendars")),
        "CalDAVAccountDescription": f"Saison — {host}",
        "CalDAVHostName": host,
        "CalDAVPort": port,
        "CalDAVUseSSL": tls,
        "CalDAVPrincipalURL": principal_url(public_url, user_id),
        "CalDAVUsername": email,
    }
    if password:
        account["CalDAVPassword"] = password
    return {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(uuid.uuid5(NAMESPACE, f"{public_url}|{user_id}")).upper(),
        "PayloadDisplayName": f"Saison — {host}",
        "PayloadDescription": render(_(SYNCED)),
        "PayloadOrganization": "Saison",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [account],
    }


async def profile_for(
    session: AsyncSession, actor: Principal, public_url: str, app_password: str | None
) -> bytes:
    """The signed-in person's profile; ``app_password`` must be one of their own, not revoked."""
    if actor.user_id is None or not actor.email:
        raise Invalid({"user": _("Only a person's account can set up a device.")})
    password = None
    if app_password:
        token = await credentials.find_token(session, app_password, kind="app_password")
        if token is None or token["user_id"] != actor.user_id:
            raise Invalid(
                {"app_password": _("This app password is not one of yours, or it was revoked.")}
            )
        password = app_password.strip()
    return plistlib.dumps(profile(public_url, actor.user_id, actor.email, password))
