"""An installed wheel (not an editable checkout) has everything it needs, the field dictionary above all.

The field dictionary once lived outside the package, so a non-editable
install silently segmented without it. Here the package is built into a
wheel from a copy of the sources, installed without `-e` into a fresh
virtual environment (its dependencies borrowed from this one, read-only),
and asked, from a folder far from any checkout, for the dictionary's words.
"""
from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "archive", "indexer", "webui")

pytestmark = pytest.mark.slow

PROBE = """
import json, indexer
from indexer.text.segmenter import dictionary_files, words
print(json.dumps({"package": indexer.__file__, "dictionary": [p.name for p in dictionary_files()],
                  "words": words("国家反诈中心提醒谨防杀猪盘")}))
"""


def run(*args: str, cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def copy_sources(target: Path) -> None:
    """The tracked sources only (no caches, no build leftovers), so the checkout is not written to."""
    tracked = run("git", "ls-files", *SOURCES, cwd=REPO).splitlines()
    for name in tracked:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes((REPO / name).read_bytes())


def test_a_wheel_installed_without_e_loads_the_field_dictionary(tmp_path: Path) -> None:
    sources, wheels, env, elsewhere = (tmp_path / name for name in ("src", "wheels", "venv", "elsewhere"))
    copy_sources(sources)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(sources), cwd=tmp_path)
    venv.create(env, with_pip=False)
    python = str(env / "bin" / "python")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", *map(str, wheels.glob("*.whl")),
        cwd=tmp_path)
    # The dependencies (jieba, Whoosh...) are borrowed from this environment as plain paths: its .pth
    # files, the editable install's finder among them, are not run there.
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path).strip()
    borrowed = [path for path in sys.path if path.endswith("site-packages")]
    (Path(site) / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n")
    elsewhere.mkdir()

    found = json.loads(run(python, "-c", PROBE, cwd=elsewhere))

    assert found["package"].startswith(site), "the installed wheel answers, not the checkout"
    assert found["dictionary"] == ["field.txt", "places.txt"]
    assert found["words"] == ["国家反诈中心", "提醒", "谨防", "杀猪盘"]
