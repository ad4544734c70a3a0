"""`python -m bench`: measure ours and the naive baseline, write docs/benchmarks.md + docs/latency.png.

    python -m bench [--scale 1 5] [--engine local|solr|both] [--quick] [--load] [--profile] [--no-baseline] [--out docs]
    python -m bench --report-only [--out docs]   # re-render from the saved figures
    python -m bench --only research [--scale 1]  # just the research tools' latencies, merged into the saved run
    python -m bench --only corrections [--scale 1]  # just corrections' save-to-searchable time, into the saved run

`--engine local` (the default) measures the local engine against the naive
baseline; `--engine both` (or `solr`) measures the local engine and the
Solr engine side by side on a SolrCloud started for the run, kept apart in
the figures ("engines"), so the local engine's own benchmark is unchanged.

Each scale's figures are saved in OUT/benchmarks.json as soon as that scale
finishes, so a later run of another scale (or a crash) keeps what was
measured, and the report is re-rendered from everything saved.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import report
from bench.run import Settings, run_corrections_only, run_research_only, run_scale
from bench.known_item import known_item
from bench.solr import SolrCluster

# `--only PART`: measure just this part at each scale, into that scale's saved run (its figures under ours.PART)
ONLY = {"research": run_research_only, "corrections": run_corrections_only}
KNOWN_ITEM = "known-item"  # both engines at once (bench/known_item.py)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1], help="corpus multiples to run (default 1)")
    parser.add_argument("--quick", action="store_true", help="a small slice and short runs: a smoke test")
    parser.add_argument("--load", action="store_true", help="also 8 and 32 clients for 60 s during reindex --full")
    parser.add_argument("--profile", action="store_true", help="also cProfile a build (sample) and the query mix")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the naive baseline")
    parser.add_argument("--out", type=Path, default=Path("docs"), help="where benchmarks.md/.json and latency.png go")
    parser.add_argument("--work", type=Path, help="scratch dir for data dirs and indexes (default: a new temp dir)")
    parser.add_argument("--build-timeout", type=float, default=3600, help="kill our build after this many seconds")
    parser.add_argument("--engine", choices=("local", "solr", "both"), default="local",
                        help="the local index, a local SolrCloud started for the run (archive solr up), or both")
    parser.add_argument("--report-only", action="store_true", help="only re-render the report from OUT/benchmarks.json")
    parser.add_argument("--only", choices=sorted([*ONLY, KNOWN_ITEM]),
                        help="measure only this part, keeping the saved figures")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"runs": {}}


def _save(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "benchmarks.md").write_text(report.render(results), encoding="utf-8")
    report.chart(results, out / "latency.png")
    report.engines_chart(results, out / "engines.png")


def main(argv: list[str] | None = None) -> None:
    args = _parse(sys.argv[1:] if argv is None else argv)
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    results = _load(args.out / "benchmarks.json")
    if args.report_only:
        _save(results, args.out)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    cluster = None
    try:
        if args.engine != "local":
            _log("solr: archive solr up --nodes 2")
            cluster = SolrCluster(work / "solr-cluster")
        for scale in args.scale:
            settings = Settings.make(scale, args.quick, args.baseline, args.load, args.profile, args.build_timeout,
                                     args.engine)
            if args.only == KNOWN_ITEM:  # an engines' figure: beside the engines' run at this scale
                saved = results.get("engines", {}).get(str(scale))
                if saved is None:
                    raise SystemExit(f"no saved {scale}x engines run in {args.out / 'benchmarks.json'} to add to")
                for engine, figures in known_item(work, _log, cluster).items():
                    saved[engine]["known_item"] = figures
                saved["known_item_command"] = command
                saved["known_item_commit"] = report.machine()["commit"]
                _save(results, args.out)
                continue
            if args.only:
                saved = results["runs"].get(str(scale))
                if saved is None:
                    raise SystemExit(f"no saved {scale}x run in {args.out / 'benchmarks.json'} to add the {args.only} figures to")
                saved["ours"][args.only] = ONLY[args.only](settings, work / f"scale{scale}", _log)
                saved[f"{args.only}_command"] = command
                saved[f"{args.only}_commit"] = report.machine()["commit"]
                _save(results, args.out)
                continue
            run = run_scale(settings, work / f"scale{scale}", _log, cluster)
            run["command"] = command
            run["finished"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            run["machine"] = results["machine"] = report.machine()
            # The engines' comparison is kept apart: the local engine's own benchmark (vs the baseline)
            # stays what `--engine local` measured.
            results.setdefault("runs" if args.engine == "local" else "engines", {})[str(scale)] = run
            _save(results, args.out)
            print(report.console_summary(run) if args.engine == "local" else "\n".join(report.engines_section({scale: run})))
        if args.engine == "local":
            print("\n".join(report.side_by_side(results["runs"])))
    finally:
        if cluster is not None:
            cluster.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    _log(f"wrote {args.out / 'benchmarks.md'} and {args.out / 'latency.png'}")


if __name__ == "__main__":
    main()
