"""Files on technical sheets: checked on the way in (size, type, first bytes), given back intact."""

from __future__ import annotations

import hashlib

import pytest

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
LIMIT = 20 * 1024 * 1024  # SAISON_MAX_ATTACHMENT_BYTES by default


def upload(client, sheet_id, name, content, content_type):
    return client.http.post(
        f"/technical-sheets/{sheet_id}/attachments",
        files={"file": (name, content, content_type)},
    )


@pytest.fixture
def sheet(season):
    return season["technical_sheet"]


async def attachments(admin, sheet_id):
    params = {"technical_sheet_id": sheet_id}
    return (await admin.get("/attachments", params=params)).json()["items"]


async def test_a_file_goes_in_and_comes_back_the_same(people, sheet):
    r = await upload(people["technique"], sheet["id"], "plan de feu.pdf", PDF, "application/pdf")
    assert r.status_code == 201, r.text
    attachment = r.json()
    assert attachment["filename"] == "plan de feu.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size"] == len(PDF)
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["technical_sheet_id"] == sheet["id"]
    assert r.headers["etag"] == '"v1"'
    assert "data" not in attachment

    download = await people["communication"].get(f"/attachments/{attachment['id']}/content")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"] == 'attachment; filename="plan de feu.pdf"'
    assert download.headers["x-content-type-options"] == "nosniff"

    listed = await attachments(people["admin"], sheet["id"])
    assert [a["id"] for a in listed] == [attachment["id"]]
    history = (await people["admin"].get(f"/changes/attachment/{attachment['id']}")).json()
    created = history["items"][0]
    assert created["actor_id"] == people["technique"].user["id"]
    assert created["after"]["sha256"] == attachment["sha256"]
    assert "data" not in created["after"]


@pytest.mark.parametrize(
    ("name", "plain", "encoded"),
    [
        # a dash and a ligature: not Latin-1
        (
            "Plan de feu — Œdipe.pdf",
            "Plan de feu - OEdipe.pdf",
            "Plan%20de%20feu%20%E2%80%94%20%C5%92dipe.pdf",
        ),
        (
            "Fiche « Lac Gelé ».pdf",
            "Fiche _ Lac Gele _.pdf",
            "Fiche%20%C2%AB%20Lac%20Gel%C3%A9%20%C2%BB.pdf",
        ),
        # a touring company's file: Cyrillic and Chinese have no ASCII form at all
        (
            "fiche-технический-舞台.pdf",
            "fiche-_-_.pdf",
            "fiche-%D1%82%D0%B5%D1%85%D0%BD%D0%B8%D1%87%D0%B5%D1%81%D0%BA%D0%B8%D0%B9-%E8%88%9E%E5%8F%B0.pdf",
        ),
    ],
)
async def test_a_file_comes_back_with_its_own_name(people, sheet, name, plain, encoded):
    r = await upload(people["technique"], sheet["id"], name, PDF, "application/pdf")
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == name
    download = await people["technique"].get(f"/attachments/{r.json()['id']}/content")
    assert download.status_code == 200
    assert download.content == PDF
    # The name itself for browsers (RFC 6266 filename*), a readable ASCII one for old clients.
    assert download.headers["content-disposition"] == (
        f"attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    )


async def test_images_are_accepted(admin, sheet):
    r = await upload(admin, sheet["id"], "implantation.png", PNG, "image/png")
    assert r.status_code == 201


@pytest.mark.parametrize(
    ("name", "content", "content_type", "field"),
    [
        ("plan.pdf", EXE, "application/pdf", "file"),  # says PDF, is a program
        ("photo.png", PDF, "image/png", "file"),
        ("notes.txt", b"\xff\xfe\x00\x00binaire", "text/plain", "file"),
        ("setup.exe", EXE, "application/x-msdownload", "content_type"),
        ("page.html", b"<script>alert(1)</script>", "text/html", "content_type"),
        ("vide.pdf", b"", "application/pdf", "file"),
    ],
    ids=["exe-as-pdf", "pdf-as-png", "binary-as-text", "exe", "html", "empty"],
)
async def test_files_that_are_not_what_they_claim_are_refused(
    admin, sheet, name, content, content_type, field
):
    r = await upload(admin, sheet["id"], name, content, content_type)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
    assert await attachments(admin, sheet["id"]) == []


async def test_a_file_over_the_size_limit_is_refused(admin, sheet):
    too_big = b"%PDF-1.7\n" + bytes(LIMIT)
    r = await upload(admin, sheet["id"], "enorme.pdf", too_big, "application/pdf")
    assert r.status_code in (413, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await attachments(admin, sheet["id"]) == []


async def test_the_size_refusal_is_said_in_megabytes_not_bytes(admin, sheet):
    too_big = b"%PDF-1.7\n" + bytes(LIMIT)
    r = await upload(admin, sheet["id"], "enorme.pdf", too_big, "application/pdf")
    said = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert said["file"] == "le fichier dépasse la taille acceptée de 20\u202fMo"
    r = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("enorme.pdf", too_big, "application/pdf")},
        headers={"Accept-Language": "en"},
    )
    said = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert said["file"] == "the file is larger than the 20 MB accepted"


