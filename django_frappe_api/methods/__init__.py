"""Built-in whitelisted methods, registered under Frappe's own dotted names.

Usage: importing this package (done by ``FrappeApiConfig.ready()``) registers them all.
"""

from __future__ import annotations

from . import (  # noqa: F401
    assign_to,
    auth,
    client,
    desk,
    files,
    form,
    password_reset,
    passwords,
    session,
    share,
    tags,
    user_permission,
)
