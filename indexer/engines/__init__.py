"""One folder per engine; everything an engine needs of its own stays in its folder.

`whoosh/`: the local index under DATA/.archive/ (the default). `solr/`: a
SolrCloud collection (being built). Only `indexer.factory` imports from here.
"""
