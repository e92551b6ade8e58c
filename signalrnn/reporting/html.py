"""The shared pieces of the HTML reports: the style sheet, inlined images and tables.

Light to import (no Keras, no evaluation code), so that ``signalrnn map`` starts fast.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right;white-space:nowrap}th{background:#f3f3f3}
td:first-child,th:first-child,.text td,.text th{text-align:left}.text td{white-space:normal}
figure{margin:1rem 0;break-inside:avoid}figcaption{font-size:.85rem;color:#555}img{max-width:100%}
.summary{background:#f5f8fc;border-left:4px solid #3a6ea5;padding:.4rem 1rem}
pre{background:#f7f7f7;padding:.6rem;white-space:pre-wrap;font-size:.8rem}code{font-size:.85rem}
.small td{font-size:.75rem;font-family:monospace}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}a{color:inherit}
img{max-height:250mm;width:auto}tr{break-inside:avoid}}
"""


def _img(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return (f'<figure><img alt="{html.escape(path.stem.replace("_", " "))}" '
            f'src="data:image/png;base64,{data}"><figcaption>{caption}</figcaption></figure>')


def _table(frame: pd.DataFrame, css: str = "") -> str:
    """An HTML table, numbers to 3 decimals, column names without underscores; ``css``: "text"
    left-aligns every cell, "text small" also shrinks them."""
    return frame.rename(columns=lambda c: c.replace("_", " ")).to_html(
        index=False, border=0, na_rep="", classes=css or None, float_format=lambda v: f"{v:.3f}")
