"""The `archive` command: thin click commands over `indexer` and `webui`.

This is the one module of `archive` that reaches up into `indexer` and
`webui` (imported inside the commands that need them, so `archive stats
--help` stays instant). The group builds the one `indexer.settings.Settings`
from its options and the environment, and every command talks to the engine
it selects through `indexer.api.Engine` only. Exit status per CONTRACT: 0
success, 2 bad usage or bad query, 1 any other failure, always with a
one-line message on stderr.

A program that embeds the command (the crash tests do) may pass
`obj={"on_reindex_step": callback}` to `main`: it becomes
`Settings.on_reindex_step`, called at each named step of a reindex.
"""
from __future__ import annotations

import html
import json
import logging
import os
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

if TYPE_CHECKING:
    from indexer.api import Engine, ReindexSummary
    from indexer.settings import Settings


class Failure(click.ClickException):
    """A failure that is not the user's typing: exit status 1, one line on stderr."""

    exit_code = 1


class BadInput(click.UsageError):
    """Bad usage or a bad query: exit status 2."""

    def show(self, file: Any = None) -> None:
        click.echo(f"archive: {self.format_message()}", err=True)


def _archive(ctx: click.Context) -> Engine:
    from indexer.factory import open_engine

    return open_engine(ctx.obj["settings"])


class ArchiveGroup(click.Group):
    """Turns an unreadable index (or an engine that cannot run) into CONTRACT's one-line failure
    for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        from indexer.api import IndexUnavailable
        from indexer.factory import EngineUnavailable

        try:
            return super().invoke(ctx)
        except (IndexUnavailable, EngineUnavailable) as exc:
            raise Failure(str(exc)) from exc


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ARCHIVE_DATA",
    default=Path("data"),
    show_default=True,
    help="Data directory: issue files in DATA/issues/, derived files in DATA/.archive/.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    envvar="ARCHIVE_INDEX_WORKERS",
    default=None,
    help="Processes a reindex indexes with [default: one per core, when there is enough text].",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path, workers: int | None) -> None:
    """报纸档案检索: index and search OCR'd newspaper issues."""
    from indexer.settings import Settings

    ctx.ensure_object(dict)
    ctx.obj["settings"] = Settings(
        data_dir=data_dir,
        admin_token=os.environ.get("ARCHIVE_ADMIN_TOKEN"),
        index_workers=workers,
        on_reindex_step=ctx.obj.get("on_reindex_step"),
    )


# ---------------------------------------------------------------- progress


