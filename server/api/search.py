"""The search route: thin, the rules are in server.search.service."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Router, get
from litestar.params import Parameter
from pydantic import BaseModel, Field

from server.api.guards import SIGNED_IN
from server.api.problems import speak_to
from server.core.unit_of_work import UnitOfWork
from server.search.service import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY, Search, SearchKind


class SearchHit(BaseModel):
    id: int
    label: str = Field(description="What the record is called (a show's title, a person's name)")
    context: str = Field(
        description="One line that tells it apart, in the reader's language and the venue's "
        "time (an engagement's status, room and days; a contact's role)"
    )
    path: str = Field(description="Where the web app opens it, e.g. /programmation/spectacles/3")


class SearchGroup(BaseModel):
    kind: SearchKind
    items: list[SearchHit]
    more: bool = Field(description="More records of this kind match: add words to narrow down")


class SearchOut(BaseModel):
    q: str
    groups: list[SearchGroup] = Field(
        description="One group per kind of record with something found, in a fixed order; only "
        "kinds of the workspaces the reader may read"
    )


@get(
    "/",
    # Anyone signed in, each reader searching the workspaces they may read; someone who may
    # read none of them is refused (403) by the service.
    opt=SIGNED_IN,
    summary="Search shows, engagements, activities, the directory and the technical records "
    "at once, ignoring accents and case",
    operation_id="search",
)
async def search(
    request: Request[Any, Any, Any],
    uow: UnitOfWork,
    q: Annotated[
        str,
        Parameter(
            min_length=1,
            max_length=MAX_QUERY,
            description="Words to find (each must appear): 'lac gele' finds 'Lac Gelé'",
        ),
    ],
    limit: Annotated[
        int, Parameter(ge=1, le=MAX_LIMIT, description="Records per kind", required=False)
    ] = DEFAULT_LIMIT,
) -> SearchOut:
    speak_to(request)  # the context lines are read by a person
    groups = await Search(uow).find(q, limit)
    return SearchOut.model_validate(
        {
            "q": q,
            "groups": [
                {"kind": g.kind, "items": [vars(i) for i in g.items], "more": g.more}
                for g in groups
            ],
        }
    )


search_router = Router(path="/search", route_handlers=[search], tags=["Search"])
