"""The API starts over the store, documents itself, and lists the firm to those allowed."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_docs_and_openapi_load(api: TestClient) -> None:
    assert api.get("/docs").status_code == 200
    spec = api.get("/openapi.json").json()
    assert "/v1/attorneys" in spec["paths"]


def test_attorneys_need_a_key(api: TestClient) -> None:
    response = api.get("/v1/attorneys")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"] == "Bearer"
    bad = api.get("/v1/attorneys", headers={"Authorization": "Bearer lsk_not-a-key"})
    assert bad.status_code == 401


def test_secretary_lists_every_attorney(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    body = api.get("/v1/attorneys", headers=key_for("secretary")).json()
    assert body["count"] == 12 == len(body["data"])
    first = body["data"][0]
    assert {"id", "name", "timezone", "working_hours", "practice_areas"} <= set(first)


def test_client_sees_only_their_own_world(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff = key_for("secretary")
    matters = api.get("/v1/matters", headers=staff).json()["data"]
    mine = [m for m in matters if m["client"] == "cli-001"]
    theirs = next(m for m in matters if m["client"] != "cli-001")
    client = key_for("client", client_id="cli-001")

    assert [c["id"] for c in api.get("/v1/clients", headers=client).json()["data"]] == ["cli-001"]
    assert {m["id"] for m in api.get("/v1/matters", headers=client).json()["data"]} == {
        m["id"] for m in mine
    }
    hidden = api.get(f"/v1/matters/{theirs['id']}", headers=client)
    missing = api.get("/v1/matters/mat-999", headers=client)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(theirs["id"], "X") == missing.json()["detail"].replace(
        "mat-999", "X"
    )
    responsible = {a for m in mine for a in m["responsible_attorneys"]}
    visible = {a["id"] for a in api.get("/v1/attorneys", headers=client).json()["data"]}
    assert visible == responsible
    assert all(
        m["screened_attorneys"] is None
        for m in api.get("/v1/matters", headers=client).json()["data"]
    )


def test_screened_attorney_cannot_see_the_walled_matter(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    matters = api.get("/v1/matters", headers=key_for("secretary")).json()["data"]
    walled = next(m for m in matters if m["screened_attorneys"])
    screened = walled["screened_attorneys"][0]
    lawyer = key_for("attorney", attorney_id=screened)
    assert api.get(f"/v1/matters/{walled['id']}", headers=lawyer).status_code == 404
    assert walled["id"] not in {
        m["id"] for m in api.get("/v1/matters", headers=lawyer).json()["data"]
    }


def test_reads_of_matters_are_audited(api: TestClient, key_for, demo_store) -> None:  # type: ignore[no-untyped-def]
    api.get("/v1/matters/mat-001", headers=key_for("secretary"))
    with demo_store.unit_of_work(readonly=True) as uow:
        [entry] = uow.audit.list(entity_type="matter", entity_id="mat-001")
    assert entry.action == "view" and entry.actor.endswith("(secretary)")


def test_oversized_bodies_are_refused(api: TestClient) -> None:
    response = api.post("/v1/attorneys", content=b"x" * 2_000_000)
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_health(api: TestClient) -> None:
    assert api.get("/v1/health").json() == {"status": "ok", "database": "reachable"}
