"""One measured run at one corpus scale: ours and the naive baseline on the same files.

Order matters on a 2-core machine: each phase runs alone (our build, the
baseline, then the server phases), so no measurement competes with another.
Every figure goes into one plain dict that report.py renders and that is
kept as JSON next to the report.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from bench import corrections, http_load, research
from bench.corpus import PROBE_STRING, probe_is_unique, source_articles, source_files, write_issues, write_probe
from bench.measure import dir_bytes, latency_summary
from bench.queries import BenchQuery, draw_queries, save_queries
from bench.server import CommandRun, Server, ServerFailed, run_timed
from bench.solr import NODES, REPLICAS, SHARDS, SolrCluster, using_solr

Log = Callable[[str], None]
# The profiled build runs on every PROFILE_STRIDE-th corpus file (~450k characters):
# cProfile slows Python down about 2x, and a profiled full build would cost minutes.
PROFILE_STRIDE = 25


@dataclass(frozen=True)
class Settings:
    """What to run and for how long; `quick` shrinks everything for a smoke test."""

    scale: int
    quick: bool = False
    baseline: bool = True
    load: bool = False
    profile: bool = False
    passes: int = 2  # timed latency passes over the whole mix
    throughput_seconds: float = 20
    load_seconds: float = 60
    startups: int = 3
    correction_runs: int = 20  # saves timed until search finds them (bench/corrections.py): merges fall among them
    build_timeout: float = 3600  # a build still running then is killed and reported as unfinished
    engine: str = "local"  # local, solr or both (see bench.solr)

    @classmethod
    def make(cls, scale: int, quick: bool, baseline: bool, load: bool, profile: bool, build_timeout: float,
             engine: str = "local") -> Settings:
        settings = cls(scale, quick, baseline, load, profile, build_timeout=build_timeout, engine=engine)
        return replace(settings, passes=1, throughput_seconds=4, load_seconds=5, startups=2,
                       correction_runs=3) if quick else settings


def _command(run: CommandRun) -> dict[str, Any]:
    return {
        "seconds": run.seconds,
        "returncode": run.returncode,
        "peak_rss": run.peak_rss,
        "stdout": run.stdout.strip()[-500:],
        "stderr": run.stderr.strip()[-1500:],
    }


def build_ours(data_dir: Path, timeout: float, log: Log) -> dict[str, Any]:
    """`archive reindex --full` on a fresh data dir, then its stats."""
    log("ours: archive reindex --full")
    build = _command(run_timed(data_dir, "reindex", "--full", timeout=timeout))
    build["timeout"] = timeout
    stats = run_timed(data_dir, "stats", "--json")
    figures: dict[str, Any] = {"build": build, "index_bytes": dir_bytes(data_dir / ".archive")}
    if stats.returncode == 0:
        figures["stats"] = {k: v for k, v in json.loads(stats.stdout).items() if k != "failed"}
    log(f"ours: build {build['seconds']:.1f}s rc={build['returncode']} {build['stdout'][-120:]}")
    return figures


def run_baseline(data_dir: Path, work: Path, queries_path: Path, log: Log) -> dict[str, Any]:
    """The naive baseline in its own process (see bench/baseline.py)."""
    log("baseline: jieba ChineseAnalyzer + Whoosh defaults")
    cmd = [sys.executable, "-m", "bench.baseline", str(data_dir), str(work), str(queries_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-1500:]}
    figures = json.loads(proc.stdout)
    shutil.rmtree(work / "baseline-index", ignore_errors=True)
    log(f"baseline: build {figures['build_seconds']:.1f}s, {figures['articles']} articles")
    return figures


def run_profile(data_dir: Path, work: Path, queries_path: Path, quick: bool, log: Log) -> dict[str, Any]:
    """bench/profiling.py in its own process: queries on the full index, build on a 1-in-PROFILE_STRIDE sample."""
    sample = work / "profile-sample"
    shutil.rmtree(sample, ignore_errors=True)
    corpus = write_issues(sample, 1, quick, stride=PROFILE_STRIDE)
    log(f"profile: query mix on the full index, build on {corpus.characters:,} characters")
    out = work / "profile.json"
    cmd = [sys.executable, "-m", "bench.profiling", str(data_dir), str(sample), str(queries_path), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    shutil.rmtree(sample, ignore_errors=True)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip()[-1500:]}
    figures = json.loads(out.read_text(encoding="utf-8"))
    return {"sample_characters": corpus.characters, "stride": PROFILE_STRIDE, **figures}


def _samples_figures(samples: list[http_load.Sample], first: int) -> dict[str, Any]:
    """Split the first pass from the repeats; keep raw latencies of both.

    The first pass is what the targets are judged on: every query is new to
    the server, so no result cache helps. The repeats show what a query
    asked again costs (paging, a shared link, a popular search).
    """
    return {
        "first_latencies": [[s.kind, s.ms] for s in samples[:first]],
        "first_totals": [s.total for s in samples[:first]],  # to compare the engines' answers query by query
        "latencies": [[s.kind, s.ms] for s in samples[first:]],
        "errors": sum(s.status != 200 for s in samples),
        "zero_hits": sum(s.total == 0 for s in samples[:first]),
    }


def _load_figures(result: http_load.LoadResult) -> dict[str, Any]:
    return {
        "clients": result.clients,
        "seconds": result.seconds,
        "requests": result.requests,
        "requests_per_second": result.requests_per_second,
        "errors": result.errors,
        "statuses": {str(k): v for k, v in result.statuses.items()},
        "error_examples": result.error_examples,
        "latency": latency_summary(result.latencies_ms),
    }


def measure_freshness(server: Server, data_dir: Path, work: Path) -> dict[str, Any]:
    """Seconds from starting `archive add NEWFILE` until the running server finds its unique string."""
    probe = write_probe(work / "new")
    since = time.perf_counter()
    adding: list[CommandRun] = []
    thread = threading.Thread(target=lambda: adding.append(run_timed(data_dir, "add", str(probe))))
    thread.start()
    found = http_load.poll_until_found(server.port, f'"{PROBE_STRING}"', since, timeout=120)
    thread.join()
    return {"searchable_seconds": found, "add": _command(adding[0])}


def _background_indexing(
    data_dir: Path, work: Path, clients: int, seconds: float, full_build_seconds: float, runs: list[dict[str, Any]]
) -> tuple[str, Callable[[], None]]:
    """(what it does, job): the indexing that runs under the load.

    `archive reindex --full` again and again when a full build fits in the
    load window; when it does not (a big corpus), `archive add` of new issue
    files one after another, so the served index still changes many times.
    A new run starts only while the previous run's duration still fits, so
    the phase does not drag on for a whole extra build after its end.
    """
    full = full_build_seconds <= seconds
    sources = source_files()[::-1]

    def command(n: int) -> tuple[str, ...]:
        if full:
            return ("reindex", "--full")
        source = sources[n % len(sources)]
        new = work / "load-new" / f"load{clients}_{n:04d}_{source.name}"
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.path, new)
        return ("add", str(new))

    def loop() -> None:
        deadline = time.perf_counter() + seconds
        last = 0.0
        while deadline - time.perf_counter() > last:
            runs.append(_command(run_timed(data_dir, *command(len(runs)))))
            last = runs[-1]["seconds"]

    return ("archive reindex --full" if full else "archive add NEWFILE"), loop


def serve_phases(
    data_dir: Path, work: Path, queries: list[BenchQuery], settings: Settings, full_build_seconds: float, log: Log
) -> dict[str, Any]:
    """Start-up, latency, throughput, memory, freshness and (optionally) load under reindex."""
    figures: dict[str, Any] = {"startup_seconds": []}
    for _ in range(settings.startups - 1):
        with Server(data_dir, work) as server:
            figures["startup_seconds"].append(server.start())
    with Server(data_dir, work) as server:
        figures["startup_seconds"].append(server.start())
        figures["rss_idle"] = server.rss()
        log(f"ours: start-up {statistics.median(figures['startup_seconds']):.2f}s; latency passes")
        samples = http_load.latency_pass(server.port, queries, settings.passes)
        figures["http"] = _samples_figures(samples, len(queries))
        log(f"ours: throughput, 8 clients, {settings.throughput_seconds}s")
        figures["throughput"] = _load_figures(http_load.concurrent_load(server.port, queries, 8, settings.throughput_seconds))
        log(f"ours: throughput, 32 clients, {settings.throughput_seconds}s")
        figures["throughput32"] = _load_figures(
            http_load.concurrent_load(server.port, queries, 32, settings.throughput_seconds))
        figures["rss_after_load"] = server.rss()
        log("ours: time until a new issue is searchable")
        figures["freshness"] = measure_freshness(server, data_dir, work)
        log(f"ours: time until a correction is searchable ({settings.correction_runs} saves)")
        figures["corrections"] = corrections.correction_freshness(server.port, data_dir, settings.correction_runs)
        if settings.load:
            figures["load"] = []
            for clients in (8, 32):
                runs: list[dict[str, Any]] = []
                background, job = _background_indexing(
                    data_dir, work, clients, settings.load_seconds, full_build_seconds, runs
                )
                log(f"ours: load, {clients} clients for {settings.load_seconds}s during {background}")
                result = http_load.load_while(server.port, queries, clients, settings.load_seconds, job)
                figures["load"].append(
                    {**_load_figures(result), "background": background, "reindexes": runs, "rss": server.rss()}
                )
        figures["server_tracebacks"] = server.tracebacks()
    figures["research"] = research_phase(data_dir, work, queries, log)
    return figures


def research_phase(data_dir: Path, work: Path, queries: list[BenchQuery], log: Log) -> dict[str, Any]:
    """The research tools' latencies, on a fresh server (no search of the mix cached yet)."""
    with Server(data_dir, work) as server:
        server.start()
        log("ours: research tools (" + ", ".join(label.split()[0].rstrip(",") for label in research.ENDPOINTS) + "), each request new to the server")
        return research.research_pass(server.port, queries)


