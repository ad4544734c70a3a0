"""The index documents of an issue (`indexer.documents`) as one Solr block.

The local engine's documents are the source: the same ids, stored `data`
JSON, facet values and text, so both engines hold the same thing. What
changes is the form Solr needs:

* the `*_grams` fields get each section's compact text as one value of a
  multi-valued field (`ngrams.section_texts`, what the local engine indexes
  a character a position), which the schema's `grams` type turns into
  character unigrams and bigrams, the values `ngrams.SECTION_GAP` positions
  apart as on the local engine;
* `words` loses its section separators (one whitespace-tokenised field);
* comma-joined facet values become lists, `day` an integer;
* the issue document (its sha256 is the manifest) carries its articles as
  child documents: Solr indexes a block in one step, and replacing the
  issue by its id replaces the whole block, so a reader sees the issue's
  old articles or its new ones, never a mix or half of them.
"""
from __future__ import annotations

import json
from typing import Any

from indexer.text.ngrams import SECTION_SEP, section_texts

GRAM_FIELDS = ("text_grams", "title_grams", "title_alone_grams", "byline_grams")
LIST_FIELDS = ("authors", "places")
CHILDREN = "_childDocuments_"


def solr_document(document: dict[str, Any]) -> dict[str, Any]:
    """One document of `indexer.documents.issue_documents`, in the form the Solr schema takes."""
    out: dict[str, Any] = {}
    for name, value in document.items():
        if name in GRAM_FIELDS:
            out[name] = section_texts(value)
        elif name == "words":
            out[name] = value.replace(SECTION_SEP, " ")
        elif name in LIST_FIELDS:
            out[name] = [part.strip() for part in value.split(",") if part.strip()]
        elif name == "day":
            out[name] = int(value)
        else:
            out[name] = value
    return out


def solr_block(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """An issue's documents (its issue record first, then its articles) as one nested Solr document."""
    issue, *articles = documents
    block = solr_document(issue)
    block["page"] = json.loads(issue["data"])["page"] or 0  # the issue listing's order within a day
    block[CHILDREN] = [solr_document(article) for article in articles]
    return block
