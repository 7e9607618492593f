"""What operators watch: health and readiness, request logs with a request id, metrics.

Below the domain (it knows requests, the database and Redis, never a workspace's rule), so
the HTTP API, the websocket hub and the commands can all report here.
"""
