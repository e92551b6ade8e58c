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

# Tables of the models beside the LSTM (companion.enabled) that the report's log also prints.
LOGGED_TABLES = {"members": "models side by side", "stacking": "chosen on val",
                 "screening": "screening (stacked)"}


def write_report(config: dict, layout: Layout) -> None:
    """Write the figures and ``report.html``; print the tables of the models beside the LSTM, if
    any, to the log as well. Evaluation outputs must exist."""
    write_figures(config, layout)
    context = report_context(config, layout)
    layout.report.write_text(render("report.html.j2", **context))
    for key, title in LOGGED_TABLES.items():
        if context[key] is not None:
            print(f"report: {title}\n{context[key].to_string(index=False)}", flush=True)
