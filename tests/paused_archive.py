"""The real `archive` command whose reindex stops at one named step until it is killed.

    python tests/paused_archive.py STEP ARCHIVE-ARGUMENTS...

Runs `archive.cli.main` with `Settings.on_reindex_step` set (the documented
way to follow a reindex's steps, through `main`'s `obj`): when a reindex
reaches STEP ("scanned", "indexing", "committing", "committed" or
"published"), it prints "reindex paused at STEP" on stderr and sleeps, so a
test can look at what readers see at that moment and then SIGKILL it.
Nothing of this is in the shipped command.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, NoReturn

from archive.cli import main


def pause_at(step: str) -> Callable[[str], None]:
    def on_step(name: str) -> None:
        if name == step:
            print(f"reindex paused at {name}", file=sys.stderr, flush=True)
            _sleep_until_killed()

    return on_step


def _sleep_until_killed() -> NoReturn:
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[2:], obj={"on_reindex_step": pause_at(sys.argv[1])})
