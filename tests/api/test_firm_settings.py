"""Firm settings over HTTP: staff set them; anyone signed in reads them."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_firm_settings_over_http(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    staff, client = key_for("secretary"), key_for("client", client_id="cli-001")
    current = api.get("/v1/firm", headers=client).json()
    assert current["name"] == "Hargrove & Vance LLP"
    assert api.put("/v1/firm", headers=client, json=current).status_code == 403
    bad = api.put("/v1/firm", headers=staff, json={**current, "timezone": "Nowhere/Here"})
    assert bad.status_code == 422 and bad.json()["field"] == "timezone"
    updated = api.put("/v1/firm", headers=staff, json={**current, "phone": "+1 212 555 0199"})
    assert updated.status_code == 200 and updated.json()["phone"] == "+1 212 555 0199"
