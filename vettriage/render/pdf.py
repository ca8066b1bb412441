"""HTML to PDF with WeasyPrint, fetching nothing but `data:` URLs.

WeasyPrint's default fetcher reads `file://` URLs (it would embed /etc/passwd in a PDF); ours refuses every
scheme but `data:`, and the stylesheet is inlined so nothing else is ever needed. WeasyPrint is imported on
first use only.
"""

from __future__ import annotations

from functools import cache
from typing import Any


class BlockedURL(ValueError):
    """A document asked for a resource other than a data: URL."""


@cache
def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """A WeasyPrint fetcher that serves `data:` URLs and refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url[:5].lower() == "data:":
                raise BlockedURL(f"only data: URLs are allowed in a vettriage PDF, not {url[:60]!r}")
            return super().fetch(url, headers)

    return DataOnlyFetcher(allowed_protocols=("data",), allow_redirects=False)


def data_only_fetcher() -> Any:
    """The shared data-only URL fetcher (for tests and for anyone calling WeasyPrint directly)."""
    return _fetcher()


def html_to_pdf(html: str) -> bytes:
    """A PDF of `html` (which carries its own CSS, including the @page size)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
