"""A self-contained HTML report (images embedded) for clinical review of one experiment.

Plain-language summary first, then data, methods, results with figures, the failure gallery,
example windows and provenance. The page is ``templates/report.html.j2`` (its style
``templates/report.css``); its words and tables come from :mod:`.prose` and :mod:`.tables`,
gathered by :func:`.context.report_context`. No scripts, fonts or other files are fetched, so the
report reads offline and prints to PDF as it is.
"""

from __future__ import annotations

from signalrnn.io.layout import Layout
from signalrnn.reporting.context import report_context
from signalrnn.reporting.figures import write_figures
from signalrnn.reporting.render import render


def render_report(config: dict, layout: Layout) -> str:
    """The HTML text of the report; figures and evaluation outputs must exist."""
    return render("report.html.j2", **report_context(config, layout))


def write_report(config: dict, layout: Layout) -> None:
    """Write the figures and ``report.html``."""
    write_figures(config, layout)
    layout.report.write_text(render_report(config, layout))
