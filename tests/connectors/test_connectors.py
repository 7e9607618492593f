"""Connectors as a ticketing or payroll tool receives them: files reopened, dates as chosen,
fees only for those who read contracts, schedules, and pushes verified by a real receiver."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import threading
from datetime import UTC, date, datetime, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import openpyxl
import pytest
from standardwebhooks import Webhook

from server.connectors.runs import run_due_connectors
from server.connectors.schedule import next_after
from server.connectors.service import ConnectorIn, ConnectorService
from server.core.errors import Invalid
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.settings import Settings
from tests.factories import paris

MAPPING = [
    {"column": "Spectacle", "source": "show"},
    {"column": "Date", "source": "starts_at", "time_column": "Heure"},
    {"column": "Salle", "source": "room"},
    {"column": "Compagnie", "source": "company"},
    {"column": "Cachet", "source": "fee"},
]


def connector(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Billetterie",
        "entity": "performances",
        "fields": MAPPING,
        "date_format": "local_split",
        "output": "csv",
        "csv_bom": True,
        "csv_separator": ";",
        "filters": {"start": "2026-10-01", "end": "2026-10-31", "confirmed_only": True},
    }
    return body | overrides


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def test_csv_for_french_excel_with_local_dates_and_times(admin, season):
    made = await admin.create("/connectors", connector())
    r = await admin.get(f"/connectors/{made['id']}/output")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="Billetterie.csv"' in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert rows == [
        {
            "Spectacle": "Phèdre",
            "Date": "2026-10-06",
            "Heure": "20:00",  # the venue's time, not UTC (18:00)
            "Salle": "Grande salle",
            "Compagnie": "Compagnie Éclat",
            "Cachet": "8500,00",  # a decimal comma beside the ';' separator
        }
    ]


async def test_other_date_formats_name_the_same_instant(admin, season):
    for fmt, expected in [
        ("iso", "2026-10-06T20:00:00+02:00"),
        ("utc", "2026-10-06T18:00:00Z"),
        ("unix", int(datetime(2026, 10, 6, 18, tzinfo=UTC).timestamp())),
        ("french", "06/10/2026 20:00"),
    ]:
        made = await admin.create(
            "/connectors",
            connector(name=f"Site {fmt}", date_format=fmt, output="json", fields=MAPPING[:2]),
        )
        r = await admin.get(f"/connectors/{made['id']}/output")
        assert r.headers["content-type"].startswith("application/json")
        assert r.json() == [{"Spectacle": "Phèdre", "Date": expected}], fmt


async def test_xlsx_reopened_with_typed_cells(admin, season):
    made = await admin.create(
        "/connectors",
        connector(
            name="Paie",
            entity="engagements",
            output="xlsx",
            date_format="french",
            fields=[
                {"column": "Spectacle", "source": "show"},
                {"column": "Du", "source": "first_day"},
                {"column": "Au", "source": "last_day"},
                {"column": "Cachet HT", "source": "fee"},
            ],
        ),
    )
    r = await admin.get(f"/connectors/{made['id']}/output")
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Spectacle", "Du", "Au", "Cachet HT")
    assert rows[1][0] == "Phèdre"
    assert rows[1][1].date() == date(2026, 10, 6) and rows[1][2].date() == date(2026, 10, 8)
    assert sheet["B2"].number_format == "dd/mm/yyyy"
    assert float(rows[1][3]) == 8500.0


async def test_split_times_are_spreadsheet_times(admin, season):
    made = await admin.create("/connectors", connector(name="Régie", output="xlsx"))
    r = await admin.get(f"/connectors/{made['id']}/output")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    values = dict(zip(header, first, strict=True))
    assert values["Heure"] == time(20, 0)
    assert values["Date"].date() == date(2026, 10, 6)


async def test_no_fee_without_contracts_and_no_company_without_directory(people, admin, season):
    made = await admin.create("/connectors", connector())
    # Technique reads programming, not contracts: the fee column is absent, not blank.
    r = await people["technique"].get(f"/connectors/{made['id']}/output")
    assert r.status_code == 200, r.text
    (row,) = read_csv(r.content)
    assert "Cachet" not in row and row["Spectacle"] == "Phèdre"
    # Administration reads contracts: the fee is there.
    r = await people["administration"].get(f"/connectors/{made['id']}/output")
    (row,) = read_csv(r.content)
    assert row["Cachet"] == "8500,00"
    # Someone without Programming neither sees the connector nor downloads it.
    assert (await people["nobody"].get(f"/connectors/{made['id']}/output")).status_code == 403
    assert (await people["nobody"].get("/connectors")).json()["items"] == []
    # Only administrators manage connectors.
    r = await people["programmation"].post("/connectors", connector(name="Autre"))
    assert r.status_code == 403


async def test_filters_keep_the_period_rooms_and_confirmed(admin, season):
    await admin.create(
        "/performances",
        {
            "engagement_id": season["engagement"]["id"],
            "starts_at": paris("2026-10-07", "20:00"),
            "ends_at": paris("2026-10-07", "22:00"),
        },
    )
    made = await admin.create(
        "/connectors",
        connector(
            name="Un jour",
            output="json",
            fields=MAPPING[:2],
            date_format="iso",
            filters={
                "start": "2026-10-07",
                "end": "2026-10-07",
                "room_ids": [season["room"]["id"]],
            },
        ),
    )
    rows = (await admin.get(f"/connectors/{made['id']}/output")).json()
    assert [r["Date"] for r in rows] == ["2026-10-07T20:00:00+02:00"]
    studio_only = await admin.create(
        "/connectors",
        connector(name="Studio", output="json", filters={"room_ids": [season["studio"]["id"]]}),
    )
    assert (await admin.get(f"/connectors/{studio_only['id']}/output")).json() == []


async def test_a_mapping_names_only_documented_fields(admin):
    r = await admin.post(
        "/connectors", connector(fields=[{"column": "X", "source": "password_hash"}])
    )
    assert r.status_code == 422
    assert "fields.0.source" in r.text
    # The fields are named in the reader's language: French by default, English on request.
    for language, label in [
        ("fr", "Cachet de l’exploitation (HT)"),
        ("en", "Engagement fee (excl. VAT)"),
    ]:
        fields = (
            await admin.get("/connectors/fields", headers={"Accept-Language": language})
        ).json()
        performances = next(e for e in fields if e["name"] == "performances")
        assert {"name": "fee", "label": label, "kind": "decimal",
                "needs": "contracts"} in performances["fields"]  # fmt: skip


async def test_changes_need_the_version_and_are_in_the_history(admin, season):
    made = await admin.create("/connectors", connector())
    r = await admin.patch(f"/connectors/{made['id']}", {"output": "json"})
    assert r.status_code == 428
    r = await admin.patch(f"/connectors/{made['id']}", {"output": "json"}, version=made["version"])
    assert r.status_code == 200 and r.json()["output"] == "json"
    stale = await admin.patch(f"/connectors/{made['id']}", {"output": "csv"}, version=1)
    assert stale.status_code == 412
    changes = (await admin.get("/changes", params={"entity": "connector"})).json()["items"]
    assert [c["action"] for c in changes] == ["connector.created", "connector.updated"]


def test_schedules_fall_on_the_venues_clock():
    moment = datetime(2026, 10, 24, 22, 15, tzinfo=UTC)  # Sunday 00:15 in Paris
    assert next_after("hourly", moment) == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    # Daily at 06:00 Paris: 04:00 UTC in summer time, 05:00 once the clocks went back.
    assert next_after("daily", moment) == datetime(2026, 10, 25, 5, 0, tzinfo=UTC)
    assert next_after("weekly", moment) == datetime(2026, 10, 26, 5, 0, tzinfo=UTC)  # Monday
    assert next_after("none", moment) is None


class Receiver:
    """A real HTTP server on loopback that keeps what it is sent."""

    def __init__(self, status: int = 200) -> None:
        received: list[tuple[dict[str, str], bytes]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers.items()), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/saison"
        # Polling for shutdown every 20 ms: the default half second was every test's teardown.
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


async def test_a_scheduled_connector_is_pushed_signed_when_due(admin, season, db, receiver):
    made = await admin.create(
        "/connectors", connector(schedule="daily", push_url=receiver.url, output="xlsx")
    )
    secret = made["push_secret"]
    assert secret.startswith("whsec_")
    read = (await admin.get(f"/connectors/{made['id']}")).json()
    assert "push_secret" not in read or read["push_secret"] is None  # given once
    due = datetime.fromisoformat(made["next_run_at"])
    assert await run_due_connectors(db, now=due.replace(hour=0)) == []  # not yet
    ran = await run_due_connectors(db, now=due)
    assert [r["status"] for r in ran] == ["delivered 200"]
    ((headers, body),) = receiver.received
    payload = Webhook(secret).verify(body, headers)  # raises unless signed with the secret
    assert payload["type"] == "connector.output"
    assert payload["data"]["filename"] == "Billetterie.xlsx"
    assert payload["data"]["encoding"] == "base64"
    # Its next run is the next day; running again now does nothing.
    after = (await admin.get(f"/connectors/{made['id']}")).json()
    assert datetime.fromisoformat(after["next_run_at"]) > due
    assert after["last_status"] == "delivered 200"
    assert await run_due_connectors(db, now=due) == []
    # The secret is not in the history.
    changes = (await admin.get("/changes", params={"entity": "connector"})).json()["items"]
    assert secret not in json.dumps(changes)
    assert changes[-1]["action"] == "connector.ran"


async def test_a_refused_push_is_recorded_and_tried_again(admin, season, db):
    refusing = Receiver(status=500)
    try:
        made = await admin.create(
            "/connectors", connector(schedule="hourly", push_url=refusing.url)
        )
        due = datetime.fromisoformat(made["next_run_at"])
        (ran,) = await run_due_connectors(db, now=due)
        assert ran["status"].startswith("failed")
        r = await admin.post(f"/connectors/{made['id']}/push")
        assert r.status_code == 502 and r.headers["content-type"].startswith(
            "application/problem+json"
        )
        await asyncio.sleep(0)
        assert len(refusing.received) == 2
    finally:
        refusing.close()


async def test_a_schedule_needs_an_address(admin):
    r = await admin.post("/connectors", connector(schedule="weekly"))
    assert r.status_code == 422 and "push_url" in r.text


async def test_a_push_address_added_later_gets_its_secret_once(admin, season, receiver):
    made = await admin.create("/connectors", connector())
    assert made["push_secret"] is None
    r = await admin.patch(
        f"/connectors/{made['id']}", {"push_url": receiver.url}, version=made["version"]
    )
    secret = r.json()["push_secret"]
    assert secret.startswith("whsec_")
    r = await admin.patch(f"/connectors/{made['id']}", {"name": "Billetterie 2"}, version=2)
    assert r.status_code == 200 and r.json().get("push_secret") is None
    pushed = await admin.post(f"/connectors/{made['id']}/push")
    assert pushed.json() == {"status": "delivered 200", "rows": 1}
    ((headers, body),) = receiver.received
    csv_text = Webhook(secret).verify(body, headers)["data"]["content"]
    assert read_csv(csv_text.encode())[0]["Spectacle"] == "Phèdre"


async def test_the_output_never_holds_what_its_owner_may_not_read(people, admin, season, db):
    """Technique, given Administration write but not Contracts, makes a connector with the fee:
    even the administrator downloading it, and its scheduled push, get no fee."""
    technique = people["technique"]
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "write", "user_id": technique.user["id"]},
    )
    receiver = Receiver()
    try:
        made = await technique.create(
            "/connectors", connector(schedule="hourly", push_url=receiver.url)
        )
        (row,) = read_csv((await admin.get(f"/connectors/{made['id']}/output")).content)
        assert "Cachet" not in row and row["Spectacle"] == "Phèdre"
        await run_due_connectors(db, now=datetime.fromisoformat(made["next_run_at"]))
        ((headers, body),) = receiver.received
        content = Webhook(made["push_secret"]).verify(body, headers)["data"]["content"]
        assert "Cachet" not in content and "8500" not in content
    finally:
        receiver.close()


async def test_a_name_that_looks_like_a_formula_stays_text_in_the_spreadsheet(admin, season):
    """A title typed as "=HYPERLINK(…)" (by mistake or malice) must not become a live formula
    in the ticketing office's Excel: CSV cells get the quote spreadsheets read as "text", and
    XLSX cells are written as text."""
    show = season["show"]
    formula = '=HYPERLINK("http://example.invalid","Cliquez")'
    renamed = await admin.patch(f"/shows/{show['id']}", {"title": formula}, version=show["version"])
    assert renamed.status_code == 200, renamed.text

    made = await admin.create("/connectors", connector(name="Billetterie CSV"))
    rows = read_csv((await admin.get(f"/connectors/{made['id']}/output")).content)
    assert rows[0]["Spectacle"] == "'" + formula

    made = await admin.create("/connectors", connector(name="Billetterie XLSX", output="xlsx"))
    content = (await admin.get(f"/connectors/{made['id']}/output")).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == (formula, "s")


async def test_whoever_changes_what_a_connector_sends_becomes_its_owner(people, admin, season):
    """Technique, given Administration write but not Contracts, adds the fee to the
    administrator's connector and points it at its own server: the connector is now Technique's,
    so neither the push nor the next scheduled run carries the fee."""
    technique = people["technique"]
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "write", "user_id": technique.user["id"]},
    )
    made = await admin.create("/connectors", connector(fields=MAPPING[:3]))
    receiver = Receiver()
    try:
        r = await technique.patch(
            f"/connectors/{made['id']}",
            {"fields": MAPPING, "push_url": receiver.url},
            version=made["version"],
        )
        assert r.status_code == 200, r.text
        assert r.json()["owner_id"] == technique.user["id"]
        pushed = await technique.post(f"/connectors/{made['id']}/push")
        assert pushed.json() == {"status": "delivered 200", "rows": 1}
        ((headers, body),) = receiver.received
        content = Webhook(r.json()["push_secret"]).verify(body, headers)["data"]["content"]
        assert "Cachet" not in content and "8500" not in content
        assert read_csv(content.encode())[0]["Spectacle"] == "Phèdre"
    finally:
        receiver.close()
    # Renaming it changes nothing of what it sends: the owner stays.
    renamed = await admin.patch(f"/connectors/{made['id']}", {"name": "Régie"}, version=2)
    assert renamed.status_code == 200 and renamed.json()["owner_id"] == technique.user["id"]


async def test_a_push_sends_only_what_the_pusher_may_read(people, admin, season, receiver):
    """Pushing the administrator's connector by hand is like downloading it: Technique's push
    holds no fee, even to the administrator's own address."""
    technique = people["technique"]
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "write", "user_id": technique.user["id"]},
    )
    made = await admin.create("/connectors", connector(push_url=receiver.url))
    pushed = await technique.post(f"/connectors/{made['id']}/push")
    assert pushed.status_code == 201, pushed.text
    ((headers, body),) = receiver.received
    content = Webhook(made["push_secret"]).verify(body, headers)["data"]["content"]
    assert "Cachet" not in content and "8500" not in content
    assert read_csv(content.encode())[0]["Spectacle"] == "Phèdre"


async def test_a_push_address_inside_the_network_is_refused_unless_allowed(
    admin, season, database_url, receiver
):
    closed = Settings.defaults().model_copy(update={"webhook_allow_private": False})
    db = Database(database_url, pool_size=2, settings=closed)
    try:
        async with unit_of_work(db, SYSTEM) as uow:
            with pytest.raises(Invalid) as refused:
                await ConnectorService(uow).create(
                    ConnectorIn.model_validate(
                        connector(schedule="daily", push_url="http://169.254.169.254/latest/")
                    ).model_dump()
                )
        assert "push_url" in refused.value.fields
        # Saved while allowed (here by the tests' server), refused when connecting.
        made = await admin.create("/connectors", connector(schedule="daily", push_url=receiver.url))
        (ran,) = await run_due_connectors(db, now=datetime.fromisoformat(made["next_run_at"]))
        assert ran["status"].startswith("failed") and "inside the network" in ran["status"]
        assert receiver.received == []
    finally:
        await db.dispose()
