"""Calendars for phones and desktops: CalDAV, ICS subscriptions and write-back.

Layers, in import order (each knows nothing of the ones after it):

- ``models``: this package's own tables (client-chosen names and UIDs, feed secrets).
- ``calendars``, ``events``, ``ical``, ``sync``, ``writes``, ``feeds``, ``auth``: the domain —
  which calendars a person has, which activities belong to one, an activity as a VEVENT, a
  VEVENT as changes to an activity, sync tokens read from the change log. No HTTP here.
- ``dav``: the WebDAV/CalDAV protocol (safe XML in, ElementTree out, one error mapping).
- ``routes``: the Litestar handlers that mount it all (``/dav``, ``/.well-known/caldav``,
  ``/ics/<secret>.ics`` and ``/api/v1/calendar-feeds``).

Writes go through ``ActivityService`` so rules, permissions, the double-booking constraint and
the change log are the same as for the REST API.
"""
