"""The web UI and JSON API over one data directory.

`create_app` (webui.app) is the only way in: `archive serve` and the tests
each build their own app; there is no app at module level. Importing this
package loads nothing: `archive add` imports `webui.local_server` (its
handshake with a running server) and must not pay 0.2 s for Flask.
"""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """`webui.create_app`, imported when first asked for."""
    if name == "create_app":
        from webui.app import create_app

        return create_app
    raise AttributeError(f"module 'webui' has no attribute {name!r}")
