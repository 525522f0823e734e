"""Learner work as a hand-in report: Markdown or one self-contained HTML page.

The report is built as a list of sections of simple blocks (paragraphs, tables,
figures), then written out; learner text is escaped in exactly one place per
format. Charts are embedded as PNG data URIs, so the HTML reads fully offline:
no scripts, no fonts, no CDNs.

Example::

    >>> from mi_toolkit.core.journal import Entry
    >>> from mi_toolkit.core import RulerState
    >>> state = RulerState(change="<b>walk</b>").rate("importance", 6).to_dict()
    >>> page = to_html([Entry("ana", "readiness_rulers", "practice", state, "t")], "ana")
    >>> "&lt;b&gt;walk&lt;/b&gt;" in page and "<b>walk" not in page
    True
"""

from __future__ import annotations

import base64
import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mi_toolkit.core.journal import Entry
from mi_toolkit.core.ruler import SCALES, RulerState, StateError, describe_history
from mi_toolkit.report_kinds import KIND_RENDERERS, Figure, Paragraph, Table
from mi_toolkit.report_practice import PRACTICE_RENDERERS, saved_fields

__all__ = ["Figure", "Paragraph", "Section", "Table", "build_sections", "lesson_title",
           "to_html", "to_markdown"]  # fmt: skip

log = logging.getLogger("mi_toolkit")


@dataclass
class Section:
    title: str
    blocks: list[Paragraph | Table | Figure] = field(default_factory=list)


def lesson_title(lesson: str) -> str:
    """'readiness_rulers' or '07_readiness_rulers' -> 'Readiness rulers'."""
    words = re.sub(r"^\d+[_-]*", "", lesson).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else lesson


def _ruler_blocks(state: dict) -> list[Paragraph | Table | Figure]:
    from mi_toolkit.plots import ruler_history_png

    ruler = RulerState.from_dict(state)
    blocks: list[Paragraph | Table | Figure] = [
        Paragraph(f"Change: {ruler.change or '(not named)'}"),
        Table(
            "Current ratings (0-10)",
            tuple(s.capitalize() for s in SCALES),
            (tuple("–" if ruler.ratings[s] is None else str(ruler.ratings[s]) for s in SCALES),),
        ),
    ]
    if ruler.history:
        blocks.append(Figure(ruler_history_png(ruler.history), describe_history(ruler.history)))
        blocks.append(
            Table(
                "Recorded ratings",
                ("#", "Recorded at (UTC)", "Change", *(s.capitalize() for s in SCALES)),
                tuple(
                    (
                        str(i),
                        r.taken_at,
                        r.change or "(not named)",
                        *("–" if r.ratings[s] is None else str(r.ratings[s]) for s in SCALES),
                    )
                    for i, r in enumerate(ruler.history, 1)
                ),
            )
        )
    return blocks


# kind -> layout; the practice activities' layouts live in mi_toolkit.report_kinds
RENDERERS: dict[str, Callable[[dict], list[Paragraph | Table | Figure]]] = {
    "readiness_ruler": _ruler_blocks,
    **KIND_RENDERERS,
    **PRACTICE_RENDERERS,
}


def build_sections(entries: list[Entry]) -> list[Section]:
    """One section per saved activity, in lesson order."""
    sections = []
    for entry in sorted(entries, key=lambda e: (e.lesson, e.activity)):
        section = Section(f"{lesson_title(entry.lesson)}: {entry.activity}")
        render = RENDERERS.get(entry.kind)
        try:
            if render is None:  # still hand in what was saved, field by field
                section.blocks = [
                    Paragraph(
                        f"This activity could not be shown in full (no report layout for "
                        f"activity kind {entry.kind!r}); here is what was saved."
                    ),
                    saved_fields(entry.state),
                ]
            else:
                section.blocks = render(entry.state)
        except (StateError, KeyError, TypeError, ValueError) as exc:
            section.blocks = [Paragraph(f"This activity could not be shown in full ({exc}).")]
        except Exception as exc:  # noqa: BLE001 - one odd activity must not lose the report
            log.exception("mi_toolkit: the report layout for %r failed", entry.kind)
            section.blocks = [Paragraph(f"This activity could not be shown in full ({exc}).")]
        section.blocks.append(Paragraph(f"Last saved: {entry.saved_at}"))
        sections.append(section)
    return sections


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False)).replace("\n", " ")


def to_markdown(entries: list[Entry], learner: str) -> str:
    lines = [f"# MI practice: work of {_md(learner)}", ""]
    sections = build_sections(entries)
    if not sections:
        lines += ["No saved work yet.", ""]
    for section in sections:
        lines += [f"## {_md(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [_md(block.text), ""]
            elif isinstance(block, Table):
                lines += [f"*{_md(block.caption)}*", ""]
                lines.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
                lines.append("|" + " --- |" * len(block.headers))
                lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in block.rows]
                lines.append("")
            else:
                data = base64.b64encode(block.png).decode("ascii")
                lines += [f"![{_md(block.alt)}](data:image/png;base64,{data})", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #c4c4c4; padding: 0.2rem 0.5rem; text-align: left; }
caption { font-style: italic; text-align: left; }
img { max-width: 100%; height: auto; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(entries: list[Entry], learner: str) -> str:
    """A complete, self-contained HTML page (no external resources)."""
    body = []
    sections = build_sections(entries)
    if not sections:
        body.append("<p>No saved work yet.</p>")
    for section in sections:
        body.append(f"<section><h2>{_h(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                body.append(f"<p>{_h(block.text)}</p>")
            elif isinstance(block, Table):
                head = "".join(f'<th scope="col">{_h(h)}</th>' for h in block.headers)
                rows = "".join(
                    "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>"
                    for row in block.rows
                )
                body.append(
                    f"<table><caption>{_h(block.caption)}</caption><thead><tr>{head}</tr>"
                    f"</thead><tbody>{rows}</tbody></table>"
                )
            else:
                data = base64.b64encode(block.png).decode("ascii")
                body.append(f'<img src="data:image/png;base64,{data}" alt="{_h(block.alt)}">')
        body.append("</section>")
    title = f"MI practice: work of {learner}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_h(title)}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>{_h(title)}</h1>{''.join(body)}</main></body></html>\n"
    )
