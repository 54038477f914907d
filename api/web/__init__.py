"""Web pages served by the API: the client's booking page and the secretary's day board.

Server-rendered (Jinja2 templates in ``api/templates``), with a little JavaScript and one
stylesheet from ``api/static``; no front-end build step.
"""