def _progress_reporter(label: str) -> tuple[Callable[[int, int, int], None], Callable[[], None]]:
    """A progress callback and its closer: a live bar on a terminal, silence elsewhere.

    The bar shows files done/total, characters per second and the ETA; off a
    terminal the command prints one summary line at the end instead.
    """
    if not sys.stderr.isatty():
        return (lambda done, total, chars: None), (lambda: None)
    started = time.monotonic()

    def report(done: int, total: int, chars: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = chars / elapsed
        eta = (elapsed / done) * (total - done) if done else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        click.echo(
            f"\r{label} [{bar}] {done}/{total} files  {rate / 1000:,.0f}k chars/s  ETA {eta:4.0f}s ",
            err=True,
            nl=False,
        )

    def close() -> None:
        click.echo("", err=True)

    return report, close


def _summary_line(summary: ReindexSummary) -> str:
    return (
        f"added {summary.added}, updated {summary.updated}, removed {summary.removed}, "
        f"unchanged {summary.unchanged}, failed {len(summary.failed)}; "
        f"{summary.articles} articles, {summary.chars_per_second / 1000:,.0f}k chars/s "
        f"in {summary.seconds:.1f}s"
    )


def _report_summary(summary: ReindexSummary) -> None:
    """One summary line on stdout, then each failed file with its reason on stderr."""
    click.echo(_summary_line(summary))
    for failed in summary.failed:
        click.echo(f"archive: skipped {failed.path}: {failed.reason}", err=True)


def _run_indexing(work: Callable[[Callable[[int, int, int], None]], ReindexSummary], label: str) -> ReindexSummary:
    from indexer.api import ReindexBusy

    report, close = _progress_reporter(label)
    try:
        summary = work(report)
    except ReindexBusy as exc:
        raise Failure(f"a reindex is already running ({exc}); try again when it has finished") from exc
    except OSError as exc:
        raise Failure(
            f"{label} failed: {exc.strerror or exc}; the previous index still serves. "
            "Fix the cause (e.g. free disk space) and run `archive reindex` again"
        ) from exc
    finally:
        close()
    _report_summary(summary)
    return summary


# ---------------------------------------------------------------- commands


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a different file that has the same name.")
@click.pass_context
def add(ctx: click.Context, files: tuple[Path, ...], replace: bool) -> None:
    """Copy FILES into DATA/issues/ and index them.

    A server running on the same data directory indexes them (it has
    everything loaded, and answers once the issue is searchable);
    without one, this process does.
    """
    from indexer.api import AddRefused
    from webui.local_server import reindex_by_server

    data_dir: Path = ctx.obj["settings"].data_dir
    archive = _archive(ctx)

    def work(report: Callable[[int, int, int], None]) -> ReindexSummary:
        return archive.add(list(files), replace=replace, progress=report, hand_over=lambda: reindex_by_server(data_dir))

    try:
        _run_indexing(work, "adding")
    except AddRefused as exc:
        raise Failure(str(exc)) from exc


@main.command()
@click.option("--full", is_flag=True, help="Rebuild from scratch into a fresh index and swap it in atomically.")
@click.pass_context
def reindex(ctx: click.Context, full: bool) -> None:
    """Index new and changed issue files, drop removed ones."""
    archive = _archive(ctx)
    _run_indexing(lambda report: archive.reindex(full=full, progress=report), "indexing")


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_snippet(snippet_html: str, bold: bool) -> str:
    """Snippet HTML for a terminal: marks as bold (or 【】 when piped), entities unescaped."""
    left, right = ("\x1b[1m", "\x1b[0m") if bold else ("【", "】")
    return html.unescape(_MARK.sub(lambda m: f"{left}{m.group(1)}{right}", snippet_html))


def _api_search(settings: Settings, query: str, limit: int, page: int, sort: str,
                date_from: str | None, date_to: str | None) -> dict[str, Any]:
    """The object GET /api/search answers, asked of the app itself, so the two cannot drift apart."""
    from webui import create_app

    args = {"q": query, "per_page": limit, "page": page, "sort": sort, "from": date_from, "to": date_to}
    defaults = {"per_page": 10, "page": 1, "sort": "relevance", "from": None, "to": None}
    app = create_app({"SETTINGS": settings})
    app.logger.setLevel(logging.CRITICAL)  # the webui loggers' parent: the command reports failures in one line
    response = app.test_client().get(
        "/api/search", query_string={k: v for k, v in args.items() if k not in defaults or v != defaults[k]})
    body = response.get_json()
    if response.status_code >= 400:
        message = body["error"]["message"]
        raise BadInput(message) if response.status_code < 500 else Failure(message)
    return body


@main.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results per page.")
@click.option("--page", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True)
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Only issues on or after this date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only issues on or before this date.")
@click.option("--json", "as_json", is_flag=True, help="Print the same object as GET /api/search.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    limit: int,
    page: int,
    sort: str,
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
) -> None:
    """Search the archive (query language: see /help or the README).

    Both outputs come from the app's own /api/search, so the CLI checks
    dates, paging and the query exactly as the API does.
    """
    body = _api_search(ctx.obj["settings"], query, limit, page, sort, date_from, date_to)
    if as_json:
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    bold = sys.stdout.isatty()
    click.echo(f"{body['total']} results ({body['took_ms']} ms)")
    if body["relaxed"]:
        click.echo("no article has all the words: these have some of them")
    first = (body["page"] - 1) * body["per_page"]
    for rank, hit in enumerate(body["results"], start=first + 1):
        issue = hit["issue"]
        when = issue["date"] or (f"{issue['year']}年" if issue["year"] else None)
        where = " ".join(p for p in (when, f"第{issue['page']}版" if issue["page"] else None) if p)
        click.echo(f"\n{rank}. {hit['title']}  [{where or issue['id']}]  {hit['id']}")
        if hit["byline"]:
            click.echo(f"   {hit['byline']}")
        click.echo(f"   {_terminal_snippet(hit['snippet'], bold)}")


@main.command()
@click.argument("query")
@click.option("--format", "export_format", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="CSV (UTF-8 with a BOM, for Excel) or JSON Lines.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--text", "with_text", is_flag=True, help="Add each article's full text.")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True)
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Only issues on or after this date.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only issues on or before this date.")
@click.pass_context
def export(ctx: click.Context, query: str, export_format: str, output: Path | None, with_text: bool, sort: str,
           date_from: str | None, date_to: str | None) -> None:
    """Write every article QUERY matches, as GET /api/export does (the same rows, one at a time).

    The `url` column holds each article's path (/articles/…): prefix it with
    the address the archive is served at.
    """
    from flask import request

    from webui import create_app
    from webui.errors import ClientError
    from webui.research.context import export_stream

    args = {"q": query, "format": export_format, "sort": sort, "from": date_from, "to": date_to,
            "fields": "text" if with_text else None}
    app = create_app({"SETTINGS": ctx.obj["settings"]})
    with app.test_request_context("/api/export", query_string={k: v for k, v in args.items() if v}):
        try:
            _, _, lines = export_stream(request.args, base_url="")
        except ClientError as error:
            raise BadInput(error.message) if error.status < 500 else Failure(error.message) from error
        rows = 0
        with (output.open("w", encoding="utf-8", newline="") if output else _stdout_text()) as out:
            for line in lines:
                out.write(line)
                rows += 1
    if output:
        click.echo(f"wrote {rows - (export_format == 'csv')} articles to {output}", err=True)


