"""/metrics as Prometheus reads it: requests by route template (never by record id), the
placeholders of the webhook outbox, and who may read it."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from server.observability import metrics
from server.settings import Settings
from tests.conftest import serving


def families(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def value(found: dict[str, Any], name: str, **labels: str) -> float:
    """The sum of ``name``'s samples that have ``labels``."""
    return sum(
        s.value
        for family in found.values()
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    )


async def test_requests_are_counted_by_route_and_status(admin, season):
    show = season["show"]["id"]
    r = await admin.http.get(str(admin.http.base_url.join("/metrics")))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    before = families(r.text)
    for _ in range(3):
        assert (await admin.get(f"/shows/{show}")).status_code == 200
    assert (await admin.get("/shows/999999")).status_code == 404
    after = families((await admin.http.get(str(admin.http.base_url.join("/metrics")))).text)

    route = "/api/v1/shows/{record_id}"
    for status, count in (("200", 3), ("404", 1)):
        grew = value(after, "saison_http_requests_total", route=route, status=status) - value(
            before, "saison_http_requests_total", route=route, status=status
        )
        assert grew == count, (status, grew)
    assert value(after, "saison_http_request_duration_seconds_count", route=route) >= 4
    routes = {s.labels["route"] for s in after["saison_http_requests"].samples}
    assert not any(str(show) in r.split("/") for r in routes)  # templates, not addresses
    # The webhook outbox's placeholders, and the change log's head.
    assert "saison_outbox_backlog" in after  # read from the webhook outbox
    assert "saison_webhook_failures" in after
    assert value(after, "saison_change_log_head_seq") > 0


async def test_the_outbox_says_its_backlog_through_a_registered_source(admin):
    async def backlog(db: Any) -> float:
        return 7

    _help, before = metrics.SOURCES["saison_outbox_backlog"]
    metrics.register_outbox_backlog(backlog)
    try:
        text = (await admin.http.get(str(admin.http.base_url.join("/metrics")))).text
        assert value(families(text), "saison_outbox_backlog") == 7
    finally:
        metrics.register_outbox_backlog(before)


async def test_prometheus_reads_them_with_its_token_and_only_them(database_url, people):
    settings = Settings(metrics_token="scrape-me")
    async with serving(database_url, settings) as served, served.client() as http:
        ok = await http.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert ok.status_code == 200 and "saison_http_requests_total" in ok.text
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer guessed"})
        assert wrong.status_code == 401
        assert wrong.headers["content-type"].startswith("application/problem+json")
        # The token opens the metrics, nothing else.
        other = await http.get("/api/v1/shows", headers={"Authorization": "Bearer scrape-me"})
        assert other.status_code == 401
        assert (await http.get("/metrics")).status_code == 401
        nobody = people["nobody"].http.headers["Authorization"]
        assert (await http.get("/metrics", headers={"Authorization": nobody})).status_code == 403
