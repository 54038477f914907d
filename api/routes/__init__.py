"""The API's routers, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import calendars, deadlines, feeds, firm, health

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    firm.router,
    deadlines.router,
    feeds.router,
    calendars.router,
)
