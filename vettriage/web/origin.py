"""Origins of URLs, normalised so that "https://clinic.example" and "https://CLINIC.example:443" match."""

from __future__ import annotations

from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of `url`, lower-cased, default port dropped; None when it is not http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def websocket_origin(public_url: str) -> str:
    """ws://... or wss://... matching the public URL's origin."""
    origin = origin_of(public_url)
    if origin is None:
        raise ValueError(f"{public_url!r} is not an http:// or https:// URL")
    return "wss" + origin[5:] if origin.startswith("https") else "ws" + origin[4:]
