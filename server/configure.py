"""What a process takes from its ``Settings`` once, before serving or running a command.

The venue's zone, language and address (``server.core.venue``), the cost of password hashes and
the document templates and logo are facts of the whole process; the entry points
(``server.app.create_app``, the ``saison`` command, a test suite) install them here.
"""

from __future__ import annotations

from server.accounts import credentials
from server.core.venue import set_venue
from server.documents import typesetting
from server.settings import Settings


def configure(settings: Settings) -> Settings:
    set_venue(settings)
    credentials.configure(settings)
    typesetting.configure(settings)
    return settings
