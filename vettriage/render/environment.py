"""The two Jinja2 environments: HTML (always autoescaped) and Markdown (every value escaped for Markdown).

Jinja2 is imported here only, and this module is imported only when a document is rendered, so that
`vettriage assess` and the terminal app never pay for it at start-up.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # folders are text or Paths; pathlib is not imported for them (~1.5 ms of a report)
    from pathlib import Path

# Characters that Markdown (CommonMark) or embedded HTML would act on. Every one can be backslash-escaped;
# escaping "[" and "]" already stops links and images, so "(", ")" and "!" stay readable.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&{}])")
_SPACE = re.compile(r"\s+")
PAPERS = {"a4": "A4", "letter": "letter"}


class MdRaw(str):
    """Markdown the template itself built (never owner text): passed through unescaped."""


def md_escape(value: Any) -> str:
    """One line of literal text for Markdown: whitespace collapsed, Markdown and HTML characters escaped.

    Collapsing newlines keeps owner text from starting a line of its own, where "-", "#" or "1." would
    become structure.
    """
    if value is None:
        return ""
    if isinstance(value, MdRaw):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    text = _SPACE.sub(" ", str(value)).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


_PLAIN_URL = re.compile(r"https?://[^\s<>]+")


def md_url(value: Any) -> str:
    """A web address from the content as a Markdown autolink (escapes do not work inside one, so only a
    plain http(s) address qualifies); anything else is escaped text."""
    text = "" if value is None else str(value)
    return MdRaw(f"<{text}>") if _PLAIN_URL.fullmatch(text) else md_escape(text)


def _fmt_number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


@cache
def css(directory: Path | str) -> str:
    """The print stylesheet, read once (it is inlined: PDFs may fetch nothing but data: URLs)."""
    with open(os.path.join(directory, "print.css"), encoding="utf-8") as f:
        return f.read()


def _bytecode_cache() -> Any:
    """Jinja2's compiled templates kept in vettriage's sealed code cache (vettriage.content.cache): compiling
    the vet's summary and its includes from source costs a report process 100-150 ms, loading the code 1-2 ms.
    A template's key holds its name, file and a hash of its source (Jinja2's bucket), so an edited template is
    compiled afresh; the seal's fingerprint holds Jinja2's code generator and this file (the environments'
    options shape the code), so a Jinja2 upgrade or a changed option never loads old code."""
    import jinja2

    from vettriage.content import cache

    sources = [os.path.join(os.path.dirname(jinja2.__file__), "compiler.py"), __file__]

    class SealedBytecode(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: Any) -> None:
            code = cache.read_code(f"{bucket.key}|{bucket.checksum}", sources, kind="jinja")
            if code is not None:
                bucket.code = code

        def dump_bytecode(self, bucket: Any) -> None:
            cache.write_code(f"{bucket.key}|{bucket.checksum}", sources, bucket.code, kind="jinja")

    return SealedBytecode()


@cache
def html_env(directory: Path | str) -> Any:
    """The HTML environment: autoescape on for every template, whatever its name."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        autoescape=True,  # select_autoescape() would NOT escape *.html.j2
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["num"] = _fmt_number
    env.globals["inline_css"] = lambda: jinja2.utils.markupsafe.Markup(css(directory))
    return env


@cache
def text_env(directory: Path | str) -> Any:
    """The Markdown environment: every `{{ value }}` goes through `md_escape` unless it is `MdRaw`."""
    import jinja2

    # Markdown is not HTML: HTML autoescaping would show &lt; to the reader. Instead `finalize` escapes every
    # value for Markdown (markup, template syntax and HTML tags in owner text stay inert); see md_escape.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        finalize=md_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["num"] = lambda v: MdRaw(_fmt_number(v))
    env.filters["mdurl"] = md_url
    return env
