"""docs/benchmarks.md and docs/latency.png from the runs' figures.

Everything shown is computed from the raw figures kept in benchmarks.json
(one entry per scale, so a 5x run can be added later without redoing 1x).
Missing parts (a crash, a skipped baseline) print as "—" with the reason,
never as a made-up number.
"""
from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import psutil

from bench.corrections import PAUSE_SECONDS
from bench.measure import latency_summary
from bench.queries import MIX

DASH = "—"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = DASH
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    # BENCH_COMMIT names the commit when the run is from a clean export (`git archive`) with no .git.
    commit = os.environ.get("BENCH_COMMIT") or subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit or DASH,
        "exported": bool(os.environ.get("BENCH_COMMIT")),
    }


def _dig(data: Any, *keys: Any) -> Any:
    for key in keys:
        if not isinstance(data, (dict, list)):
            return None
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


@dataclass(frozen=True)
class Headline:
    """The figures the targets are about, for one scale (None = not measured)."""

    ours_cps: float | None
    base_cps: float | None
    ours_http: dict[str, float] | None  # first time each query is asked: what the targets are judged on
    ours_repeat: dict[str, float] | None  # the same queries asked again
    base_inproc: dict[str, float] | None
    rps: float | None
    rps_errors: int | None
    startup: float | None
    fresh: float | None
    corrected: float | None  # the slowest save until search found it (inf: one never was)
    rss_idle: int | None
    rss_load: int | None
    ours_bytes: int | None
    base_bytes: int | None
    ours_zero: int | None
    base_zero: int | None

    @property
    def build_ratio(self) -> float | None:
        return self.ours_cps / self.base_cps if self.ours_cps and self.base_cps else None


def _slowest(seconds: list[float | None] | None) -> float | None:
    """The largest of `seconds` (a None, never found, counts as infinitely slow); None if there are none."""
    return max((s if s is not None else float("inf") for s in seconds), default=None) if seconds else None


