"""The deadline routes: compute, chains, the docket of a matter; roles, walls, 422 and 404."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

# In the demo firm (seed 7, starting 2026-12-07), mat-001 is a federal matter of att-yilmaz and
# att-navarro, walled off from att-delgado; its client is cli-001.
MATTER = "mat-001"


def _compute(api: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return api.post("/v1/deadlines/compute", json=body, headers=headers)


def test_compute_matches_the_command(api: TestClient, key_for: Any) -> None:
    headers = key_for("secretary")
    answer = _compute(
        api, headers, jurisdiction="US-FED", trigger="2026-03-02", days=21, service="mail"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["due"] == "2026-03-26" and body["due_weekday"] == "Thursday"
    assert body["steps"][0].startswith("Count 21 days after Monday 2 March 2026")
    assert "FRCP 6(d)" in body["citations"]
    back = _compute(
        api,
        headers,
        jurisdiction="US-CA",
        trigger="2026-04-17",
        days=16,
        court_days=True,
        before=True,
        service="electronic",
    )
    assert back.json()["due"] == "2026-03-23"


BAD_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"jurisdiction": "US-TX", "trigger": "2026-03-02", "days": 21}, "jurisdiction"),
    ({"jurisdiction": "US-FED", "trigger": "2026-3-2", "days": 21}, "trigger"),
    ({"jurisdiction": "US-FED", "trigger": "2026-02-30", "days": 21}, "trigger"),
    ({"jurisdiction": "US-FED", "trigger": "2026-03-02", "days": -4}, "days"),
    ({"jurisdiction": "US-FED", "trigger": "2026-03-02", "days": 100000}, "days"),
    ({"jurisdiction": "US-FED", "trigger": "2041-03-02", "days": 21}, "trigger"),
    ({"jurisdiction": "US-FED", "trigger": "2026-03-02", "days": 21, "service": "fax"}, "service"),
    ({"jurisdiction": "US-FED", "trigger": "2026-03-02"}, "days"),
]


def test_a_period_in_hours(api: TestClient, key_for: Any) -> None:
    headers = key_for("secretary")
    body = {
        "jurisdiction": "US-FED",
        "trigger": "2026-03-06T17:00:00-05:00",
        "hours": 48,
        "timezone": "America/New_York",
    }
    answer = api.post("/v1/deadlines/compute-hours", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["due"] == "2026-03-09T18:00:00-04:00" and result["due_weekday"] == "Monday"
    assert "FRCP 6(a)(2)(C)" in result["citations"]
    for change, field in (
        ({"jurisdiction": "US-NY"}, "hours"),
        ({"trigger": "2026-03-06T17:00:00"}, "trigger"),
        ({"timezone": "Eastern"}, "timezone"),
        ({"hours": 0}, "hours"),
    ):
        refused = api.post("/v1/deadlines/compute-hours", json={**body, **change}, headers=headers)
        assert refused.status_code == 422 and refused.json()["field"] == field, (
            change,
            refused.text,
        )


def test_bad_input_is_422_naming_the_field(api: TestClient, key_for: Any) -> None:
    headers = key_for("secretary")
    for body, field in BAD_INPUT:
        answer = api.post("/v1/deadlines/compute", json=body, headers=headers)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["field"] == field, body


def test_chain_and_rules(api: TestClient, key_for: Any) -> None:
    headers = key_for("attorney", attorney_id="att-yilmaz")
    answer = api.post(
        "/v1/deadlines/chain",
        json={"jurisdiction": "US-CA", "event": "hearing-set", "date": "2026-04-17"},
        headers=headers,
    )
    assert answer.status_code == 200
    assert [d["rule"] for d in answer.json()["deadlines"]] == [
        "CA-MOTION-PAPERS",
        "CA-OPPOSITION",
        "CA-REPLY",
    ]
    bad = api.post(
        "/v1/deadlines/chain",
        json={"jurisdiction": "US-CA", "event": "no-such-event", "date": "2026-04-17"},
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "event"
    catalog = api.get("/v1/rules?jurisdiction=US-NY", headers=headers).json()
    assert catalog["count"] == len(catalog["data"]) >= 5
    assert all(e["jurisdiction"] == "US-NY" for e in catalog["data"])


def test_a_trigger_on_a_demo_matter_sets_its_chain_and_moves_it(
    api: TestClient, key_for: Any
) -> None:
    headers = key_for("secretary")
    created = api.post(
        f"/v1/matters/{MATTER}/triggers",
        json={"event": "complaint-served", "date": "2026-12-07", "service": "personal"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    trigger_id = body["trigger"]["id"]
    (answer,) = body["deadlines"]
    assert answer["rule"] == "FED-ANSWER" and answer["due"] == "2026-12-28"
    assert {t["recipient"] for t in answer["ticklers"]} == {
        "attorney:att-yilmaz",
        "attorney:att-navarro",
    }
    assert sorted({t["days_before"] for t in answer["ticklers"]}) == [1, 3, 7, 14]

    listed = api.get(f"/v1/matters/{MATTER}/deadlines", headers=headers).json()
    assert answer["id"] in {d["id"] for d in listed["data"]}
    triggers = api.get(f"/v1/matters/{MATTER}/triggers", headers=headers).json()
    assert trigger_id in {t["id"] for t in triggers["data"]}

    moved = api.put(
        f"/v1/matters/{MATTER}/triggers/{trigger_id}",
        json={"date": "2026-12-14"},
        headers=headers,
    )
    assert moved.status_code == 200
    (after,) = moved.json()["deadlines"]
    assert after["id"] == answer["id"] and after["due"] == "2027-01-04"
    assert {t["due_at"][:10] for t in after["ticklers"]} == {
        "2026-12-11",
        "2026-12-22",
        "2026-12-29",
        "2026-12-31",
    }
    window = api.get("/v1/deadlines?from=2027-01-01&to=2027-01-31", headers=headers).json()
    assert answer["id"] in {d["id"] for d in window["data"]}

    gone = api.delete(f"/v1/matters/{MATTER}/triggers/{trigger_id}", headers=headers)
    assert gone.status_code == 204
    listed = api.get(f"/v1/matters/{MATTER}/deadlines", headers=headers).json()
    assert answer["id"] not in {d["id"] for d in listed["data"]}


def test_walls_and_roles(api: TestClient, key_for: Any) -> None:
    staff = key_for("secretary")
    created = api.post(
        f"/v1/matters/{MATTER}/triggers",
        json={"event": "trial-set", "date": "2027-03-01"},
        headers=staff,
    ).json()
    trigger_id = created["trigger"]["id"]

    screened = key_for("attorney", attorney_id="att-delgado")
    for answer in (
        api.get(f"/v1/matters/{MATTER}/deadlines", headers=screened),
        api.get(f"/v1/matters/{MATTER}/triggers", headers=screened),
        api.put(
            f"/v1/matters/{MATTER}/triggers/{trigger_id}",
            json={"date": "2027-03-08"},
            headers=screened,
        ),
        api.delete(f"/v1/matters/{MATTER}/triggers/{trigger_id}", headers=screened),
        api.post(
            f"/v1/matters/{MATTER}/triggers",
            json={"event": "trial-set", "date": "2027-03-01"},
            headers=screened,
        ),
    ):
        assert answer.status_code == 404
        assert MATTER not in answer.text or "matter" in answer.json()["detail"]
    window = api.get("/v1/deadlines?from=2026-11-01&to=2027-03-31", headers=screened).json()
    assert all(d["matter"] != MATTER for d in window["data"])

    own_client = key_for("client", client_id="cli-001")
    assert api.get(f"/v1/matters/{MATTER}/deadlines", headers=own_client).status_code == 403
    other_client = key_for("client", client_id="cli-002")
    assert api.get(f"/v1/matters/{MATTER}/deadlines", headers=other_client).status_code == 404
    assert (
        api.get("/v1/deadlines?from=2026-11-01&to=2027-03-31", headers=own_client).status_code
        == 403
    )

    # A trigger of another matter is not reachable through this one.
    elsewhere = api.put(
        f"/v1/matters/mat-003/triggers/{trigger_id}", json={"date": "2027-03-08"}, headers=staff
    )
    assert elsewhere.status_code == 404
    unknown = api.post(
        f"/v1/matters/{MATTER}/triggers",
        json={"event": "hearing-set", "date": "2026-13-01"},
        headers=staff,
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "date"
    assert api.post("/v1/deadlines/compute", json={}).status_code == 401


def test_court_closures(api: TestClient, key_for: Any) -> None:
    staff = key_for("secretary")
    api.post(
        f"/v1/matters/{MATTER}/triggers",
        json={"event": "complaint-served", "date": "2026-12-07"},
        headers=staff,
    )
    added = api.post(
        "/v1/court-closures",
        json={"jurisdiction": "US-FED", "date": "2026-12-28", "reason": "storm"},
        headers=staff,
    )
    assert added.status_code == 201 and added.json()["deadlines_moved"] >= 1
    due = {
        d["rule"]: d["due"]
        for d in api.get(f"/v1/matters/{MATTER}/deadlines", headers=staff).json()["data"]
    }
    assert due["FED-ANSWER"] == "2026-12-29"
    attorney = key_for("attorney", attorney_id="att-yilmaz")
    assert api.get("/v1/court-closures", headers=attorney).json()["count"] == 1
    refused = api.post(
        "/v1/court-closures",
        json={"jurisdiction": "US-FED", "date": "2026-12-29", "reason": "x"},
        headers=attorney,
    )
    assert refused.status_code == 403
    gone = api.delete("/v1/court-closures/US-FED/2026-12-28", headers=staff)
    assert gone.status_code == 204
    assert api.delete("/v1/court-closures/US-FED/2026-12-28", headers=staff).status_code == 404
