"""Build the Java part of `archive solr up` with Maven, once per version of its sources.

The launcher (`launcher/`: a pom.xml and one class) is compiled into a
cache directory named after a digest of its sources, so an edited launcher
is rebuilt and an unchanged one never is; `mvn package` also writes the
runtime classpath (Solr, Jetty, ZooKeeper and their dependencies, fetched
from Maven Central into ~/.m2 the first time). Concurrent first runs (two
test workers, a test and a shell) wait for one build under a file lock.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from indexer.api import IndexUnavailable

LAUNCHER_DIR = Path(__file__).resolve().parent / "launcher"
JAR_NAME = "solr-launcher-1.jar"
BUILD_TIMEOUT_SECONDS = 1800  # the first build downloads Solr's dependencies (about 100 MB)
INSTALL_HINT = "install them with `apt-get install default-jdk-headless maven` (Java 17 or newer)"


class LauncherBuildFailed(IndexUnavailable):
    """Java or Maven is missing, or `mvn package` failed; the message says which and what to do."""


def cache_root() -> Path:
    """Where built launchers live: $XDG_CACHE_HOME/newspaper-archive (default ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newspaper-archive"


def source_digest() -> str:
    """A digest of every file of the launcher's sources (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in LAUNCHER_DIR.rglob("*") if p.is_file() and "target" not in p.parts):
        digest.update(path.relative_to(LAUNCHER_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_dir() -> Path:
    return cache_root() / f"solr-launcher-{source_digest()}"


def _built(directory: Path) -> str | None:
    """The classpath of a finished build in `directory`, or None if it is missing or incomplete
    (a jar it names has gone from ~/.m2)."""
    jar, listing = directory / JAR_NAME, directory / "classpath.txt"
    if not (jar.is_file() and listing.is_file()):
        return None
    entries = [entry for entry in listing.read_text(encoding="utf-8").strip().split(os.pathsep) if entry]
    if not all(Path(entry).exists() for entry in entries):
        return None
    return os.pathsep.join([str(jar), *entries])


def require_tools() -> None:
    """Raise LauncherBuildFailed unless `java` and `mvn` are on PATH."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        raise LauncherBuildFailed(f"{' and '.join(missing)} not found: the local SolrCloud needs Java and Maven; "
                                  f"{INSTALL_HINT}")


def launcher_classpath() -> str:
    """The launcher's runtime classpath, building it first if this version was never built."""
    directory = build_dir()
    classpath = _built(directory)
    if classpath is not None:
        return classpath
    require_tools()
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / "solr-launcher.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building this very version
        classpath = _built(directory)
        if classpath is None:
            _maven_package(directory)
            classpath = _built(directory)
        if classpath is None:
            raise LauncherBuildFailed(f"`mvn package` left no launcher in {directory}")
        return classpath


def _maven_package(directory: Path) -> None:
    command = ["mvn", "--batch-mode", "--quiet", "-f", str(LAUNCHER_DIR / "pom.xml"),
               f"-Dlauncher.buildDir={directory}", "package"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise LauncherBuildFailed(f"building the Solr launcher took over {BUILD_TIMEOUT_SECONDS} s "
                                  "(is Maven Central reachable?)") from exc
    if done.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        output = (done.stdout + done.stderr).strip().splitlines()
        raise LauncherBuildFailed("building the Solr launcher failed (`mvn package`): "
                                  + " / ".join(output[-5:]))


if __name__ == "__main__":  # `make test` builds the launcher before the suite needs it
    print(build_dir() if launcher_classpath() else "")
