"""Communication writes what the public reads of a show; the rest of the venue reads it."""

from __future__ import annotations

import io

from PIL import Image

from tests.communication.conftest import PUBLIC, poster


async def test_communication_writes_public_content_and_programming_reads_it(people, season):
    com, prog = people["communication"], people["programmation"]
    show_id = season["show"]["id"]
    created = await com.create("/show-publications", {"show_id": show_id, **PUBLIC})
    assert created["prices"] == [
        {"label": "Plein tarif", "amount": "22.00"},
        {"label": "Réduit", "amount": "15.00"},
    ]
    path = f"/show-publications/{created['id']}"

    read = await prog.get(path)
    assert read.status_code == 200 and read.json()["title_en"] == "Phaedra"
    assert (await prog.get("/show-publications", params={"show_id": show_id})).json()["total"] == 1
    refused = await prog.patch(path, {"title_fr": "Phèdre !"}, created["version"])
    assert refused.status_code == 403
    assert (await people["technique"].get(path)).status_code == 403

    changed = await com.patch(path, {"title_fr": "Phèdre (reprise)"}, created["version"])
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == f'"v{created["version"] + 1}"'
    # Someone working on the copy read before is told, not overwritten.
    stale = await com.patch(path, {"summary_fr": "Autre texte"}, created["version"])
    assert stale.status_code == 412
    # The change is in the one history, by whom.
    changes = (await com.get("/changes", params={"entity": "show_publication"})).json()["items"]
    assert [c["action"] for c in changes] == [
        "show_publication.created",
        "show_publication.updated",
    ]
    assert changes[-1]["after"] == {"title_fr": "Phèdre (reprise)"}


async def test_bad_public_content_is_refused_field_by_field(people, season):
    com = people["communication"]
    r = await com.post(
        "/show-publications",
        {
            "show_id": season["show"]["id"],
            "ticket_url": "billetterie.example.org",
            "prices": [{"label": "Plein tarif", "amount": "-3"}],
            "audience": "adults",
            "age_from": 12,
            "age_to": 8,
        },
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"].split(".")[0] for e in r.json()["errors"]}
    assert {"ticket_url", "prices", "audience"} <= fields, fields

    once = await com.create("/show-publications", {"show_id": season["show"]["id"]})
    assert once["published"] is False and once["audience"] == "all"
    again = await com.post("/show-publications", {"show_id": season["show"]["id"]})
    assert again.status_code == 409  # one public content per show
    r = await com.patch(f"/show-publications/{once['id']}", {"age_from": 12, "age_to": 8}, 1)
    assert r.status_code == 422 and "age_to" in r.text


async def test_a_performance_may_have_its_own_link_or_be_sold_out(people, season):
    com = people["communication"]
    made = await com.create(
        "/performance-publications",
        {
            "performance_id": season["performance"]["id"],
            "ticket_url": "https://billetterie.example.org/phedre-6-octobre",
            "sold_out": True,
        },
    )
    assert made["sold_out"] is True
    # Only a performance has a public status: a get-in is not announced.
    r = await com.post("/performance-publications", {"performance_id": season["activity"]["id"]})
    assert r.status_code == 422 and "performance_id" in r.text
    r = await people["programmation"].post(
        "/performance-publications", {"performance_id": season["performance"]["id"]}
    )
    assert r.status_code == 403


async def test_an_uploaded_image_gets_its_web_sizes(people, season, in_process):
    com = people["communication"]
    publication = await com.create("/show-publications", {"show_id": season["show"]["id"]})
    r = await com.http.post(
        f"/show-publications/{publication['id']}/image",
        files={"file": ("affiche.png", poster(), "image/png")},
        headers={"If-Match": f'"v{publication["version"]}"'},
    )
    assert r.status_code == 200, r.text
    image_id = r.json()["image_id"]
    image = (await com.get(f"/public-images/{image_id}")).json()
    assert (image["width"], image["height"], image["content_type"]) == (2400, 3200, "image/png")
    assert "original" not in image and "large_jpeg" not in image  # no bytes in the record
    # Uploading over a copy someone changed since is refused like any stale write.
    stale = await com.http.post(
        f"/show-publications/{publication['id']}/image",
        files={"file": ("affiche.png", poster(300, 400), "image/png")},
        headers={"If-Match": f'"v{publication["version"]}"'},
    )
    assert stale.status_code == 412

    async with in_process.client() as anonymous:
        # Not published yet: the public does not see it, communication does (to check it).
        assert (await anonymous.get(f"/public/images/{image_id}/600.jpg")).status_code == 404
    preview = await com.http.get(f"{in_process.url}/public/images/{image_id}/1200.webp")
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(preview.content)).size == (1200, 1600)

    current = (await com.get(f"/show-publications/{publication['id']}")).json()
    await com.patch(
        f"/show-publications/{publication['id']}", {"published": True}, current["version"]
    )
    async with in_process.client() as anonymous:
        small = await anonymous.get(f"/public/images/{image_id}/600.jpg")
        assert small.status_code == 200 and small.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(small.content)).size == (600, 800)
        assert "max-age" in small.headers["cache-control"]
        again = await anonymous.get(
            f"/public/images/{image_id}/600.jpg", headers={"If-None-Match": small.headers["etag"]}
        )
        assert again.status_code == 304
        assert (await anonymous.get(f"/public/images/{image_id}/9000.gif")).status_code == 404

    # Not a picture: refused, nothing stored.
    r = await com.http.post(
        f"/show-publications/{publication['id']}/image",
        files={"file": ("affiche.png", b"%PDF-1.7 not an image", "image/png")},
    )
    assert r.status_code == 422 and "file" in r.text
    # The upload is communication's to make.
    r = await people["programmation"].http.post(
        f"/show-publications/{publication['id']}/image",
        files={"file": ("affiche.png", poster(300, 400), "image/png")},
    )
    assert r.status_code == 403
