"""Webhooks as a receiver on loopback sees them: signed, each change once, in order, retried,
never a rolled-back change, disabled when the receiver keeps failing, replayed on demand."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from server.core.changelog import CHANGE_LOG_LOCK
from server.core.errors import Invalid
from server.core.permissions import SYSTEM
from server.core.unit_of_work import APPEND, unit_of_work
from server.db.engine import Database
from server.feeds.outbox import Webhooks, backlog
from server.feeds.subscriptions import WebhookService, matches, url_problem
from tests.feeds.conftest import FAST, deliver, subscribe


def kinds(receiver):
    return [(e["type"], e["data"]["entity_id"]) for e in receiver.effects()]


async def test_each_change_arrives_signed_once_as_the_feed_gives_it(admin, people, receiver, hooks):
    sub = await subscribe(admin, receiver, ["show.*", "engagement.confirmed"])
    org = await admin.create("/organisations", {"name": "Compagnie Éclat"})
    show = await people["programmation"].create(
        "/shows", {"title": "Phèdre", "company_id": org["id"]}
    )
    await people["programmation"].patch(f"/shows/{show['id']}", {"genre": "tragédie"}, version=1)

    await deliver(hooks, lambda: len(receiver.effects()) == 2)
    assert kinds(receiver) == [("show.created", show["id"]), ("show.updated", show["id"])]
    arrivals = receiver.received()
    assert len(arrivals) == 2 and all(a.verified for a in arrivals)  # Webhook.verify passed
    created, updated = receiver.effects()
    assert created["data"]["after"]["title"] == "Phèdre" and created["data"]["deleted"] is False
    assert updated["data"]["before"] == {"genre": None}
    assert updated["data"]["actor"] == "Programmation"
    # Times in the venue's zone, with its offset, as the changes feed gives them.
    at = datetime.fromisoformat(updated["timestamp"])
    assert at.utcoffset() in {timedelta(hours=1), timedelta(hours=2)}
    feed = (await admin.get("/changes", params={"entity": "show"})).json()["items"]
    assert updated["data"]["seq"] == feed[-1]["seq"] and updated["data"]["at"] == feed[-1]["at"]

    log = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()
    assert log["total"] == 2
    assert [d["status"] for d in log["items"]] == ["delivered", "delivered"]
    assert [d["attempts"] for d in log["items"]] == [1, 1]
    # Nothing more to send: running the worker again sends nothing again.
    await hooks.fan_out()
    await hooks.send_due()
    assert len(receiver.received()) == 2


async def test_retries_after_errors_and_timeouts_then_one_effect(admin, receiver, hooks):
    sub = await subscribe(admin, receiver)
    receiver.answers.extend([500, "hang"])
    receiver.hang_seconds = 1.5  # longer than the worker waits (0.5 s)
    org = await admin.create("/organisations", {"name": "Compagnie Éclat"})

    await deliver(hooks, lambda: receiver.effects())
    arrivals = receiver.received()
    assert {a.message_id for a in arrivals} == {arrivals[0].message_id}  # the same message
    assert len(arrivals) == 3 and [a.status for a in arrivals][-1] == 200
    assert kinds(receiver) == [("organisation.created", org["id"])]

    (item,) = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()["items"]
    detail = (await admin.get(f"/webhooks/{sub['id']}/deliveries/{item['id']}")).json()
    codes = [a["status_code"] for a in detail["attempt_log"]]
    assert codes == [500, None, 200]
    assert "0.5" in detail["attempt_log"][1]["error"]  # the timeout, said as such
    assert detail["status"] == "delivered" and detail["attempts"] == 3
    assert (await admin.get(f"/webhooks/{sub['id']}")).json()["failures"] == 0


async def test_a_later_change_waits_for_an_earlier_one_that_fails(admin, receiver, hooks):
    await subscribe(admin, receiver, ["organisation.*"])
    receiver.answers.extend([500, 500])
    org = await admin.create("/organisations", {"name": "Éclat"})
    await admin.patch(f"/organisations/{org['id']}", {"city": "Lyon"}, version=1)
    await admin.delete(f"/organisations/{org['id']}", version=2)

    await deliver(hooks, lambda: len(receiver.effects()) == 3)
    actions = [a.body["type"] for a in receiver.received()]
    assert actions == [
        "organisation.created",
        "organisation.created",
        "organisation.created",
        "organisation.updated",
        "organisation.deleted",
    ]
    tombstone = receiver.effects()[-1]["data"]
    assert tombstone["deleted"] is True and tombstone["entity_id"] == org["id"]


async def test_a_rolled_back_change_is_never_sent(admin, db, receiver, hooks):
    await subscribe(admin, receiver)
    async with unit_of_work(db, SYSTEM) as uow:
        # A transaction that reached the log, then rolled back (as when its commit fails).
        rows = (
            '[{"ord": 0, "actor_id": null, "actor": "x", "workspace": "directory", '
            '"entity": "organisation", "entity_id": 999, "action": "organisation.created", '
            '"before": null, "after": {"name": "Fantôme"}, "refs": null}]'
        )
        await uow.session.execute(APPEND, {"key": CHANGE_LOG_LOCK, "rows": rows})
        # Meanwhile the worker runs: it sees only what is committed, and waits for nothing.
        await hooks.fan_out()
        await hooks.send_due()
        await uow.rollback()
    org = await admin.create("/organisations", {"name": "Réelle"})
    await deliver(hooks, lambda: receiver.effects())
    assert kinds(receiver) == [("organisation.created", org["id"])]
    assert "Fantôme" not in str([a.body for a in receiver.received()])


async def test_two_workers_never_send_the_same_attempt(admin, database_url, receiver, hooks):
    subs = [await subscribe(admin, receiver) for _ in range(3)]
    for i in range(12):
        await admin.create("/organisations", {"name": f"Compagnie {i}"})
    other_db = Database(database_url, pool_size=4, settings=FAST)
    other = Webhooks(other_db, FAST, concurrency=4)
    try:
        for _ in range(3):  # both queue and send at once, several times over
            await asyncio.gather(hooks.fan_out(), other.fan_out())
            await asyncio.gather(hooks.send_due(), other.send_due())
    finally:
        await other.close()
        await other_db.dispose()
    arrivals = receiver.received()
    ids = [a.message_id for a in arrivals]
    assert len(ids) == 36 and len(set(ids)) == 36  # 12 changes × 3 subscriptions, each once
    for sub in subs:
        log = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()
        assert log["total"] == 12 and {d["attempts"] for d in log["items"]} == {1}


async def test_a_receiver_that_keeps_failing_disables_its_webhook(admin, receiver, hooks):
    sub = await subscribe(admin, receiver)
    receiver.always = 500
    org = await admin.create("/organisations", {"name": "Éclat"})

    async def disabled() -> bool:
        return not (await admin.get(f"/webhooks/{sub['id']}")).json()["active"]

    await deliver(hooks, disabled)
    now = (await admin.get(f"/webhooks/{sub['id']}")).json()
    assert now["failures"] == FAST.webhook_max_failures and now["disabled_at"]
    assert "3" in now["disabled_reason"] and "500" in now["disabled_reason"]
    history = (await admin.get("/changes", params={"entity": "webhook"})).json()["items"]
    assert history[-1]["action"] == "webhook.disabled" and history[-1]["actor"] == "Saison"
    assert len(receiver.received()) == 3
    # Disabled: nothing more is tried.
    await hooks.fan_out()
    await hooks.send_due()
    assert len(receiver.received()) == 3

    # Enabled again once the receiver is fixed: its queue resumes where it stopped.
    receiver.always = 200
    r = await admin.patch(f"/webhooks/{sub['id']}", {"active": True}, version=now["version"])
    assert r.status_code == 200, r.text
    assert r.json()["failures"] == 0 and r.json()["disabled_reason"] is None
    await deliver(hooks, lambda: receiver.effects())
    assert kinds(receiver) == [("organisation.created", org["id"])]


async def test_a_delivery_replayed_by_hand_comes_again_with_its_id(admin, receiver, hooks):
    sub = await subscribe(admin, receiver)
    await admin.create("/organisations", {"name": "Éclat"})
    await deliver(hooks, lambda: receiver.effects())
    (first,) = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()["items"]

    r = await admin.post(f"/webhooks/{sub['id']}/deliveries/{first['id']}/replay")
    assert r.status_code == 201, r.text
    replay = r.json()
    assert replay["replay_of"] == first["id"] and replay["message_id"] == first["message_id"]
    await deliver(hooks, lambda: len(receiver.received()) == 2)
    arrivals = receiver.received()
    assert arrivals[0].message_id == arrivals[1].message_id and arrivals[1].verified
    assert len(receiver.effects()) == 1  # the receiver already had it: no second effect
    log = (await admin.get(f"/webhooks/{sub['id']}/deliveries")).json()["items"]
    assert [d["status"] for d in log] == ["delivered", "delivered"]
    missing = await admin.post(f"/webhooks/{sub['id']}/deliveries/987654/replay")
    assert missing.status_code == 404


async def test_a_ping_tells_at_once_whether_the_receiver_answers(admin, receiver):
    sub = await subscribe(admin, receiver)
    r = await admin.post(f"/webhooks/{sub['id']}/ping")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "delivered" and r.json()["attempt_log"][0]["status_code"] == 200
    (arrival,) = receiver.received()
    assert arrival.verified and arrival.body["type"] == "webhook.ping"

    receiver.always = 410
    failed = (await admin.post(f"/webhooks/{sub['id']}/ping")).json()
    assert failed["status"] == "failed" and failed["last_error"] == "HTTP 410"


async def test_the_secret_is_shown_to_administrators_only_and_never_logged(people, receiver):
    admin = people["admin"]
    sub = await subscribe(admin, receiver)
    assert sub["secret"].startswith("whsec_")
    read = (await admin.get(f"/webhooks/{sub['id']}")).json()
    assert "secret" not in read or read["secret"] is None
    assert (await admin.get(f"/webhooks/{sub['id']}/secret")).json() == {"secret": sub["secret"]}
    history = (await admin.get("/changes", params={"entity": "webhook"})).json()["items"]
    assert sub["secret"] not in str(history) and history[0]["after"]["secret"] == "(set)"
    for role in ("programmation", "administration", "communication"):
        assert (await people[role].get("/webhooks")).status_code == 403
        assert (await people[role].get(f"/webhooks/{sub['id']}/secret")).status_code == 403


@pytest.mark.parametrize(
    ("url", "allow_http", "fine"),
    [
        ("https://billetterie.example/hooks", False, True),
        ("http://127.0.0.1:9000/hooks", False, False),
        ("http://127.0.0.1:9000/hooks", True, True),
        ("ftp://billetterie.example/hooks", True, False),
        ("https://user:secret@billetterie.example/hooks", False, False),
        ("https://billetterie.example:99999/", False, False),
        ("https:///hooks", False, False),
    ],
)
def test_target_addresses_are_checked(url, allow_http, fine):
    assert (url_problem(url, allow_http) is None) == fine


async def test_a_target_with_credentials_is_refused_field_by_field(admin):
    r = await admin.post(
        "/webhooks", {"name": "x", "url": "https://u:p@example.org/h", "events": ["*"]}
    )
    assert r.status_code == 422 and "url" in r.text and "u:p" not in r.text.split('"url"')[0]
    r = await admin.post(
        "/webhooks", {"name": "x", "url": "https://example.org", "events": ["Show"]}
    )
    assert r.status_code == 422 and "events" in r.text


def test_events_name_actions_entities_or_everything():
    assert matches(["engagement.*"], "engagement.confirmed")
    assert matches(["engagement.confirmed"], "engagement.confirmed")
    assert not matches(["engagement.confirmed"], "engagement.updated")
    assert not matches(["engagement.*"], "engagement_hold.created")
    assert matches(["*"], "room.deleted")


async def test_a_webhook_sends_only_what_its_owner_may_read(people, season, receiver, hooks):
    admin, communication = people["admin"], people["communication"]
    # Communication may manage the administration here, but reads no contracts.
    r = await admin.post(
        "/permissions",
        {"area": "administration", "level": "manage", "user_id": communication.user["id"]},
    )
    assert r.status_code == 201, r.text
    await subscribe(communication, receiver, ["engagement.*"])
    engagement = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2027-01-12",
            "last_day": "2027-01-13",
            "fee": "4200.00",
        },
    )
    await admin.patch(f"/engagements/{engagement['id']}", {"fee": "4300.00"}, version=1)
    await admin.delete(f"/engagements/{engagement['id']}", version=2)
    await deliver(hooks, lambda: len(receiver.effects()) == 2)
    # The change of the fee alone tells nothing it may read: not sent at all.
    assert [e["type"] for e in receiver.effects()] == ["engagement.created", "engagement.deleted"]
    assert "4200" not in str(receiver.effects()) and "4300" not in str(receiver.effects())
    created, deleted = receiver.effects()
    assert "fee" not in created["data"]["after"] and created["data"]["after"]["first_day"]
    assert deleted["data"]["deleted"] is True and "fee" not in deleted["data"]["before"]


async def test_the_backlog_says_how_far_behind_webhooks_are(admin, db, receiver, hooks):
    await subscribe(admin, receiver)
    receiver.always = 500
    for name in ("Éclat", "Lumière"):
        await admin.create("/organisations", {"name": name})
    async with db.sessions() as session:
        before = await backlog(session)
    assert before["unqueued"] >= 2 and before["pending"] == 0
    await hooks.fan_out()
    assert await hooks.send_one()  # one attempt, failed: the first change waits for a retry
    async with db.sessions() as session:
        after = await backlog(session)
    assert after["unqueued"] == 0 and after["pending"] == 2 and after["failing"] == 1


async def test_a_manager_who_retargets_a_webhook_owns_it_and_reads_no_one_elses_bodies(
    people, season, receiver, hooks
):
    admin, communication = people["admin"], people["communication"]
    # Communication may manage the administration here, but reads no contracts (no fees).
    r = await admin.post(
        "/permissions",
        {"area": "administration", "level": "manage", "user_id": communication.user["id"]},
    )
    assert r.status_code == 201, r.text
    sub = await subscribe(admin, receiver, ["engagement.*"])
    engagement = {
        "show_id": season["show"]["id"],
        "room_id": season["studio"]["id"],
        "first_day": "2027-01-12",
        "last_day": "2027-01-13",
        "fee": "4200.00",
    }
    await admin.create("/engagements", engagement)
    await deliver(hooks, lambda: len(receiver.effects()) == 1)
    assert "4200" in str(receiver.effects())  # the administrator's webhook sends fees
    (sent,) = (await communication.get(f"/webhooks/{sub['id']}/deliveries")).json()["items"]
    path = f"/webhooks/{sub['id']}/deliveries/{sent['id']}"
    # The delivery log is the manager's to read, not the body sent for the administrator.
    seen = (await communication.get(path)).json()
    assert seen["status"] == "delivered" and seen["payload"] is None
    assert "4200" in str((await admin.get(path)).json()["payload"])

    moved = await communication.patch(
        f"/webhooks/{sub['id']}", {"url": receiver.url + "/mine"}, version=sub["version"]
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["owner_id"] == communication.user["id"]
    await admin.create(
        "/engagements", engagement | {"first_day": "2027-02-02", "last_day": "2027-02-03"}
    )
    await deliver(hooks, lambda: len(receiver.effects()) == 2)
    later = receiver.effects()[1]
    assert later["data"]["after"]["first_day"] == "2027-02-02"
    assert "fee" not in later["data"]["after"] and "4200" not in str(later)
    # A rename alone keeps the owner: only where and what is sent changes it.
    renamed = await admin.patch(
        f"/webhooks/{sub['id']}", {"name": "Billetterie 2"}, version=moved.json()["version"]
    )
    assert renamed.json()["owner_id"] == communication.user["id"]


async def test_a_target_inside_the_network_is_refused_field_by_field(database_url):
    closed = Database(
        database_url, pool_size=2, settings=FAST.model_copy(update={"webhook_allow_private": False})
    )
    try:
        async with unit_of_work(closed, SYSTEM) as uow:
            with pytest.raises(Invalid) as refused:
                await WebhookService(uow).create(
                    {
                        "name": "Métadonnées",
                        "url": "http://169.254.169.254/latest/",
                        "events": ["*"],
                    }
                )
        assert "url" in refused.value.fields
    finally:
        await closed.dispose()
