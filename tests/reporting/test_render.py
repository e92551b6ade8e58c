"""Report pages are self-contained: figures inlined, tables from pandas, text escaped."""

import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from signalrnn.reporting.render import environment, figure, table


def test_a_figure_is_inlined_as_base64_png_with_its_caption(tmp_path):
    path = tmp_path / "roc_pr.png"
    plt.figure(figsize=(1, 1)).savefig(path)
    html = str(figure(path, "One-vs-rest ROC"))
    assert f'src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}"' in html
    assert 'alt="roc pr"' in html and "<figcaption>One-vs-rest ROC</figcaption>" in html


def test_a_table_shows_numbers_to_three_decimals_and_names_without_underscores():
    html = str(table(pd.DataFrame({"macro_f1": [0.97234]}), "text"))
    assert "<th>macro f1</th>" in html and "0.972" in html and "0.97234" not in html
    assert 'class="dataframe text"' in html


def test_values_are_escaped_but_tables_and_figures_are_not():
    page = environment().from_string("{{ name }} {{ frame | table }}").render(
        name="<p01 & p02>", frame=pd.DataFrame({"a": [1]}))
    assert "&lt;p01 &amp; p02&gt;" in page and "<table" in page
