"""`archive editor add|list|remove|token`: who may correct the OCR text (see archive.corrections).

Registered on the `archive` group by archive/cli.py. Passwords are read
from a prompt (typed twice, not echoed) or, for scripts, one line of
standard input with `--password-stdin`; never from the command line,
where other users could read them in the process list.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from archive.corrections.editors import Editors

Result = TypeVar("Result")


def _on_editors(ctx: click.Context, action: Callable[[Editors], Result]) -> Result:
    """`action` on the data directory's editors; a request the store refuses (a taken name, a short
    password) exits 1 with its message."""
    from archive.corrections.editors import EditorError
    from archive.corrections.service import Corrections

    data_dir: Path = ctx.obj["settings"].data_dir
    if not data_dir.is_dir():
        raise click.ClickException(f"no data directory at {data_dir}; pass --data DIR")
    with closing(Corrections(data_dir)) as corrections:
        try:
            return action(corrections.editors)
        except EditorError as exc:
            raise click.ClickException(str(exc)) from exc


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
    _on_editors(ctx, lambda editors: editors.add(name, password))
    click.echo(f"editor {name} added; they log in at /login")


@editor.command("list")
@click.pass_context
def list_editors(ctx: click.Context) -> None:
    """List editors: name, since when, and whether they have an API token."""
    for found in _on_editors(ctx, lambda editors: editors.list()):
        click.echo(f"{found.name}\t{found.created_at}\t{'token' if found.has_token else 'no token'}")


@editor.command("remove")
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove editor NAME: their sessions and token stop working; their corrections stay in the history."""
    _on_editors(ctx, lambda editors: editors.remove(name))
    click.echo(f"editor {name} removed")


@editor.command("token")
@click.argument("name")
@click.pass_context
def token(ctx: click.Context, name: str) -> None:
    """Print a new API token for NAME, once (only its hash is kept); their earlier token stops working."""
    click.echo(_on_editors(ctx, lambda editors: editors.issue_token(name)))
