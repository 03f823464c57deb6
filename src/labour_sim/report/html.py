"""HTML building blocks that escape by construction, and the page around the sections.

Every piece of markup is an :class:`Html` string. :func:`tag` inserts an :class:`Html` child
as it is and escapes anything else with :func:`html.escape`, so text taken from a scenario or
observation file (names, descriptions, sources, notes, parameter paths) can only ever appear
as text: a file cannot inject markup or script. Only this module writes raw markup.

The page is one self-contained file: inline CSS (with a print stylesheet), images as
``data:`` URIs (SVG), no scripts, nothing fetched from the network.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import matplotlib
from matplotlib.figure import Figure

__all__ = [
    "CSS",
    "Html",
    "esc",
    "figure_html",
    "figure_to_data_uri",
    "join",
    "link",
    "page",
    "paragraphs",
    "short_link",
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


def short_link(url: str | None, text: object = None) -> Html:
    """A citation that is short on the page: the link text is ``text`` or the URL's domain.

    ``https://www.dst.dk/da/Statistik/...`` shows as ``dst.dk``; the whole URL stays in
    ``href``. A value that is not an http(s) URL (a source key, a file name) is plain text.
    """
    if url is None or not _URL.match(url):
        return esc(text if text is not None else (url or ""))
    domain = urlsplit(url).netloc.lower().removeprefix("www.")
    return tag("a", text if text is not None else domain, href=url, rel="noreferrer", title=url)


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


def figure_to_data_uri(fig: Figure, dpi: int = 144, image_format: str = "svg") -> str:
    """A matplotlib figure as a ``data:`` URI (the figure is closed).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : int, default 144
        Resolution of a PNG, dots per inch (144 prints sharply at the page width).
    image_format : {"svg", "png"}, default "svg"
        SVG (vector, text kept as text: small and sharp in print) or PNG.

    Returns
    -------
    str
        The URI, ready for an ``<img src>``; nothing refers outside the file.
    """
    if image_format not in ("svg", "png"):
        raise ValueError(f"image_format: 'svg' or 'png', not {image_format!r}")
    buffer = io.BytesIO()
    # Text as text (not glyph outlines) and a fixed id salt: small, identical files per run.
    style: Any = {"svg.fonttype": "none", "svg.hashsalt": "labour_sim"}
    try:
        with matplotlib.rc_context(style):
            fig.savefig(
                buffer, format=image_format, dpi=dpi, bbox_inches="tight", facecolor="white",
                metadata={"Date": None} if image_format == "svg" else None,
            )  # fmt: skip
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
    mime = "image/svg+xml" if image_format == "svg" else "image/png"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_html(fig: Figure, alt: str, caption: object) -> Html:
    """A figure embedded as an SVG data URI, with alt text and a caption."""
    image = tag("img", src=figure_to_data_uri(fig), alt=alt)
    return tag("figure", image, tag("figcaption", caption))


def page(title: str, body: Iterable[object], *, lang: str = "en") -> Html:
    """The whole document: head with inline CSS, then ``body`` (no scripts, no links out)."""
    head = join(
        [
            Html('<meta charset="utf-8">'),
            Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
            tag("title", title),
            Html(f"<style>{CSS}</style>"),
        ]
    )
    return Html(
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n{head}\n</head>\n'
        f"<body>\n{tag('main', join(body))}\n</body>\n</html>\n"
    )


#: The page's stylesheet (screen and print), inline in every report.
CSS = """
:root { --ink: #1d2430; --muted: #5a6473; --line: #d9dee5; --bg: #ffffff;
  --soft: #f4f6f9; --good: #1b7a3d; --mid: #9a6a00; --bad: #b3261e; --accent: #1f5fa8; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: var(--bg);
  font-family: "Source Sans 3", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5; -webkit-text-size-adjust: 100%; }
