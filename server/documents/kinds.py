"""The four kinds of document, and who may read, batch and redesign each.

A road sheet or a welcome sheet is the planning's paper (it needs the engagement too, so
Programming read access); a contract needs read access to contracts (fees); the activity report
is the programming's (with the planning's activities). Changing a kind's template takes the
managing level of its workspace (writing, for contracts, which have no managing level).
Changes to templates and batches are logged in the kind's workspace, so only those who may
read such documents hear of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.core.errors import PermissionDenied
from server.core.i18n import N_, _, translate
from server.core.permissions import Level, Principal, Workspace


class DocumentKind(StrEnum):
    ROAD_SHEET = "road_sheet"
    WELCOME_SHEET = "welcome_sheet"
    CONTRACT = "contract"
    ACTIVITY_REPORT = "activity_report"


@dataclass(frozen=True)
class KindSpec:
    kind: DocumentKind
    slug: str  # in paths: /api/v1/documents/<slug>
    title: str  # English msgid; the file name starts with it, in the reader's language
    plural: str  # the name of a ZIP of many
    workspace: Workspace  # where its template and batch changes are logged; its route's guard
    needs: tuple[tuple[Workspace, Level], ...]  # everything a reader must be able to read
    manage: tuple[Workspace, Level]  # to change its template
    per_engagement: bool = True

    @property
    def template_file(self) -> str:
        return f"{self.kind.value}.typ"

    def label(self, language: str | None = None) -> str:
        return translate(self.title, language)


KINDS: dict[DocumentKind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            DocumentKind.ROAD_SHEET,
            "road-sheets",
            N_("Road sheet"),
            N_("Road sheets"),
            Workspace.PLANNING,
            ((Workspace.PLANNING, Level.READ), (Workspace.PROGRAMMING, Level.READ)),
            (Workspace.PLANNING, Level.MANAGE),
        ),
        KindSpec(
            DocumentKind.WELCOME_SHEET,
            "welcome-sheets",
            N_("Welcome sheet"),
            N_("Welcome sheets"),
            Workspace.PLANNING,
            ((Workspace.PLANNING, Level.READ), (Workspace.PROGRAMMING, Level.READ)),
            (Workspace.PLANNING, Level.MANAGE),
        ),
        KindSpec(
            DocumentKind.CONTRACT,
            "contracts",
            N_("Performance contract"),
            N_("Performance contracts"),
            Workspace.CONTRACTS,
            ((Workspace.CONTRACTS, Level.READ), (Workspace.PROGRAMMING, Level.READ)),
            (Workspace.CONTRACTS, Level.WRITE),
        ),
        KindSpec(
            DocumentKind.ACTIVITY_REPORT,
            "activity-reports",
            N_("Activity report"),
            N_("Activity reports"),
            Workspace.PROGRAMMING,
            ((Workspace.PROGRAMMING, Level.READ), (Workspace.PLANNING, Level.READ)),
            (Workspace.PROGRAMMING, Level.MANAGE),
            per_engagement=False,
        ),
    )
}


def require_reader(actor: Principal, spec: KindSpec) -> None:
    """Refuse, naming what is missing, a person who may not read this kind of document."""
    for area, level in spec.needs:
        if not actor.can(area, level):
            raise PermissionDenied(
                _(
                    "{level} access to {area} is needed for this document",
                    level=level.label,
                    area=area.value,
                )
            )


def require_designer(actor: Principal, spec: KindSpec) -> None:
    area, level = spec.manage
    if not actor.can(area, level):
        raise PermissionDenied(
            _(
                "{level} access to {area} is needed to change this template",
                level=level.label,
                area=area.value,
            )
        )
