"""``POST /v1/schedule/solve``: staff only, the result format, 422 with the field path."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from scheduler.solver import check_result, parse_problem
from tests.scheduler.solver.builders import meeting, problem

HAND = Path(__file__).resolve().parents[1] / "data" / "instances" / "hand-dst-firm" / "problem.json"


def test_staff_get_a_valid_plan(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(HAND.read_text(encoding="utf-8"))
    response = api.post(
        "/v1/schedule/solve?time_limit=2&workers=1", json=data, headers=key_for("secretary")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert check_result(parse_problem(data), body) == []
    assert body["stats"]["scheduled_by_priority"]["5"] == 2


def test_only_staff_may_solve(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    data = problem([meeting("m")])
    assert api.post("/v1/schedule/solve", json=data).status_code == 401
    client = key_for("client", client_id="cli-001")
    assert api.post("/v1/schedule/solve", json=data, headers=client).status_code == 403
    someone = api.get("/v1/attorneys", headers=key_for("secretary")).json()["data"][0]["id"]
    lawyer = key_for("attorney", attorney_id=someone)
    assert api.post("/v1/schedule/solve", json=data, headers=lawyer).status_code == 403


def test_bad_problem_answers_422_with_the_field(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    data = problem([meeting("m0"), meeting("m1", duration=50)])
    response = api.post("/v1/schedule/solve", json=data, headers=key_for("secretary"))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "meetings[1].duration_minutes"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_time_limit_is_capped(api: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    response = api.post(
        "/v1/schedule/solve?time_limit=600", json=problem([meeting("m")]), headers=key_for("admin")
    )
    assert response.status_code == 422 and response.json()["field"] == "time_limit"


def test_the_route_is_documented(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    assert "/v1/schedule/solve" in spec["paths"]