def _median(seconds: list[float | None] | None) -> float | None:
    found = sorted(s if s is not None else float("inf") for s in seconds or [])
    return found[len(found) // 2] if found else None


def first_latencies(run: dict[str, Any]) -> list[list[Any]]:
    """(kind, ms) of our first pass over the mix (runs saved before the split: their timed passes)."""
    http = _dig(run, "ours", "http") or {}
    return http.get("first_latencies") or http.get("latencies") or []


def headline(run: dict[str, Any]) -> Headline:
    ours, base = run.get("ours", {}), run.get("baseline", {})
    chars = run["characters"]
    build_ok = _dig(ours, "build", "returncode") == 0
    startups = ours.get("startup_seconds") or []
    latencies = first_latencies(run)
    repeats = _dig(ours, "http", "latencies") if _dig(ours, "http", "first_latencies") else None
    base_lat = base.get("latencies")
    return Headline(
        ours_cps=chars / ours["build"]["seconds"] if build_ok else None,
        base_cps=chars / base["build_seconds"] if "build_seconds" in base else None,
        ours_http=latency_summary(ms for _, ms in latencies) if latencies else None,
        ours_repeat=latency_summary(ms for _, ms in repeats) if repeats else None,
        base_inproc=latency_summary(ms for _, ms in base_lat) if base_lat else None,
        rps=_dig(ours, "throughput", "requests_per_second"),
        rps_errors=_dig(ours, "throughput", "errors"),
        startup=sorted(startups)[len(startups) // 2] if startups else None,
        fresh=_dig(ours, "freshness", "searchable_seconds"),
        corrected=_slowest(_dig(ours, "corrections", "runs")),
        rss_idle=ours.get("rss_idle"),
        rss_load=ours.get("rss_after_load"),
        ours_bytes=ours.get("index_bytes") if build_ok else None,
        base_bytes=base.get("index_bytes"),
        ours_zero=_dig(ours, "http", "zero_hits"),
        base_zero=base.get("zero_hits"),
    )


# ------------------------------------------------------------------ formatting


def _num(value: float | None, fmt: str = "{:,.0f}", unit: str = "") -> str:
    return DASH if value is None else fmt.format(value) + unit


def _ms(value: float | None) -> str:
    return _num(value, "{:.1f}", " ms")


def _mb(value: int | None) -> str:
    return _num(value / 2**20 if value else None, "{:,.0f}", " MB")


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else DASH


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**NOT met**")


def _check(value: float | None, limit: float, at_least: bool = False) -> bool | None:
    if value is None:
        return None
    return value >= limit if at_least else value <= limit


def targets_table(h: Headline) -> list[str]:
    p50 = h.ours_http["p50"] if h.ours_http else None
    p95 = h.ours_http["p95"] if h.ours_http else None
    rps_ok = None if h.rps is None else (h.rps >= 150 and h.rps_errors == 0)
    rows = [
        ["full build ≥ 3× baseline chars/s", _ratio(h.ours_cps, h.base_cps), _verdict(_check(h.build_ratio, 3, True))],
        ["search p50 ≤ 15 ms (HTTP, snippets, first time asked)", _ms(p50), _verdict(_check(p50, 15))],
        ["search p95 ≤ 50 ms (HTTP, snippets, first time asked)", _ms(p95), _verdict(_check(p95, 50))],
        [
            "≥ 150 requests/s, 8 clients, 0 errors",
            f"{_num(h.rps, '{:.0f}')} req/s, {_num(h.rps_errors)} errors",
            _verdict(rps_ok),
        ],
        ["start-up ≤ 2 s (existing index; spawn → first search answered)", _num(h.startup, "{:.2f}", " s"), _verdict(_check(h.startup, 2))],
        ["new issue searchable ≤ 1 s after `archive add`", _num(h.fresh, "{:.2f}", " s"), _verdict(_check(h.fresh, 1))],
        ["correction searchable ≤ 2 s after its save (slowest of the saves)", _num(h.corrected, "{:.2f}", " s"),
         _verdict(_check(h.corrected, 2))],
    ]
    return _table(["target", "measured", "verdict"], rows)


def side_by_side(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Ours vs baseline per scale, with ratios (ours / baseline; for latency, baseline / ours)."""
    header = ["figure"]
    heads = {scale: headline(run) for scale, run in runs.items()}
    for scale in heads:
        header += [f"ours {scale}×", f"baseline {scale}×", f"ratio {scale}×"]

    def row(label: str, ours: Any, base: Any, fmt: Any, better_high: bool | None) -> list[str]:
        cells = [label]
        for scale, h in heads.items():
            o, b = ours(h), base(h)
            ratio = DASH if better_high is None else (_ratio(o, b) if better_high else _ratio(b, o))
            cells += [fmt(o), fmt(b), ratio]
        return cells

    def p(key: str, which: str) -> Any:
        return lambda h: (getattr(h, which) or {}).get(key)

    rows = [
        row("build throughput (chars/s)", lambda h: h.ours_cps, lambda h: h.base_cps, _num, True),
        row("search p50 (ours HTTP, baseline in-process)", p("p50", "ours_http"), p("p50", "base_inproc"), _ms, False),
        row("search p95", p("p95", "ours_http"), p("p95", "base_inproc"), _ms, False),
        row("search p99", p("p99", "ours_http"), p("p99", "base_inproc"), _ms, False),
        row("index size on disk", lambda h: h.ours_bytes, lambda h: h.base_bytes, _mb, False),
        row("queries with no hit (of the mix)", lambda h: h.ours_zero, lambda h: h.base_zero, _num, None),
    ]
    return _table(header, rows)


def ours_table(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Our remaining figures per scale, and how they grow from the first scale to the last."""
    scales = list(runs)
    heads = {s: headline(runs[s]) for s in scales}

    def build_seconds(s: str) -> float | None:
        return _dig(runs[s], "ours", "build", "seconds")

    def fields(s: str) -> list[tuple[str, float | None, Any]]:
        h = heads[s]
        return [
            ("corpus characters", runs[s]["characters"], _num),
            ("issue files", runs[s]["files"], _num),
            ("articles (ours)", _dig(runs[s], "ours", "stats", "articles"), _num),
            ("full build, wall clock", build_seconds(s), lambda v: _num(v, "{:.1f}", " s")),
            ("build peak RSS", _dig(runs[s], "ours", "build", "peak_rss"), _mb),
            ("index size", h.ours_bytes, _mb),
            ("start-up to first search (median of spawns)", h.startup, lambda v: _num(v, "{:.2f}", " s")),
            ("p50 / HTTP, first time asked", (h.ours_http or {}).get("p50"), _ms),
            ("p95 / HTTP, first time asked", (h.ours_http or {}).get("p95"), _ms),
            ("p99 / HTTP, first time asked", (h.ours_http or {}).get("p99"), _ms),
            ("p50 / HTTP, asked again", (h.ours_repeat or {}).get("p50"), _ms),
            ("p95 / HTTP, asked again", (h.ours_repeat or {}).get("p95"), _ms),
            ("requests/s, 8 clients", h.rps, lambda v: _num(v, "{:.0f}")),
            ("errors, 8 clients", h.rps_errors, _num),
            ("p95 under 8 clients", _dig(runs[s], "ours", "throughput", "latency", "p95"), _ms),
            ("new issue searchable after", h.fresh, lambda v: _num(v, "{:.2f}", " s")),
            ("`archive add` command took", _dig(runs[s], "ours", "freshness", "add", "seconds"), lambda v: _num(v, "{:.2f}", " s")),
            ("correction searchable after its save, median", _median(_dig(runs[s], "ours", "corrections", "runs")),
             lambda v: _num(v, "{:.2f}", " s")),
            ("correction searchable after its save, slowest", h.corrected, lambda v: _num(v, "{:.2f}", " s")),
            ("server RSS idle", h.rss_idle, _mb),
            ("server RSS after load", h.rss_load, _mb),
        ]

    table = {s: fields(s) for s in scales}
    header = ["figure"] + [f"{s}×" for s in scales] + (["growth"] if len(scales) > 1 else [])
    rows = []
    for i, (label, _, fmt) in enumerate(table[scales[0]]):
        cells = [label] + [table[s][i][2](table[s][i][1]) for s in scales]
        if len(scales) > 1:
            cells.append(_ratio(table[scales[-1]][i][1], table[scales[0]][i][1]))
        rows.append(cells)
    return _table(header, rows)


def by_kind(run: dict[str, Any]) -> list[str]:
    """Latency per query kind: where the slow queries are."""
    ours = first_latencies(run)
    base = _dig(run, "baseline", "latencies") or []
    rows = []
    for kind in MIX:
        o = latency_summary(ms for k, ms in ours if k == kind)
        b = latency_summary(ms for k, ms in base if k == kind)
        rows.append([kind, str(MIX[kind]), _ms(o["p50"] if o["n"] else None), _ms(o["p95"] if o["n"] else None),
                     _ms(b["p50"] if b["n"] else None), _ms(b["p95"] if b["n"] else None)])
    return _table(["kind", "queries", "ours p50", "ours p95", "baseline p50", "baseline p95"], rows)


def research_section(run: dict[str, Any]) -> list[str]:
    """Latency of each research endpoint against the search targets (p50 ≤ 15 ms, p95 ≤ 50 ms)."""
    command = run.get("research_command") or run.get("command")
    commit = run.get("research_commit") or _dig(run, "machine", "commit") or DASH
    rows = []
    for label, figures in run["ours"]["research"].items():
        verdict = _verdict(_check(figures["p50"], 15) and _check(figures["p95"], 50))
        rows.append([label, str(figures["n"]), _ms(figures["p50"]), _ms(figures["p95"]), _ms(figures["max"]),
                     str(figures["errors"]), verdict])
        first = figures.get("first_byte")
        if first:  # a download: when it starts answering, against the targets
            rows.append([label.replace("whole file", "first byte (the same again)"), str(first["n"]), _ms(first["p50"]),
                         _ms(first["p95"]), _ms(first["max"]), "—",
                         _verdict(_check(first["p50"], 15) and _check(first["p95"], 50))])
    return [f"Measured by `{command}` (commit {commit}): each request once, one at a time, on a server that has "
            "answered none of them before (bench/research.py).", ""] + _table(
        ["endpoint", "requests", "p50", "p95", "max", "errors", "within the search targets"], rows)


def load_section(run: dict[str, Any]) -> list[str]:
    loads = _dig(run, "ours", "load")
    if not loads:
        return ["Not run at this scale (`--load`).", ""]
    rows = []
    for load in loads:
        reindexes = load.get("reindexes", [])
        failed = sum(r["returncode"] != 0 for r in reindexes)
        rows.append([
            str(load["clients"]), f"{load['seconds']:.0f} s", f"{load['requests']:,}", f"{load['requests_per_second']:.0f}",
            f"{load['errors']:,}", ", ".join(f"{k}: {v}" for k, v in sorted(load["statuses"].items())),
            _ms(load["latency"]["p50"]), _ms(load["latency"]["p95"]), _ms(load["latency"]["p99"]), _ms(load["latency"]["max"]),
            f"{len(reindexes)} × `{load.get('background', 'archive reindex --full')}` ({failed} failed)", _mb(load.get("rss")),
        ])
    header = ["clients", "time", "requests", "req/s", "errors", "statuses", "p50", "p95", "p99", "max",
              "indexing runs meanwhile", "server RSS"]
    return _table(header, rows)


def _function_rows(rows: list[dict[str, Any]], limit: int = 10) -> list[str]:
    return _table(
        ["function", "calls", "own s", "cumulative s"],
        ([f"`{r['function']}`", f"{r['calls']:,}", f"{r['tottime']:.2f}", f"{r['cumtime']:.2f}"] for r in rows[:limit]),
    )


def _focus_rows(focus: dict[str, float], total: float, what: str) -> list[str]:
    """Cumulative time of the key functions as a share of the whole (they nest, shares overlap)."""
    rows = ([f"`{name}`", f"{sec:.2f} s", f"{100 * sec / total:.0f}%"] for name, sec in focus.items())
    return [f"Key functions, cumulative (nested, so shares overlap), of {total:.1f} s for {what}:", ""] + _table(
        ["function", "cumulative", "share"], rows
    )


# What each key function stands for, so the summary reads without the code at hand.
MEANING = {
    "_flush_segment": "Whoosh writing the new segment: sorting every posting, then pickling and zlib-compressing "
    "one posting block per distinct term; the n-gram fields make many terms and about two postings per character",
    "add_document": "Whoosh running the analyzers, the n-gram tokenizer above all, over each field and buffering the postings",
    "issue_documents": "building the documents, mostly jieba word segmentation and place names",
    "words": "jieba word segmentation",
    "split_articles": "splitting pages into articles: OCR repair, titles, bylines",
    "read_issue": "reading and decoding files",
    "_match": "finding and scoring the matching documents",
    "_scored": "scoring the candidates",
    "plan_scores": "evaluating the scoring plan over bulk postings",
    "term_ranking": "scoring one term over its whole posting list",
    "docs_for_query": "materialising every matching document id (totals, facets, filters)",
    "snippet": "cutting and marking snippets",
    "hit": "turning a hit into a result: stored JSON, snippet",
    "_coverage": "scoring how much of the query each hit covers",
    "validate": "parsing the query",
    "request_dates": "checking the date filters",
    "facets": "counting facets",
}


def _largest(focus: dict[str, float], total: float, count: int = 2) -> str:
    ranked = sorted(focus.items(), key=lambda item: item[1], reverse=True)[:count]
    return "; ".join(f"`{name}` {100 * sec / total:.0f}%, {MEANING.get(name, name)}" for name, sec in ranked)


def summary(run: dict[str, Any]) -> list[str]:
    """The few sentences a reader needs before the tables: what dominates build and query time."""
    h = headline(run)
    prof = run.get("profile") or {}
    full, query = prof.get("full_reindex", {}), prof.get("query", {})
    lines = []
    if h.build_ratio:
        lines.append(f"- Build: ours indexes {_num(h.ours_cps)} chars/s, the naive baseline {_num(h.base_cps)} chars/s "
                     f"({h.build_ratio:.2f}×; the target is 3×).")
    if full.get("focus") and full.get("seconds"):
        lines.append(f"- Of a one-process build, the largest parts are {_largest(full['focus'], full['seconds'])}.")
    if query.get("focus") and query.get("profiled_seconds"):
        lines.append(f"- Of search time (in-process, whole mix), the largest parts are "
                     f"{_largest(query['focus'], query['profiled_seconds'])}.")
    if query.get("latencies") and h.ours_http:
        inproc = latency_summary(ms for _, ms in query["latencies"])["p50"]
        lines.append(f"- At the median a search costs {_ms(inproc)} inside the index and {_ms(h.ours_http['p50'])} "
                     f"over HTTP: HTTP, Flask and JSON add {_ms(h.ours_http['p50'] - inproc)}.")
    add = _dig(run, "ours", "freshness", "add", "seconds")
    if h.fresh is not None and add is not None:
        lines.append(f"- A new issue: `archive add` itself takes {add:.2f} s (a new process: imports, jieba's "
                     f"dictionary, the commit); the server finds the issue {max(h.fresh - add, 0):.2f} s after it ends.")
    return lines + [""] if lines else []


def profile_section(run: dict[str, Any]) -> list[str]:
    prof = run.get("profile")
    if not prof:
        return ["Not profiled in this run (`--profile`).", ""]
    if "error" in prof:
        return ["Profiling failed:", "", "```", prof["error"], "```", ""]
    lines: list[str] = []
    stages = prof.get("build_stages", {})
    full = prof.get("full_reindex", {})
    lines.append(f"**Build**, on a sample of {prof['sample_characters']:,} characters (every "
                 f"{prof['stride']}th corpus file) into a fresh data dir, one indexing process "
                 "(`Settings.index_workers=1`) so the profile sees the whole pipeline:")
    lines.append("")
    if "seconds" in stages:
        total = sum(stages["seconds"].values())
        rows = [[name, f"{sec:.2f} s", f"{100 * sec / total:.0f}%"] for name, sec in stages["seconds"].items()]
        if "seconds" in full:
            rows.append(["whole `reindex(full=True)` in one process (wall)", f"{full['seconds']:.2f} s", DASH])
        lines += _table(["stage (serial, one core)", "time", "share of the three stages"], rows)
        lines += ["Busiest functions in the serial stages (own time):", ""] + _function_rows(stages["top_tottime"])
    else:
        lines += ["Stage timing failed:", "", "```", stages.get("error", DASH), "```", ""]
    if full.get("focus"):
        lines += _focus_rows(full["focus"], full["seconds"], "one-process `reindex(full=True)` under cProfile")
    if "top_cumtime" in full:
        lines += ["`reindex(full=True)` under cProfile, by cumulative time (worker processes, if any, not included):", ""]
        lines += _function_rows(full["top_cumtime"])
    elif "error" in full:
        lines += ["Profiling `reindex(full=True)` failed:", "", "```", full["error"], "```", ""]
    query = prof.get("query", {})
    if "latencies" in query:
        inproc = latency_summary(ms for _, ms in query["latencies"])
        http = headline(run).ours_http or {}
        lines.append(f"**Query**, the whole mix in-process on the full index (`Engine.search`, snippets included): "
                     f"p50 {_ms(inproc['p50'])}, p95 {_ms(inproc['p95'])}, p99 {_ms(inproc['p99'])}; over HTTP p50 "
                     f"{_ms(http.get('p50'))}, so HTTP + Flask + JSON add about "
                     f"{_ms((http.get('p50') or 0) - inproc['p50']) if http else DASH} at the median.")
        lines.append("")
        if query.get("focus") and query.get("profiled_seconds"):
            lines += _focus_rows(query["focus"], query["profiled_seconds"], "one profiled pass of the mix")
        lines += ["By own time:", ""] + _function_rows(query["top_tottime"])
        lines += ["By cumulative time:", ""] + _function_rows(query["top_cumtime"])
    elif "error" in query:
        lines += ["Query profiling failed:", "", "```", query["error"], "```", ""]
    return lines


def problems(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Crashes and failed commands, quoted so owners can reproduce them."""
    lines = []
    for scale, run in runs.items():
        ours = run.get("ours", {})
        build = ours.get("build", {})
        if build.get("returncode") not in (0, None) and build["seconds"] >= build.get("timeout", float("inf")):
            lines.append(f"- {scale}×: our build had not finished after {build['seconds']:.0f} s (the run's time "
                         f"budget) and was stopped: fewer than {run['characters'] / build['seconds']:,.0f} chars/s.")
        elif build.get("returncode") not in (0, None):
            lines += [f"- {scale}×: `archive reindex --full` exited {build['returncode']}:", "", "```",
                      build["stderr"], "```"]
        if "server_error" in ours:
            lines += [f"- {scale}×: `archive serve` failed:", "", "```", ours["server_error"], "```"]
        if "error" in run.get("baseline", {}):
            lines += [f"- {scale}×: the baseline failed:", "", "```", run["baseline"]["error"], "```"]
        add = _dig(ours, "freshness", "add")
        if add and add["returncode"] != 0:
            lines += [f"- {scale}×: `archive add` exited {add['returncode']}:", "", "```", add["stderr"], "```"]
        for failed in _dig(ours, "corrections", "errors") or []:
            lines.append(f"- {scale}×: a timed correction of `{failed['article']}` answered {failed['status']}: "
                         f"`{str(failed['body'])[:200]}`")
        for name, load in [("8 clients", ours.get("throughput"))] + [
            (f"{x['clients']} clients during reindex", x) for x in ours.get("load", [])
        ]:
            for example in (load or {}).get("error_examples", [])[:2]:
                lines.append(f"- {scale}×, {name}: `GET {example['path']}` → {example['status']} `{example['body'][:200]}`")
        for load in ours.get("load", []):
            for failed in [r for r in load.get("reindexes", []) if r["returncode"] != 0][:2]:
                lines += [f"- {scale}×, {load['clients']} clients: `{load.get('background')}` exited "
                          f"{failed['returncode']}:", "", "```", failed["stderr"], "```"]
        for trace in ours.get("server_tracebacks", []):
            lines += [f"- {scale}×: the server logged:", "", "```", trace, "```"]
        if not run.get("probe_unique", True):
            lines.append(f"- {scale}×: the probe string occurs in the corpus; the freshness figure is void.")
    return lines + [""] if lines else ["None.", ""]


def _differing_totals(run: dict[str, Any]) -> tuple[int, int] | None:
    """(queries whose total differs between the engines, queries compared), first pass; None if not both."""
    local, solr = _dig(run, "ours", "http", "first_totals"), _dig(run, "solr", "http", "first_totals")
    if not local or not solr or len(local) != len(solr):
        return None
    return sum(a != b for a, b in zip(local, solr)), len(local)


def engines_section(runs: dict[str, dict[str, Any]]) -> list[str]:
    """The local engine and Solr measured by the same phases, per scale."""
    runs = {scale: run for scale, run in sorted(runs.items(), key=lambda item: int(item[0])) if run.get("solr")}
    if not runs:
        return ["Not measured yet: `python -m bench --engine both --scale 1 5 --no-baseline`.", ""]
    header = ["figure"] + [f"{engine} {scale}×" for scale in runs for engine in ("local", "solr")]

    def row(label: str, get: Any, fmt: Any) -> list[str]:
        return [label] + [fmt(get(run, engine)) for run in runs.values() for engine in ("ours", "solr")]

    def at(*keys: str) -> Any:
        return lambda run, engine: _dig(run, engine, *keys)

    def cps(run: dict[str, Any], engine: str) -> float | None:
        seconds = _dig(run, engine, "build", "seconds")
        return run["characters"] / seconds if seconds else None

    def latency(p: str) -> Any:
        return lambda run, engine: latency_summary(ms for _, ms in _dig(run, engine, "http", "first_latencies") or [])[p] \
            if _dig(run, engine, "http", "first_latencies") else None

    def jvms(run: dict[str, Any], engine: str) -> int | None:
        rss = _dig(run, engine, "cluster_rss")
        return sum(rss.values()) if rss else None

    def differing(run: dict[str, Any], engine: str) -> str | None:
        found = _differing_totals(run)
        return None if found is None or engine == "ours" else f"{found[0]} of {found[1]}"

    rows = [
        row("build throughput, `reindex --full` (chars/s)", cps, _num),
        row("search p50 / HTTP, first time asked", latency("p50"), _ms),
        row("search p95", latency("p95"), _ms),
        row("search p99", latency("p99"), _ms),
        row("requests/s, 8 clients", at("throughput", "requests_per_second"), lambda v: _num(v, "{:.0f}")),
        row("errors, 8 clients", at("throughput", "errors"), _num),
        row("requests/s, 32 clients", at("throughput32", "requests_per_second"), lambda v: _num(v, "{:.0f}")),
        row("errors, 32 clients", at("throughput32", "errors"), _num),
        row("new issue searchable after `archive add`", at("freshness", "searchable_seconds"),
            lambda v: _num(v, "{:.2f}", " s")),
        row("server (Python) RSS after load", at("rss_after_load"), _mb),
        row("cluster JVMs RSS (ZooKeeper + nodes)", jvms, _mb),
        row("build peak RSS (the `archive` command)", at("build", "peak_rss"), _mb),
        row("index on disk (Solr: every replica)", at("index_bytes"), _mb),
        row("queries whose total differs from local", lambda run, engine: differing(run, engine),
            lambda v: v if v is not None else DASH),
        row("known-item top 1, split-dev (score_split.py)", at("known_item", "top1"), lambda v: _num(v, "{:.1f}", " %")),
        row("known-item top 10, split-dev", at("known_item", "top10"), lambda v: _num(v, "{:.1f}", " %")),
    ]
    lines = _table(header, rows)
    lines += [f"Known-item figures at {scale}×: `{run['known_item_command']}`, commit {run.get('known_item_commit') or DASH} "
              "(bench/known_item.py: the 132 pages of ../shared/eval/split-dev on each engine, scored through the "
              "HTTP API)." for scale, run in runs.items() if run.get("known_item_command")]
    lines += [""] if any(run.get("known_item_command") for run in runs.values()) else []
    for scale, run in runs.items():
        cores = _dig(run, "solr", "cores") or []
        jvm = _dig(run, "solr", "cluster_rss") or {}
        lines += [f"Solr at {scale}×, per replica (the figures docs/scaling.md extrapolates from); JVMs: "
                  + ", ".join(f"{role} {_mb(rss)}" for role, rss in sorted(jvm.items())), ""]
        lines += _table(["shard", "core", "leader", "documents (Lucene)", "bytes"],
                        [[c["shard"], c["core"], "yes" if c["leader"] else "", _num(c["docs"]), _mb(c["bytes"])]
                         for c in cores])
    return lines + ["![engines](engines.png)", ""]


def render(results: dict[str, Any]) -> str:
    runs = {k: results["runs"][k] for k in sorted(results["runs"], key=int)}
    first = next(iter(runs))
    m = results["machine"]
    lines = [
        "# Benchmarks: indexing and search speed, ours vs the naive baseline",
        "",
        "Generated by `python -m bench` (bench/); do not edit by hand. Raw figures: `benchmarks.json`. "
        "What the profiles showed and what was changed because of them: [performance.md](performance.md).",
        "",
        "## Machine and command",
        "",
        f"- {m['nproc']} cores, {m['cpu']}, {m['ram_gb']} GB RAM; Python {m['python']}; {m['platform']}; commit {m['commit']}"
        + (" (run from a clean `git archive` export of it, with `PYTHONPATH` pointing there)" if m.get("exported") else ""),
    ]
    lines += [
        f"- {scale}×: `{run['command']}` at {run['finished']}, commit {_dig(run, 'machine', 'commit') or DASH}"
        for scale, run in runs.items()
    ]
    lines += [
        f"- {scale}×, a correction's save until search finds it: `{run['corrections_command']}`, commit "
        f"{run.get('corrections_commit') or DASH}: {len(_dig(run, 'ours', 'corrections', 'runs') or [])} saves through "
        f"the API, {PAUSE_SECONDS:g} s apart, on a freshly built index (bench/corrections.py)"
        for scale, run in runs.items() if run.get("corrections_command")
    ]
    lines += [
        "- Corpus: `../shared/corpus` (pd1998-early pages + xwlb days) written as issue files into a temporary data "
        "dir; at 5× the corpus is repeated in subfolders `copyN/` with dates shifted 30·(N−1) years back.",
        "- Ours: the real `archive` command (`reindex --full`, `serve --threads 8`, `add`), measured from outside over "
        "loopback HTTP. Baseline: jieba's `ChineseAnalyzer` into Whoosh with default settings, one process, same "
        "blank-line articles (title + body), queried in-process (no HTTP: this favours the baseline).",
        f"- Query mix: {sum(MIX.values())} queries drawn with a fixed seed from the corpus: "
        + ", ".join(f"{n} {k}" for k, n in MIX.items())
        + ". Latency = one client, one query at a time, top 10 with snippets (`per_page=10`): the targets are judged on"
        " the first pass, where every query is new to the server (no result cache helps); two more passes show the"
        " same queries asked again. The baseline has no result cache: its figures are two passes after a warm-up.",
        "",
    ]
    for scale, run in runs.items():
        lines += [f"## Targets at {scale}× ({run['characters']:,} characters)", ""]
        if run.get("quick"):
            lines += ["**Smoke run (`--quick`)**: a 30-file slice of the corpus with short phases; its figures test "
                      "the harness and are not the benchmark.", ""]
        lines += targets_table(headline(run))
    lines += ["## Side by side", "", "Ratio = how many times better ours is (throughput: ours/baseline; "
              "latency and size: baseline/ours).", ""] + side_by_side(runs)
    lines += ["## Our figures, and how cost grows", ""] + ours_table(runs)
    lines += ["## Local engine and Solr side by side", "",
              "`python -m bench --engine both`: both engines measured in one run by the same phases, the Solr "
              "engine through `ARCHIVE_SOLR_URL` on the local SolrCloud of `archive solr up --nodes 2` (one "
              "ZooKeeper and two Solr nodes, one JVM each, 512 MB heap; a collection of 2 shards × 2 replicas) "
              "on the same machine: the server, the cluster and the clients share the two cores. "
              + "; ".join(f"{scale}×: `{run['command']}` at {run['finished']}, commit "
                          f"{_dig(run, 'machine', 'commit') or DASH}, load average {_dig(run, 'load_average') or DASH}"
                          for scale, run in sorted(results.get('engines', {}).items(), key=lambda item: int(item[0])))
              + ".", ""] + engines_section(results.get("engines", {}))
    lines += ["![latency](latency.png)", ""]
    for scale, run in runs.items():
        lines += [f"## Latency by query kind, {scale}×", ""] + by_kind(run)
    for scale, run in runs.items():
        lines += [f"## Load during reindex, {scale}×", "",
                  "8 and 32 concurrent clients cycling through the mix for 60 s while the index changes under "
                  "them: `archive reindex --full` again and again when a full build fits in the window, else "
                  "`archive add` of new issue files one after another (loopback; errors = anything but 200).", ""]
        lines += load_section(run)
    for scale, run in runs.items():
        if _dig(run, "ours", "research"):
            lines += [f"## Research tools, {scale}×", ""] + research_section(run)
    lines += ["## Where the time goes", ""]
    for scale, run in runs.items():
        if run.get("profile"):
            lines += [f"At {scale}×.", ""] + summary(run) + profile_section(run)
    if not any(run.get("profile") for run in runs.values()):
        lines += profile_section(runs[first])
    lines += ["## Problems seen", ""] + problems(runs)
    return "\n".join(lines)


def _pyplot() -> Any:
    """matplotlib's pyplot drawing to files only (no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_cdf(axes: Any, latencies: list[list[Any]] | None, style: str, label: str, **options: Any) -> None:
    """The share of queries answered within each latency ([kind, ms] pairs), if there are any."""
    if latencies:
        values = sorted(ms for _, ms in latencies)
        axes.plot(values, [i / len(values) for i in range(1, len(values) + 1)], style, label=label, **options)


def _save_figure(plt: Any, fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def chart(results: dict[str, Any], path: Path) -> None:
    """Latency CDFs (ours over HTTP, baseline in-process) per scale, and ours per query kind."""
    plt = _pyplot()
    runs = {k: results["runs"][k] for k in sorted(results["runs"], key=int)}
    fig, (cdf, kinds) = plt.subplots(1, 2, figsize=(13, 5))
    for scale, run in runs.items():
        _plot_cdf(cdf, first_latencies(run), "-", f"ours (HTTP, first time asked) {scale}×")
        _plot_cdf(cdf, _dig(run, "baseline", "latencies"), "--", f"baseline (in-process) {scale}×")
    cdf.set_xscale("log")
    cdf.set_xlabel("latency (ms, log scale)")
    cdf.set_ylabel("share of queries")
    for limit, name in ((15, "p50 target"), (50, "p95 target")):
        cdf.axvline(limit, color="grey", linewidth=0.8, linestyle=":")
        cdf.text(limit, 0.02, f" {name}", color="grey", fontsize=8)
    cdf.legend(fontsize=8)
    cdf.set_title("Search latency, top 10 with snippets")
    width = 0.8 / max(len(runs), 1)
    for i, (scale, run) in enumerate(runs.items()):
        lat = first_latencies(run)
        p50 = [latency_summary(ms for k, ms in lat if k == kind)["p50"] for kind in MIX]
        p95 = [latency_summary(ms for k, ms in lat if k == kind)["p95"] for kind in MIX]
        xs = [x + i * width for x in range(len(MIX))]
        kinds.bar(xs, p95, width, color=f"C{i}", alpha=0.35, label=f"ours p95 {scale}×")
        kinds.bar(xs, p50, width, color=f"C{i}", label=f"ours p50 {scale}×")
    kinds.set_xticks([x + width * (len(runs) - 1) / 2 for x in range(len(MIX))], list(MIX), rotation=45)
    kinds.set_ylabel("ms over HTTP")
    kinds.set_title("Ours by query kind")
    kinds.legend(fontsize=8)
    _save_figure(plt, fig, path)


def engines_chart(results: dict[str, Any], path: Path) -> None:
    """Latency CDFs of both engines per scale (HTTP, first time asked)."""
    engines = results.get("engines", {})
    runs = {k: engines[k] for k in sorted(engines, key=int) if engines[k].get("solr")}
    if not runs:
        return
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, (scale, run) in enumerate(runs.items()):
        for engine, label, style in (("ours", "local", "-"), ("solr", "Solr (2 nodes, 2×2)", "--")):
            _plot_cdf(ax, _dig(run, engine, "http", "first_latencies"), style, f"{label} {scale}×", color=f"C{i}")
    ax.set_xscale("log")
    ax.set_xlabel("latency over HTTP (ms, log scale), top 10 with snippets")
    ax.set_ylabel("share of the query mix")
    ax.set_title("Search latency: local engine and Solr")
    ax.legend(fontsize=8)
    _save_figure(plt, fig, path)


def console_summary(run: dict[str, Any]) -> str:
    """The ratios and target verdicts, printed at the end of a run."""
    h = headline(run)
    return "\n".join([f"== {run['scale']}× ({run['characters']:,} characters) ==", *targets_table(h)])