def _stdout_text() -> Any:
    """Standard output for text that must keep its own line ends (CSV's CRLF), not closed afterwards."""
    return open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Issues, articles, date range, and the files that failed with why."""
    figures = _archive(ctx).stats()
    if as_json:
        click.echo(json.dumps(asdict(figures), ensure_ascii=False, indent=2))
        return
    click.echo(f"issues:     {figures.issues}")
    click.echo(f"articles:   {figures.articles}")
    click.echo(f"dates:      {figures.date_min or '?'} … {figures.date_max or '?'}")
    click.echo(f"index size: {figures.index_bytes / 1e6:.1f} MB")
    click.echo(f"failed:     {len(figures.failed)}")
    for failed in figures.failed:
        click.echo(f"  {failed.path}: {failed.reason}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--watch", is_flag=True, help="Pick up files dropped into, changed in or removed from DATA/issues/.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, watch: bool) -> None:
    """Serve the web UI and JSON API with waitress (indexes first if there is no index yet)."""
    from webui import create_app
    from webui.server import serve as serve_app

    settings: Settings = ctx.obj["settings"]
    data_dir = settings.data_dir
    if not (data_dir / "issues").is_dir():
        raise Failure(f"no issues folder at {data_dir / 'issues'}; pass --data DIR or create it")
    app = create_app({"SETTINGS": settings})
    archive: Engine = app.extensions["archive"]  # one engine opened, shared with the app
    if archive.stats().generation is None:
        _run_indexing(lambda report: archive.reindex(progress=report), "indexing")
    if watch:
        archive.watch(on_change=lambda summary: click.echo(f"watch: {_summary_line(summary)}", err=True))
    click.echo(f"serving {data_dir} at http://{host}:{port}/", err=True)
    serve_app(app, host=host, port=port, threads=threads)