def run_research_only(settings: Settings, work: Path, log: Log) -> dict[str, Any]:
    """Build the corpus at one scale and measure only the research tools (`python -m bench --only research`)."""
    data_dir = work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    corpus = write_issues(data_dir, settings.scale, settings.quick)
    log(f"scale {settings.scale}x: {corpus.files} files, {corpus.characters:,} characters (research tools only)")
    queries = draw_queries(source_articles(settings.quick), work / "jieba-cache")
    build = build_ours(data_dir, settings.build_timeout, log)
    if build["build"]["returncode"] != 0:
        raise ServerFailed(f"the build failed: {build['build']}")
    figures = research_phase(data_dir, work, queries, log)
    shutil.rmtree(data_dir, ignore_errors=True)
    return figures


def run_corrections_only(settings: Settings, work: Path, log: Log) -> dict[str, Any]:
    """Build the corpus at one scale and time only corrections (`python -m bench --only corrections`)."""
    data_dir = work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    corpus = write_issues(data_dir, settings.scale, settings.quick)
    log(f"scale {settings.scale}x: {corpus.files} files, {corpus.characters:,} characters (corrections only)")
    build = build_ours(data_dir, settings.build_timeout, log)
    if build["build"]["returncode"] != 0:
        raise ServerFailed(f"the build failed: {build['build']}")
    with Server(data_dir, work) as server:
        server.start()
        log(f"ours: time until a correction is searchable ({settings.correction_runs} saves)")
        figures = corrections.correction_freshness(server.port, data_dir, settings.correction_runs)
        figures["server_tracebacks"] = server.tracebacks()
    shutil.rmtree(data_dir, ignore_errors=True)
    return figures


