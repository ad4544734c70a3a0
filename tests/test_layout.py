"""The seams of the tree hold: what the imports say, not what the folders suggest.

- The parts every engine shares (indexer/ outside engines/) import neither
  Whoosh nor an engine, so the Solr engine can use them as they are.
- `webui/` and `archive/` reach the index only through `indexer.api` and
  `indexer.factory`: they never import an engine, and never Whoosh.
- No two modules of the product define the same public name, limits and
  patterns included (one MAX_QUERY_CHARS, one ISO_DATE).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INDEXER = REPO / "indexer"
# The only modules outside indexer/engines/ allowed to import an engine: the factory that picks one,
# and the old home of the tokenizer classes that existing indexes' pickled schemas name.
SEAM_MODULES = {INDEXER / "factory.py", INDEXER / "analysis.py"}


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def shared_modules() -> list[Path]:
    return [p for p in modules(INDEXER) if INDEXER / "engines" not in p.parents and p not in SEAM_MODULES]


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function (`from a import b` counts as a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if REPO in path.parents else str(path)


def offending(paths: list[Path], prefixes: tuple[str, ...]) -> dict[str, list[str]]:
    """Module -> what it imports from any of the `prefixes` (a package and everything under it)."""
    found = {}
    for path in paths:
        bad = sorted(name for name in imported(path) if any(name == p or name.startswith(p + ".") for p in prefixes))
        if bad:
            found[shown(path)] = bad
    return found


def test_the_shared_parts_import_neither_whoosh_nor_an_engine() -> None:
    assert len(shared_modules()) > 20, "the shared modules were found"
    assert offending(shared_modules(), ("whoosh", "indexer.engines")) == {}


@pytest.mark.parametrize("folder", ["webui", "archive"])
def test_the_web_ui_and_the_command_line_never_import_an_engine(folder: str) -> None:
    assert offending(modules(REPO / folder), ("whoosh", "indexer.engines")) == {}


def test_only_the_factory_and_the_pickle_shim_reach_into_the_engines_from_outside() -> None:
    outside = [p for p in modules(INDEXER) if INDEXER / "engines" not in p.parents]
    assert set(offending(outside, ("indexer.engines",))) == {shown(p) for p in SEAM_MODULES}


def test_an_import_inside_a_function_counts_too(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import whooshy\n\ndef f():\n    from indexer.engines.whoosh import search\n    import whoosh.query\n")
    assert offending([module], ("whoosh", "indexer.engines")) == {
        str(module): ["indexer.engines.whoosh", "indexer.engines.whoosh.search", "whoosh.query"]}


def public_definitions(path: Path) -> set[str]:
    """Top-level public functions, classes and constants (limits, patterns) of `path`, except Flask
    views and click commands, which are named after their route or command (pages.search and
    api.search serve /search and /api/search)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            decorators = [ast.unparse(d) for d in getattr(node, "decorator_list", [])]
            if not any(d.startswith(("bp.", "main.command")) for d in decorators):
                names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper())
    return names


def test_no_two_modules_define_the_same_public_name() -> None:
    defined: dict[str, list[str]] = defaultdict(list)
    for folder in ("indexer", "webui", "archive"):
        for path in modules(REPO / folder):
            for name in public_definitions(path):
                defined[name].append(str(path.relative_to(REPO)))
    twins = {name: paths for name, paths in defined.items() if len(paths) > 1}
    # Flask's convention: each part registers itself with `init_app(app)`.
    assert twins == {"init_app": ["webui/errors.py", "webui/research/__init__.py", "webui/security.py"]}
