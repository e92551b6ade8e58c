"""Self-contained HTML from the Jinja2 templates of ``templates/``: figures inlined as base64 PNG,
tables from pandas, nothing fetched from the network, so a page reads offline and prints to PDF."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup


def figure(path: Path, caption: str) -> Markup:
    """``<figure>`` with the PNG at ``path`` inlined and ``caption`` under it."""
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return Markup('<figure><img alt="{}" src="data:image/png;base64,{}"><figcaption>{}</figcaption>'
                  "</figure>").format(Path(path).stem.replace("_", " "), data, caption)


def table(frame: pd.DataFrame, css: str = "") -> Markup:
    """An HTML table, numbers to 3 decimals, column names without underscores; ``css``: "text"
    left-aligns every cell, "text small" also shrinks them."""
    return Markup(frame.rename(columns=lambda c: c.replace("_", " ")).to_html(
        index=False, border=0, na_rep="", classes=css or None, float_format=lambda v: f"{v:.3f}"))


@cache
def environment() -> jinja2.Environment:
    """The templates of this package, autoescaped, with the ``figure`` and ``table`` filters."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("signalrnn.reporting"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(figure=figure, table=table)
    return env


def render(template: str, **context) -> str:
    """The HTML text of ``templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)

