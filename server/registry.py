"""Every kind of record Saison keeps, by the name used in the change log and the API."""

from __future__ import annotations

from server.communication.content import PerformancePublicationService, ShowPublicationService
from server.communication.images import PublicImageService
from server.connectors.service import ConnectorService
from server.core.entities import EntityService
from server.directory.contacts import ContactRoleService, ContactService
from server.directory.organisations import OrganisationService
from server.directory.places import PlaceService
from server.documents.batches import DocumentBatchService
from server.documents.templates import DocumentTemplateService
from server.planning.activities import ActivityService
from server.planning.recurring import RecurringActivities
from server.programming.engagements import EngagementService
from server.programming.performances import PerformanceService
from server.programming.shows import ShowService
from server.technical.rooms import RoomConfigurationService, RoomService
from server.technical.sheets import AttachmentService, TechnicalSheetService
from server.technical.venues import VenueService

SERVICES: dict[str, type[EntityService]] = {
    service.entity: service
    for service in (
        OrganisationService,
        ContactService,
        ContactRoleService,
        PlaceService,
        VenueService,
        RoomService,
        RoomConfigurationService,
        TechnicalSheetService,
        AttachmentService,
        ShowService,
        EngagementService,
        PerformanceService,
        ActivityService,
        DocumentTemplateService,
        DocumentBatchService,
        RecurringActivities,
        ConnectorService,
        ShowPublicationService,
        PerformancePublicationService,
        PublicImageService,
    )
}
