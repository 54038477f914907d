"""The API's routers, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import firm, health, schedule

ROUTERS: tuple[APIRouter, ...] = (health.router, firm.router, schedule.router)
