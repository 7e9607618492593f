"""Feeds for other systems: durable followers of the change log and webhooks built on them.

Above the workspaces and ``server.audit`` (a change is sent as the changes feed gives it, with
the same visibility rule), below ``server.api``.
"""