def run_scale(settings: Settings, work: Path, log: Log, cluster: SolrCluster | None = None) -> dict[str, Any]:
    """Everything at one scale, in a fresh data dir under `work` (removed afterwards).

    The local engine's figures go under "ours" (beside the naive baseline's), the Solr engine's
    under "solr" (on `cluster`, a collection of its own), measured by the same phases.
    """
    work.mkdir(parents=True, exist_ok=True)
    data_dir = work / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    corpus = write_issues(data_dir, settings.scale, settings.quick)
    log(f"scale {settings.scale}x: {corpus.files} files, {corpus.characters:,} characters")
    queries = draw_queries(source_articles(settings.quick), work / "jieba-cache")
    queries_path = work / "queries.json"
    save_queries(queries, queries_path)
    result: dict[str, Any] = {
        "scale": settings.scale,
        "quick": settings.quick,
        "files": corpus.files,
        "characters": corpus.characters,
        "queries": len(queries),
        "probe_unique": probe_is_unique(settings.quick),
    }
    if settings.engine in ("local", "both"):
        result["ours"] = _engine_figures(data_dir, work, queries, settings, log)
        if settings.baseline:
            result["baseline"] = run_baseline(data_dir, work, queries_path, log)
        if settings.profile and result["ours"]["build"]["returncode"] == 0:
            result["profile"] = run_profile(data_dir, work, queries_path, settings.quick, log)
    if settings.engine in ("solr", "both") and cluster is not None:
        alias = f"bench{settings.scale}x"
        shutil.rmtree(data_dir, ignore_errors=True)  # the same files as the local engine had, not what it added
        write_issues(data_dir, settings.scale, settings.quick)
        with using_solr(cluster.collection(alias)):
            log(f"solr: {alias} on {cluster.base} ({SHARDS} shards x {REPLICAS} replicas, {NODES} nodes)")
            result["solr"] = _engine_figures(data_dir, work, queries, settings,
                                             lambda message: log(message.replace("ours:", "solr:", 1)))
        result["solr"]["cluster_rss"] = cluster.jvm_rss()
        result["solr"]["cores"] = cluster.cores(alias)
        result["solr"]["index_bytes"] = sum(core["bytes"] or 0 for core in result["solr"]["cores"])
        result["load_average"] = " ".join(f"{load:.1f}" for load in os.getloadavg())  # others share the machine
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


def _engine_figures(data_dir: Path, work: Path, queries: list[BenchQuery], settings: Settings, log: Log) -> dict[str, Any]:
    """Build with `archive reindex --full`, then the server phases, on whichever engine the
    environment selects."""
    figures = build_ours(data_dir, settings.build_timeout, log)
    if figures["build"]["returncode"] == 0:
        try:
            figures.update(serve_phases(data_dir, work, queries, settings, figures["build"]["seconds"], log))
        except ServerFailed as exc:
            figures["server_error"] = str(exc)
    return figures
