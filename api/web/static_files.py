"""The pages' static files (one stylesheet, two small scripts), served by the app itself: no
front-end build step, nothing fetched from elsewhere."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from api.web.render import STATIC, secure
from scheduler.errors import NotFound

router = APIRouter(include_in_schema=False)

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
#: Only the files shipped in ``api/static`` are served, by exact name.
FILES = {p.name: p for p in STATIC.iterdir() if p.is_file() and p.suffix in TYPES}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    path = FILES.get(name)
    if path is None:
        raise NotFound("file", name)
    response = FileResponse(
        path,
        media_type=TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=3600"},
    )
    return secure(response)
