"""The local engine: a Whoosh index under DATA/.archive/, read and written partly by our own code.

Several modules here read or write Whoosh's private structures (its W3
codec's files, writer and reader internals), so they are only correct for
the pinned Whoosh-Reloaded release; importing this package checks it.
"""
import whoosh

WHOOSH_VERSION = (2, 7, 5)  # pyproject.toml pins Whoosh-Reloaded to this release

if whoosh.__version__ != WHOOSH_VERSION:
    raise ImportError(f"the local engine reads Whoosh's files directly and needs Whoosh-Reloaded "
                      f"{whoosh.versionstring()}, not {'.'.join(map(str, whoosh.__version__))}: "
                      "`pip install Whoosh-Reloaded==2.7.5`")