async def test_a_file_just_under_the_limit_is_accepted(admin, sheet):
    content = b"%PDF-1.7\n" + bytes(LIMIT - 9)
    r = await upload(admin, sheet["id"], "gros.pdf", content, "application/pdf")
    assert r.status_code == 201, r.text
    assert r.json()["size"] == LIMIT


async def test_the_file_name_loses_any_path(admin, sheet):
    r = await upload(admin, sheet["id"], "../../etc/fiche.pdf", PDF, "application/pdf")
    assert r.status_code == 201
    assert r.json()["filename"] == "fiche.pdf"
    r = await upload(admin, sheet["id"], "C:\\Users\\régie\\fiche2.pdf", PDF, "application/pdf")
    assert r.json()["filename"] == "fiche2.pdf"


async def test_the_file_must_be_sent_as_the_file_field(admin, sheet):
    r = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"document": ("plan.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["file"]


async def test_uploading_to_an_unknown_sheet_is_404(admin):
    r = await upload(admin, 987654, "plan.pdf", PDF, "application/pdf")
    assert r.status_code == 404


async def test_who_may_upload_and_download(people, sheet):
    for role in ("communication", "programmation", "rp"):
        r = await upload(people[role], sheet["id"], "plan.pdf", PDF, "application/pdf")
        assert r.status_code == 403, role
    made = await upload(people["technique"], sheet["id"], "plan.pdf", PDF, "application/pdf")
    attachment = made.json()
    assert (
        await people["nobody"].get(f"/attachments/{attachment['id']}/content")
    ).status_code == 403
    assert (
        await people["anonymous"].get(f"/attachments/{attachment['id']}/content")
    ).status_code == 401
    assert len(await attachments(people["admin"], sheet["id"])) == 1


async def test_an_attachment_can_be_removed_but_not_changed(admin, sheet):
    attachment = (await upload(admin, sheet["id"], "plan.pdf", PDF, "application/pdf")).json()
    path = f"/attachments/{attachment['id']}"
    assert (await admin.patch(path, {"filename": "autre.pdf"}, version=1)).status_code == 405
    assert (await admin.delete(path)).status_code == 428
    assert (await admin.delete(path, version=1)).status_code == 204
    assert (await admin.get(f"{path}/content")).status_code == 404
    history = (await admin.get(f"/changes/attachment/{attachment['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["attachment.created", "attachment.deleted"]


async def test_the_sheet_lists_its_files_and_the_limit_the_upload_enforces(people, sheet):
    path = f"/technical-sheets/{sheet['id']}/attachments"
    empty = (await people["communication"].get(path)).json()
    assert empty == {"items": [], "max_bytes": LIMIT}

    made = (
        await upload(people["technique"], sheet["id"], "plan.pdf", PDF, "application/pdf")
    ).json()
    listed = await people["communication"].get(path)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["items"]] == [made["id"]]
    assert listed.json()["items"][0]["size"] == len(PDF)

    # The limit stated is the one applied: one byte more is refused, naming it.
    limit = listed.json()["max_bytes"]
    over = await upload(
        people["technique"],
        sheet["id"],
        "gros.pdf",
        b"%PDF-1.7\n" + bytes(limit - 8),
        "application/pdf",
    )
    assert over.status_code == 422, over.text
    assert over.json()["errors"][0]["message"].endswith("taille acceptée de 20\u202fMo")

    assert (await people["nobody"].get(path)).status_code == 403
    assert (
        await people["technique"].get("/technical-sheets/987654/attachments")
    ).status_code == 404