main { max-width: 76rem; margin: 0 auto; padding: .9rem 2rem 3rem; }
h1 { font-size: 1.7rem; line-height: 1.2; margin: 0 0 .15rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
p, li { max-width: 48rem; }
a { color: var(--accent); overflow-wrap: anywhere; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; margin: 0; padding: 0; border: 0; }
.lede { color: var(--muted); margin: 0 0 .5rem; max-width: none; }
.question { color: var(--ink); font-size: 1.05rem; }
.basis { margin: 0 0 .6rem; padding: .3rem .7rem; border-left: 4px solid var(--accent);
  background: var(--soft); max-width: none; }
.verdicts { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
  gap: .6rem; margin: 0 0 .6rem; padding: 0; list-style: none; }
.verdict { border: 1px solid var(--line); border-left: 6px solid var(--mid);
  border-radius: 6px; padding: .45rem .8rem; background: var(--soft); max-width: none; }
.verdict.likely { border-left-color: var(--good); }
.verdict.unlikely { border-left-color: var(--bad); }
.verdict .promise { font-weight: 600; margin: 0; line-height: 1.3; }
.verdict .chance { font-size: 1.6rem; font-weight: 700; line-height: 1.15; margin: .15rem 0 0; }
.verdict .words { font-size: 1rem; font-weight: 600; }
.verdict .detail { color: var(--muted); font-size: .85rem; margin: .1rem 0 0; line-height: 1.35; }
.keyfacts { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
  gap: .6rem; margin: 0 0 .6rem; }
.keyfact { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; }
.keyfact .value { font-size: 1.3rem; font-weight: 700; margin: 0; line-height: 1.2; }
.keyfact .label { margin: 0; font-size: .9rem; line-height: 1.35; }
.keyfact .detail { color: var(--muted); font-size: .82rem; margin: .1rem 0 0; line-height: 1.3; }
.answers { margin: 0; padding: 0; list-style: none; font-size: .9rem; line-height: 1.4; }
.answers li { max-width: none; margin: 0 0 .3rem; padding-left: .7rem;
  border-left: 3px solid var(--line); }
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
table.params { font-size: .82rem; }
table.params td { padding: .15rem .4rem; line-height: 1.3; }
table.params td:first-child { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
  font-size: .78rem; width: 17rem; }
table.params td:nth-child(2) { width: 12rem; }
table.params .note { display: block; font-size: .92em; }
tr.assumed td:nth-child(3) strong { color: var(--mid); }
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
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
  gap: 0 1.5rem; align-items: start; }
@media print {
  @page { size: A4; margin: 12mm 12mm 14mm; }
  html { font-size: 9pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav.toc { display: none; }
  h1, h2, h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  h2 { margin: 1.2rem 0 .5rem; }
  figure, .verdict, .keyfact, .answers li, tr, .pair { break-inside: avoid;
    page-break-inside: avoid; }
  figure { margin: .4rem 0 .8rem; }
  figure img { max-height: 75mm; width: auto; max-width: 100%; }
  .pair { grid-template-columns: 1fr 1fr; gap: 0 5mm; }
  .pair figure img { max-height: 62mm; }
  section.chapter { break-before: auto; }
  .table-wrap { overflow: visible; margin: .3rem 0 .8rem; }
  table { font-size: 8pt; }
  table.params { font-size: 7pt; }
  .chapter-assumptions .table-wrap { column-count: 2; column-gap: 5mm; }
  table.params td:first-child { font-size: 6.5pt; width: 30mm; }
  table.params td:nth-child(2) { width: 18mm; }
  .chapter-model, .chapter-assumptions, .chapter-evaluation, footer { font-size: 8pt; }
  section.stress-part > dl { column-count: 2; column-gap: 6mm; margin-top: 0; }
  dl.stress dt { margin-top: .3rem; break-after: avoid; }
  dl.stress dd { margin-left: .6rem; }
  .chapter-model h3 { break-before: auto; }
  thead { display: table-header-group; }
  .verdict, .keyfact, th, pre { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  pre { white-space: pre-wrap; }
}
"""
