"""Every table, imported in dependency order so metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from calendar_bridge.models import (
    CalendarAlarm,
    CalendarFeed,
    CalendarObject,
    CalendarProperties,
)
from server.accounts.models import ApiToken, Permission, Team, TeamMember, User, UserSession
from server.communication.models import PerformancePublication, PublicImage, ShowPublication
from server.connectors.models import Connector
from server.core.changelog import ChangeLogEntry
from server.core.idempotency import IdempotentRequest
from server.core.organisation import OwnOrganisation
from server.directory.models import Contact, ContactRole, Organisation, Place
from server.documents.models import DocumentBatch, DocumentTemplate
from server.feeds.models import FeedConsumer, WebhookAttempt, WebhookDelivery, WebhookSubscription
from server.planning.models import (
    Activity,
    ActivityKindSetting,
    ActivitySeries,
    ActivityTemplate,
    RoomBooking,
)
from server.programming.models import Engagement, EngagementHold, Show
from server.technical.models import (
    Attachment,
    Room,
    RoomConfiguration,
    RoomLink,
    TechnicalSheet,
    Venue,
)

metadata = SQLModel.metadata

__all__ = [
    "Activity",
    "ActivityKindSetting",
    "ActivitySeries",
    "ActivityTemplate",
    "ApiToken",
    "Attachment",
    "CalendarAlarm",
    "CalendarFeed",
    "CalendarObject",
    "CalendarProperties",
    "ChangeLogEntry",
    "Connector",
    "Contact",
    "ContactRole",
    "DocumentBatch",
    "DocumentTemplate",
    "Engagement",
    "EngagementHold",
    "FeedConsumer",
    "IdempotentRequest",
    "Organisation",
    "OwnOrganisation",
    "PerformancePublication",
    "Permission",
    "Place",
    "PublicImage",
    "Room",
    "RoomBooking",
    "RoomConfiguration",
    "RoomLink",
    "Show",
    "ShowPublication",
    "Team",
    "TeamMember",
    "TechnicalSheet",
    "User",
    "UserSession",
    "Venue",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "metadata",
]
