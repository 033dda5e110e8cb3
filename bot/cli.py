"""The `newsbot` command: thin click wrappers over the `retrieval` library."""

from __future__ import annotations

import logging
import sys

import click

from retrieval.errors import NewsbotError


class _Group(click.Group):
    """Turns project errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewsbotError as exc:
            click.echo(f"newsbot: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="newsbot")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr.")
def cli(verbose: bool) -> None:
    """Question answering over Chinese newspaper archives.

    Example: newsbot ask "西宁半马几点开赛？"
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # jieba announces its dictionary loading on stderr at INFO; keep the CLI quiet.
    logging.getLogger("jieba").setLevel(logging.WARNING)


# --- ingest / articles (issue 2) -------------------------------------------

# --- ask / chat (issue 3) --------------------------------------------------

# --- eval (issue 4) --------------------------------------------------------

# --- telegram (issue 5) ----------------------------------------------------
