"""Server-rendered HTML pages (Jinja2), working without JavaScript.

Each area has its own module with an `router`; `install_views(app)` mounts the packaged static
files and includes every router. Pages call the same `acuback.services` use cases as the JSON
API, so no logic is written twice.
"""

from __future__ import annotations

from importlib import import_module
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

__all__ = ["VIEW_MODULES", "install_views"]

# Area modules, each exposing `router`; listed here so adding an area is one line.
VIEW_MODULES: tuple[str, ...] = (
    "acuback.web.views.public",
    "acuback.web.views.auth",
    "acuback.web.views.clinic",
    "acuback.web.views.schedule",
    "acuback.web.views.portal",
    "acuback.web.views.portal_visits",
    "acuback.web.views.admin",
    "acuback.web.views.research",
)


def install_views(app: FastAPI) -> None:
    """Mount /static and include the routers of the area modules that exist."""
    static = files("acuback.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for name in VIEW_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside an existing module
                raise
            continue
        app.include_router(module.router)
