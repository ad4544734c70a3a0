"""`archive editor add|list|remove|token`: who may correct the OCR text (see archive.corrections).

Registered on the `archive` group by archive/cli.py. Passwords are read
from a prompt (typed twice, not echoed) or, for scripts, one line of
standard input with `--password-stdin`; never from the command line,
where other users could read them in the process list.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click


def _editors(ctx: click.Context):  # -> archive.corrections.editors.Editors
    from archive.corrections.service import Corrections

    data_dir: Path = ctx.obj["settings"].data_dir
    if not data_dir.is_dir():
        raise click.ClickException(f"no data directory at {data_dir}; pass --data DIR")
    return Corrections(data_dir).editors


@contextmanager
def _refusals() -> Iterator[None]:
    """An editor request the store refuses (a taken name, a short password): exit 1 with its message."""
    from archive.corrections.editors import EditorError

    try:
        yield
    except EditorError as exc:
        error = click.ClickException(str(exc))
        error.exit_code = 1
        raise error from exc


@click.group()
def editor() -> None:
    """Editors, who may correct articles' OCR text (in the web UI or with an API token)."""


@editor.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.pass_context
def add(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Add an editor NAME, asking for a password (at least 10 characters)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    with _refusals():
        _editors(ctx).add(name, password)
    click.echo(f"editor {name} added; they log in at /login")


@editor.command("list")
@click.pass_context
def list_editors(ctx: click.Context) -> None:
    """List editors: name, since when, and whether they have an API token."""
    for found in _editors(ctx).list():
        click.echo(f"{found.name}\t{found.created_at}\t{'token' if found.has_token else 'no token'}")


@editor.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove editor NAME: their sessions and token stop working; their corrections stay in the history."""
    with _refusals():
        _editors(ctx).remove(name)
    click.echo(f"editor {name} removed")


@editor.command("token")
@click.argument("name")
@click.pass_context
def token(ctx: click.Context, name: str) -> None:
    """Print a new API token for NAME, once (only its hash is kept); their earlier token stops working."""
    with _refusals():
        value = _editors(ctx).issue_token(name)
    click.echo(value)
