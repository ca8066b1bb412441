"""Rendering: the vet's pre-visit summary and the owner's handout, as HTML, Markdown or PDF.

Same content and order in all three formats: one context (`build_context`) feeds an HTML and a Markdown
template per document, and the PDF is WeasyPrint on the HTML. Jinja2 and WeasyPrint are imported lazily.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal, Mapping

from vettriage.render.context import DISCLAIMER, Clinic, Kind, ReportMeta, build_context, format_answer, local_time

if TYPE_CHECKING:  # pathlib (~1.5 ms with urllib.parse): the templates' folder is text on a report's way
    from pathlib import Path

Format = Literal["html", "md", "pdf"]
KINDS: tuple[Kind, ...] = ("previsit", "handout")
FORMATS: tuple[Format, ...] = ("html", "md", "pdf")

__all__ = ["DISCLAIMER", "Clinic", "local_time", "FORMATS", "KINDS", "ReportMeta", "build_context", "format_answer", "render",
           "render_context", "templates_dir"]


@cache
def templates_dir() -> str:
    """The shipped templates folder, as text (`str(vettriage.resources.reports_dir())`; looked up once)."""
    from vettriage.resources import data_folder

    return data_folder("reports")


def render_context(context: Mapping[str, Any], fmt: Format, paper: str = "a4",
                   directory: Path | str | None = None) -> str | bytes:
    """Render a built context: str for html and md, bytes for pdf."""
    from vettriage.render.environment import PAPERS, html_env, text_env

    directory = directory or templates_dir()
    kind = context["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if fmt == "md":
        return text_env(directory).get_template(f"{kind}.md.j2").render(context)
    if fmt not in ("html", "pdf"):
        raise ValueError(f"unknown format {fmt!r}")
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r} (a4 or letter)")
    html = html_env(directory).get_template(f"{kind}.html.j2").render(context, paper=PAPERS[paper])
    if fmt == "html":
        return html
    from vettriage.render.pdf import html_to_pdf

    return html_to_pdf(html)


def render(kind: Kind, fmt: Format, catalogue: Any, assessment: Any, answers: Mapping[str, Any],
           meta: ReportMeta | None = None, paper: str = "a4", plan: Any = None) -> str | bytes:
    """One document for one Assessment: builds the plan (unless given) and the context, then renders."""
    from vettriage.plan import make_plan

    plan = plan if plan is not None else make_plan(catalogue, assessment, answers)
    return render_context(build_context(kind, catalogue, assessment, answers, plan, meta), fmt, paper)
