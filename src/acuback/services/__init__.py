"""Services: one function per use case, shared by the JSON API, the HTML views and the CLI.

Each use case takes a `UnitOfWork` and an `Actor`, checks the permission table
(`data/permissions.yaml`, through `access.authorize`), writes an audit entry for every read
and write of patient data (denied attempts included), and leaves the commit to the unit of
work: one per request or command.
"""

from acuback.services.access import (
    Actor,
    PermissionTable,
    authorize,
    can,
    load_permissions,
    refuse,
)

__all__ = ["Actor", "PermissionTable", "authorize", "can", "load_permissions", "refuse"]
