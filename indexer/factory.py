"""`open_engine`: the engine the settings select, as an `indexer.api.Engine`.

The one module outside `indexer/engines/` that knows which engines exist;
`webui` and `archive.cli` call it and never import an engine themselves.
Each engine is imported only when selected, so the local engine never loads
an HTTP client and the Solr engine never loads Whoosh.
"""
from __future__ import annotations

from indexer.api import Engine
from indexer.settings import Settings


class EngineUnavailable(RuntimeError):
    """The settings select an engine this installation cannot run; the message says which and why."""


def open_engine(settings: Settings) -> Engine:
    """The engine for `settings`: a SolrCloud collection when `solr_url` is set, else the local index."""
    if settings.engine == "solr":
        try:
            from indexer.engines.solr import SolrEngine  # type: ignore[import-not-found]
        except ImportError as exc:
            raise EngineUnavailable(f"a Solr URL is set ({settings.solr_url}), but this installation has no "
                                    f"Solr engine ({exc}); unset it to use the local index") from exc
        return SolrEngine(settings)
    from indexer.engines.whoosh.engine import WhooshEngine

    return WhooshEngine(settings)
