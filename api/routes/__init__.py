"""The API's routers, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import calendars, feeds, firm, health

ROUTERS: tuple[APIRouter, ...] = (health.router, firm.router, feeds.router, calendars.router)
