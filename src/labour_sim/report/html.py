"""HTML building blocks that escape by construction, and the page around the sections.

Every piece of markup is an :class:`Html` string. :func:`tag` inserts an :class:`Html` child
as it is and escapes anything else with :func:`html.escape`, so text taken from a scenario or
observation file (names, descriptions, sources, notes, parameter paths) can only ever appear
as text: a file cannot inject markup or script. Only this module writes raw markup.

The page is one self-contained file: inline CSS (with a print stylesheet), images as
``data:`` URIs, no scripts, nothing fetched from the network.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Sequence

from matplotlib.figure import Figure

__all__ = [
    "Html",
    "esc",
    "figure_html",
    "figure_to_data_uri",
    "join",
    "link",
    "page",
    "paragraphs",
    "table",
    "tag",
]

_URL = re.compile(r"^https?://\S+$")


class Html(str):
    """A string of markup that is safe to insert as it is (built by this module only)."""

    __slots__ = ()


def esc(value: object) -> Html:
    """``value`` as text: ``&``, ``<``, ``>`` and both quotes escaped."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(parts: Iterable[object], sep: str = "\n") -> Html:
    """Concatenate ``parts`` (each escaped unless it is :class:`Html`); ``sep`` is markup."""
    return Html(sep.join(esc(p) for p in parts))


def tag(name: str, *children: object, **attrs: object) -> Html:
    """``<name attrs>children</name>``; attribute values and text children are escaped.

    Attribute names take a trailing underscore off (``class_`` -> ``class``) and turn other
    underscores into hyphens (``aria_label`` -> ``aria-label``); ``None`` or ``False``
    leaves an attribute out, ``True`` writes it bare.
    """
    text = [f"<{name}"]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        text.append(f" {attr}" if value is True else f' {attr}="{esc(value)}"')
    text.append(">")
    if name in _VOID:
        return Html("".join(text))
    return Html("".join(text) + join(children, "") + f"</{name}>")


_VOID = frozenset({"img", "br", "meta", "hr"})


def paragraphs(text: str, **attrs: object) -> Html:
    """Plain text with blank-line breaks as ``<p>`` paragraphs (escaped)."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return join(tag("p", " ".join(p.split()), **attrs) for p in parts)


def link(text: object, url: str | None) -> Html:
    """``text`` linked to ``url`` when it is an http(s) URL; otherwise plain text.

    A link is only a citation: nothing is fetched when the page is opened.
    """
    if url is None or not _URL.match(url):
        return esc(text)
    return tag("a", text, href=url, rel="noreferrer")


def table(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Sequence[int] = (),
    caption: object = None,
    class_: str | None = None,
    row_classes: Sequence[str | None] = (),
) -> Html:
    """A table; columns in ``numeric`` are right-aligned (tabular figures).

    ``row_classes`` gives body rows a class, in order (missing or ``None``: no class).
    """

    def cell(kind: str, i: int, value: object) -> Html:
        return tag(kind, value, class_="num" if i in numeric else None)

    def row(k: int, values: Sequence[object]) -> Html:
        kind = row_classes[k] if k < len(row_classes) else None
        return tag("tr", *(cell("td", i, v) for i, v in enumerate(values)), class_=kind)

    head = tag("thead", tag("tr", *(cell("th", i, h) for i, h in enumerate(header))))
    body = tag("tbody", *(row(k, r) for k, r in enumerate(rows)))
    parts = [tag("caption", caption)] if caption is not None else []
    return tag("div", tag("table", *parts, head, body, class_=class_), class_="table-wrap")


def figure_to_data_uri(fig: Figure, dpi: int = 144) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (the figure is closed).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : int, default 144
        Resolution of the PNG, dots per inch (144 prints sharply at the page width).

    Returns
    -------
    str
        The URI, ready for an ``<img src>``; nothing refers outside the file.
    """
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: Figure, alt: str, caption: object) -> Html:
    """A figure embedded as a PNG data URI, with alt text and a caption."""
    image = tag("img", src=figure_to_data_uri(fig), alt=alt)
    return tag("figure", image, tag("figcaption", caption))


def page(title: str, body: Iterable[object], *, lang: str = "en") -> Html:
    """The whole document: head with inline CSS, then ``body`` (no scripts, no links out)."""
    head = join(
        [
            Html('<meta charset="utf-8">'),
            Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            tag("title", title),
            Html(f"<style>{_CSS}</style>"),
        ]
    )
    return Html(
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n{head}\n</head>\n'
        f"<body>\n{tag('main', join(body))}\n</body>\n</html>\n"
    )


_CSS = """
:root { --ink: #1d2430; --muted: #5a6473; --line: #d9dee5; --bg: #ffffff;
  --soft: #f4f6f9; --good: #1b7a3d; --mid: #9a6a00; --bad: #b3261e; --accent: #1f5fa8; }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0; color: var(--ink); background: var(--bg);
  font-family: "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5; -webkit-text-size-adjust: 100%; }
main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 2rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
p, li { max-width: 48rem; }
a { color: var(--accent); overflow-wrap: anywhere; }
.lede { color: var(--muted); margin: 0 0 1rem; }
.question { font-size: 1.1rem; margin: .25rem 0 1rem; }
.basis { margin: 0 0 1rem; padding: .4rem .8rem; border-left: 4px solid var(--accent); background: var(--soft); }
.verdicts { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
  gap: .9rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.verdict { border: 1px solid var(--line); border-left: 6px solid var(--mid);
  border-radius: 6px; padding: .7rem .9rem; background: var(--soft); max-width: none; }
.verdict.likely { border-left-color: var(--good); }
.verdict.unlikely { border-left-color: var(--bad); }
.verdict .promise { font-weight: 600; margin: 0; }
.verdict .chance { font-size: 2rem; font-weight: 700; line-height: 1.1; margin: .3rem 0 0; }
.verdict .words { margin: 0; }
.verdict .detail { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
.keyfacts { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
  gap: .9rem; margin: 0 0 .75rem; }
.keyfact { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; }
.keyfact .value { font-size: 1.5rem; font-weight: 700; margin: 0; }
.keyfact .label { margin: 0; }
.keyfact .detail { color: var(--muted); font-size: .9rem; margin: .2rem 0 0; }
.note { color: var(--muted); font-size: .92rem; }
.warning { border-left: 4px solid var(--mid); padding: .4rem .8rem; background: #fff8e6; }
nav.toc ol { columns: 2; margin: .5rem 0 0; padding-left: 1.2rem; }
figure { margin: 1rem 0 1.5rem; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .92rem; margin-top: .35rem; max-width: 48rem; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1.25rem; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
caption { text-align: left; color: var(--muted); padding-bottom: .35rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.params td:first-child { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
  font-size: .85rem; min-width: 13rem; }
tr.assumed td:nth-child(4) { color: var(--mid); }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .85rem; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px;
  padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.stress dt { font-weight: 600; margin-top: .6rem; }
dl.stress dd { margin: .1rem 0 0 1.2rem; max-width: 48rem; }
footer { margin-top: 3rem; padding-top: .75rem; border-top: 2px solid var(--line);
  font-size: .9rem; color: var(--muted); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
footer dt { font-weight: 600; color: var(--ink); }
footer dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 40rem) { main { padding: 1rem; } nav.toc ol { columns: 1; } }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: .8em; color: var(--muted); }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3, h4 { break-after: avoid; }
  figure, .verdict, .keyfact, tr { break-inside: avoid; page-break-inside: avoid; }
  section.chapter { break-before: auto; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  .verdict, .keyfact, th, pre { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  pre { white-space: pre-wrap; }
}
"""
