"""Owner text is text: markup and template syntax show as typed, nothing runs, nothing is fetched."""

from __future__ import annotations

import base64
import io

import pytest

from tests.render.conftest import META
from vettriage.render import build_context, render_context
from vettriage.render.environment import md_escape

# A 1x1 PNG: fetched through data: it becomes an image in the PDF; through file:// it must not.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _render(catalogue, cases, kind, fmt):
    c = cases["hostile"]
    return render_context(build_context(kind, catalogue, c.assessment, c.answers, c.plan, META), fmt)


@pytest.mark.parametrize("kind", ["previsit", "handout"])
def test_html_escapes_owner_text(catalogue, cases, kind):
    doc = _render(catalogue, cases, kind, "html")
    assert "<script" not in doc
    assert "<img" not in doc
    assert 'src="file:' not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    # Dog name (title, page header, and the handout's heading or the vet's page footer), and in the vet's copy
    # the owner's words and tried-notes, and on its page 1 the patient line and the owner's concern (issue 26):
    # all unevaluated.
    assert doc.count("{{ 7*7 }}") == (7 if kind == "previsit" else 3)
    assert "{% raw %}" in doc


@pytest.mark.parametrize("kind", ["previsit", "handout"])
def test_markdown_escapes_owner_text(catalogue, cases, kind):
    doc = _render(catalogue, cases, kind, "md")
    assert "<script>" not in doc.replace(r"\<script\>", "") and "<img" not in doc.replace(r"\<img", "")
    assert r"\<script\>" in doc
    assert r"\[x\](javascript:1)" in doc  # no link can form
    assert doc.count(r"\{\{ 7\*7 \}\}") == (5 if kind == "previsit" else 2) and "{{" not in doc
    assert "\n# h" not in doc and "\n#h" not in doc


def test_owner_text_cannot_start_a_markdown_line():
    assert md_escape("fine\n# Heading\n- item\n\n> quote") == r"fine \# Heading - item \> quote"
    assert md_escape("a|b") == r"a\|b"
    assert md_escape(None) == ""


@pytest.mark.parametrize("kind", ["previsit", "handout"])
def test_pdf_shows_owner_text_as_typed_and_embeds_no_file(catalogue, cases, kind):
    from pypdf import PdfReader

    pdf = _render(catalogue, cases, kind, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert "<script>alert(1)</script>" in text
    assert "{{7*7}}" in text
    assert "root:x:0:0" not in text
    assert all(not p.images for p in reader.pages)


def test_fetcher_allows_data_urls_only(tmp_path):
    from pypdf import PdfReader

    from vettriage.render.pdf import html_to_pdf

    img = tmp_path / "secret.png"
    img.write_bytes(PNG)
    as_file = html_to_pdf(f'<p>x</p><img src="file://{img}" width="50" height="50">')
    as_data = html_to_pdf('<p>x</p><img src="data:image/png;base64,'
                          + base64.b64encode(PNG).decode() + '" width="50" height="50">')
    assert not PdfReader(io.BytesIO(as_file)).pages[0].images
    assert PdfReader(io.BytesIO(as_data)).pages[0].images
    sheet = tmp_path / "evil.css"
    sheet.write_text("@page { size: A6 }")  # would shrink the page if it were ever read
    linked = html_to_pdf(f'<link rel="stylesheet" href="file://{sheet}"><style>@import url("file://{sheet}");</style><p>x</p>')
    width_mm = float(PdfReader(io.BytesIO(linked)).pages[0].mediabox.width) / 72 * 25.4
    assert width_mm > 200  # still the default A4, not A6 (105 mm)
