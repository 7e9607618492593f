"""The organisation's record (Administration › Organisation): read by everyone signed in,
changed by administrators with If-Match, every change in the history, every wrong field named."""

from __future__ import annotations

import struct
import zlib
from typing import Any

SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
<rect width="120" height="40" fill="#1f618d"/></svg>"""


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image (grey pixels), made here rather than kept as a file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["field"]: e["message"] for e in response.json()["errors"]}


async def test_everyone_signed_in_reads_it_and_only_administrators_change_it(people):
    for role in ("communication", "nobody", "admin"):
        r = await people[role].get("/organisation")
        assert r.status_code == 200, (role, r.text)
        assert r.json()["timezone"] == "Europe/Paris" and r.json()["language"] == "fr"
    assert (await people["anonymous"].get("/organisation")).status_code == 401
    version = r.json()["version"]
    for role in ("programmation", "administration", "communication"):
        r = await people[role].patch("/organisation", {"name": "Chez moi"}, version=version)
        assert r.status_code == 403, (role, r.text)
    assert (await people["admin"].get("/organisation")).json()["name"] is None


async def test_an_administrator_changes_the_numbers_and_the_history_says_so(admin):
    before = (await admin.get("/organisation")).json()
    r = await admin.patch(
        "/organisation",
        {
            "name": "Théâtre des Quatre Vents",
            "siret": "123 456 782 00002",
            "ape_code": "90 04 z",
            "vat_number": "fr 11 123456782",
            "licence_1": "platesv-r-2021-123",
            "licence_3": "L-R-21-123",
            "representative_name": "Anne Lefort",
            "representative_title": "Directrice",
        },
        version=before["version"],
    )
    assert r.status_code == 200, r.text
    after = r.json()
    assert r.headers["etag"] == f'"v{before["version"] + 1}"'
    assert after["siret"] == "12345678200002"  # as typed, without its spaces
    assert after["ape_code"] == "90.04Z"
    assert after["vat_number"] == "FR11123456782"
    assert after["licence_1"] == "PLATESV-R-2021-000123"
    assert after["licence_3"] == "L-R-21-123"
    # Read back by someone else, and in the history.
    again = (await admin.get("/organisation")).json()
    assert again["name"] == "Théâtre des Quatre Vents" and again["version"] == after["version"]
    log = (await admin.get("/changes", params={"limit": 5000})).json()["items"]
    change = [c for c in log if c["action"] == "organisation_settings.updated"][-1]
    assert change["before"]["name"] is None
    assert change["after"]["name"] == "Théâtre des Quatre Vents"
    assert change["after"]["siret"] == "12345678200002"
    # An empty text clears an optional field.
    r = await admin.patch("/organisation", {"licence_3": ""}, version=after["version"])
    assert r.status_code == 200 and r.json()["licence_3"] is None


async def test_wrong_values_are_refused_field_by_field_in_french(admin):
    current = (await admin.get("/organisation")).json()
    r = await admin.patch(
        "/organisation",
        {
            "name": "Nouveau nom",
            "siret": "123 456 789 00012",  # fails the check digit
            "timezone": "Europe/Lutèce",
            "language": "de",
            "ape_code": "9004",
            "licence_2": "licence 42",
        },
        version=current["version"],
    )
    said = errors(r)
    assert set(said) == {"siret", "timezone", "language", "ape_code", "licence_2"}
    assert "chiffre de contrôle" in said["siret"]
    assert "fuseau horaire" in said["timezone"]
    assert "PLATESV-R-2021-000123" in said["licence_2"]
    assert errors(await admin.patch("/organisation", {"siret": "1234"}, version=1)) == {
        "siret": "un SIRET compte 14 chiffres"
    }
    # Nothing was written, not even the name that was right.
    unchanged = (await admin.get("/organisation")).json()
    assert unchanged["version"] == current["version"] and unchanged["name"] is None


async def test_a_change_based_on_an_old_version_is_refused(admin):
    current = (await admin.get("/organisation")).json()
    first = await admin.patch("/organisation", {"city": "Lyon"}, version=current["version"])
    assert first.status_code == 200
    late = await admin.patch("/organisation", {"city": "Nantes"}, version=current["version"])
    assert late.status_code == 412, late.text
    assert (await admin.patch("/organisation", {"city": "Nantes"})).status_code == 428
    assert (await admin.get("/organisation")).json()["city"] == "Lyon"


async def test_the_logo_is_a_checked_image_put_read_and_removed(admin, people):
    version = (await admin.get("/organisation")).json()["version"]
    headers = {"If-Match": f'"v{version}"'}
    image = png()
    r = await admin.http.put(
        "/organisation/logo", files={"file": ("logo.png", image, "image/png")}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["logo_type"] == "image/png"
    got = await people["technique"].get("/organisation/logo")
    assert got.status_code == 200 and got.content == image
    assert got.headers["content-type"] == "image/png"
    headers = {"If-Match": r.headers["etag"]}
    refused = {
        "text said to be a PNG": ("logo.png", b"not an image at all", "image/png"),
        "a PDF": ("logo.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf"),
        "a drawing that runs a script": (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        "too big": ("logo.png", image + b"\0" * (1024 * 1024), "image/png"),
    }
    for what, upload in refused.items():
        r = await admin.http.put("/organisation/logo", files={"file": upload}, headers=headers)
        assert list(errors(r)) == ["file"], what
    r = await admin.http.put(
        "/organisation/logo", files={"file": ("logo.svg", SVG, "image/svg+xml")}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert (await admin.get("/organisation/logo")).content == SVG
    r = await admin.http.delete("/organisation/logo", headers={"If-Match": r.headers["etag"]})
    assert r.status_code == 200 and r.json()["logo_type"] is None
    assert (await admin.get("/organisation/logo")).status_code == 404
    assert (
        await people["programmation"].http.put(
            "/organisation/logo", files={"file": ("logo.svg", SVG, "image/svg+xml")}
        )
    ).status_code == 403
