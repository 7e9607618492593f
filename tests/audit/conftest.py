"""The webhook fixtures: erasure reaches what waits in webhooks' queues."""

from tests.feeds.conftest import hooks, receiver

__all__ = ["hooks", "receiver"]
