"""The FastAPI application factory: `create_app(settings)`.

Nothing is built at import. `create_app` checks the secret key (refusing an unsafe one outside
development), wires the API, the error handlers and the security middleware; the lifespan
creates the database engine and its session factory and, for SQLite by default, migrates the
database to the newest schema. OpenAPI is served at /openapi.json; the interactive docs pages
are off because they load scripts from a CDN, which the Content-Security-Policy forbids.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine

from acuback import __version__
from acuback.records import make_engine, make_session_factory, resolve_url, upgrade
from acuback.secrets import audit_key
from acuback.settings import Settings, get_settings
from acuback.web.api import api_router, install_error_handlers
from acuback.web.security import (
    LoginRateLimiter,
    SecurityHeadersMiddleware,
    SessionCookieMiddleware,
    SessionSigner,
    TokenSigner,
    secret_key,
)
from acuback.web.security.bodylimit import BodyLimitMiddleware
from acuback.web.views import install_views

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    migrate: bool | None = None,
) -> FastAPI:
    """A new app. `engine` reuses an engine (tests); `migrate` None means: SQLite only."""
    settings = settings or get_settings()
    key = secret_key(settings)
    app_audit_key = audit_key(settings)  # refused here, at start-up, not at the first write
    url = resolve_url(settings.effective_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        do_migrate = migrate if migrate is not None else url.get_backend_name() == "sqlite"
        if do_migrate:
            upgrade(url)
        app.state.engine = engine or make_engine(url)
        # One session factory for the app's life: building one per unit of work cost more
        # than opening the session itself (issue 16).
        app.state.sessions = make_session_factory(app.state.engine)
        try:
            yield
        finally:
            if engine is None:
                app.state.engine.dispose()

    app = FastAPI(
        title="acuback",
        version=__version__,
        description="Acupuncture care for back pain: the clinic's JSON API.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.audit_key = app_audit_key
    app.state.token_signer = TokenSigner(key)
    app.state.session_signer = SessionSigner(key)
    app.state.login_limiter = LoginRateLimiter()
    install_error_handlers(app)
    app.include_router(api_router)
    install_views(app)
    app.add_middleware(SessionCookieMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)  # added last: outermost, so on every response
    return app
