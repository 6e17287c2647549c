"""Text from the input, shown in reports: always as text, never as HTML, Markdown or math.

File and sheet names, titles, district, Kecamatan and Puskesmas names, headers and cell text come
from files anyone can write. A report output that shows any of them is HTML built here: every
such text goes through ``text()`` (``html.escape``, quotes included), and the output is one
element that MathJax (typesetting in Jupyter and in the nbconvert HTML export) leaves alone, so a
name such as ``$\\alpha$`` stays as written. Outputs built only from the project's own labels and
numbers may stay Markdown. Figures do not parse ``$...$`` either (``figures``), and pandas tables
are escaped by pandas and kept from MathJax by ``report.base.setup_display``.
"""
from __future__ import annotations

import html

#: Classes that MathJax 2 (nbconvert HTML) and MathJax 3 (JupyterLab) skip when typesetting.
NO_MATH = "tex2jax_ignore mathjax_ignore"


def text(value: object) -> str:
    """``value`` as HTML text: ``<``, ``>``, ``&`` and quotes escaped, so no element or attribute comes from it."""
    return html.escape("" if value is None else str(value), quote=True)


def code(value: object) -> str:
    """A file name or path, shown in a monospace font, as text."""
    return f"<code>{text(value)}</code>"


def bullets(items, item=text) -> str:
    """An HTML list; each item is shown with ``item`` (``text`` or ``code``)."""
    return "<ul>" + "".join(f"<li>{item(i)}</li>" for i in items) + "</ul>"


def output(*blocks: str):
    """A notebook output from HTML blocks built with the functions above (one element MathJax skips)."""
    from IPython.display import HTML

    return HTML(f'<div class="{NO_MATH}">' + "".join(blocks) + "</div>")
