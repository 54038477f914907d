"""The API's routers, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    availability,
    bookings,
    calendars,
    deadlines,
    feeds,
    firm,
    firm_data,
    health,
    holds,
    links,
    schedule,
)
from api.web import board, board_replan, booking_pages, static_files

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    firm.router,
    firm_data.router,
    availability.router,
    holds.router,
    bookings.router,
    deadlines.router,
    feeds.router,
    calendars.router,
    links.router,
    booking_pages.router,
    board.router,
    board_replan.router,
    static_files.router,
    schedule.router,
)
