"""The SolrCloud engine (`SolrEngine`): the same archive on a Solr collection; see engine.py."""
from indexer.engines.solr.engine import SolrEngine

__all__ = ["SolrEngine"]
