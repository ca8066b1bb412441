"""User configuration: clinic name and phone, default mode, database URL, theme.

Read from `config.toml` in the user's config directory (platformdirs), or the file named by VETTRIAGE_CONFIG,
then overridden by environment variables. A malformed file is an InputError naming the file and the field.
Light on imports: this runs before the first screen is painted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Mapping

from vettriage.errors import InputError

Mode = Literal["owner", "tech"]
Theme = Literal["dark", "light"]
MODES = ("owner", "tech")
THEMES = ("dark", "light")

ENV = {
    "clinic_name": "VETTRIAGE_CLINIC_NAME",
    "clinic_phone": "VETTRIAGE_CLINIC_PHONE",
    "default_mode": "VETTRIAGE_DEFAULT_MODE",
    "database_url": "VETTRIAGE_DATABASE_URL",
    "theme": "VETTRIAGE_THEME",
    "packs": "VETTRIAGE_PACKS",
}
"""Field name -> the environment variable that overrides it."""


@dataclass(frozen=True)
class RescreenPolicy:
    """Days from a completed intake to its re-screen date (product heuristic, not a clinical guideline): the
    soonest that applies wins (vettriage.followup.rescreen_due). In the config file a `[rescreen]` table."""

    routine_days: int = 182
    """A routine senior: every six months, as owners of old dogs are usually asked to come back."""
    pain_days: int = 28
    """Pain possible or likely: re-score after a 2-4 week treatment trial (the long end)."""
    ccd_days: int = 90
    """CCD possible or likely: re-screen cognition sooner than routine, once pain is controlled."""
    soon_days: int = 14
    """Urgency soon or emergency: a re-check two weeks after the visit."""


@dataclass(frozen=True)
class Config:
    """Settings for the terminal app and the web intake. `origin` says where each value came from."""

    clinic_name: str = "your vet clinic"
    clinic_phone: str | None = None
    default_mode: Mode = "tech"
    database_url: str | None = None
    theme: Theme = "dark"
    packs: tuple[str, ...] = ()
    """Content pack folders loaded on top of the shipped content by every command (before any `--pack`).
    In the file a list of paths; in VETTRIAGE_PACKS paths separated by the platform's path separator."""
    rescreen: RescreenPolicy = field(default_factory=RescreenPolicy)
    path: Path | None = None
    origin: dict[str, str] = field(default_factory=dict)

    def emergency_contact(self) -> str:
        """One line saying whom to call in an emergency."""
        phone = f" on {self.clinic_phone}" if self.clinic_phone else ""
        return f"Call {self.clinic_name}{phone} now, or the nearest emergency vet service."


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is (or would be): VETTRIAGE_CONFIG, else the platform's user config directory."""
    env = os.environ if env is None else env
    if env.get("VETTRIAGE_CONFIG"):
        return Path(env["VETTRIAGE_CONFIG"]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("vettriage")) / "config.toml"


def default_database_url() -> str:
    """The store's default (SQLite in the user's data directory), used when nothing is configured."""
    from vettriage.store.backend import resolve_url

    return resolve_url(None)


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the file (if any) then the environment; raise InputError on a malformed file or value."""
    env = os.environ if env is None else env
    path = config_path(env)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if path.is_file():
        for key, value in _read_file(path).items():
            values[key] = _check(str(path), key, value)
            origin[key] = "file"
    elif "VETTRIAGE_CONFIG" in env and env["VETTRIAGE_CONFIG"]:
        raise InputError(str(path), None, "config file not found (named by VETTRIAGE_CONFIG)")
    for key, var in ENV.items():
        if env.get(var):
            values[key] = _check(var, key, env[var])
            origin[key] = "env"
    return Config(**values, path=path, origin=origin)


def _read_file(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), None, f"not valid TOML: {exc}") from None
    known = {f.name for f in fields(Config)} - {"path", "origin"}
    for key in data:
        if key not in known:
            raise InputError(str(path), key, f"unknown setting; known: {', '.join(sorted(known))}")
    return data


def _check(source: str, key: str, value: Any) -> Any:
    """Validate one setting's value."""
    if key == "packs":
        return _check_packs(source, value)
    if key == "rescreen":
        return _check_rescreen(source, value)
    if not isinstance(value, str) or not value.strip():
        raise InputError(source, key, "expected a non-empty text value")
    value = value.strip()
    if key == "default_mode" and value not in MODES:
        raise InputError(source, key, f"{value!r} is not one of {', '.join(MODES)}")
    if key == "theme" and value not in THEMES:
        raise InputError(source, key, f"{value!r} is not one of {', '.join(THEMES)}")
    if len(value) > 500:
        raise InputError(source, key, "longer than 500 characters")
    return value


def _check_rescreen(source: str, value: Any) -> RescreenPolicy:
    """A `[rescreen]` table of whole days from 1 to 730."""
    known = {f.name for f in fields(RescreenPolicy)}
    if not isinstance(value, dict):
        raise InputError(source, "rescreen", f"expected a table of {', '.join(sorted(known))}")
    for k, v in value.items():
        if k not in known:
            raise InputError(source, f"rescreen.{k}", f"unknown setting; known: {', '.join(sorted(known))}")
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 730:
            raise InputError(source, f"rescreen.{k}", "expected a whole number of days from 1 to 730")
    return RescreenPolicy(**value)


def _check_packs(source: str, value: Any) -> tuple[str, ...]:
    """A list of folders (TOML), or one string of folders separated by os.pathsep (environment)."""
    if isinstance(value, str):
        value = [v for v in value.split(os.pathsep) if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(source, "packs", "expected a list of content pack folders")
    return tuple(str(Path(v.strip()).expanduser()) for v in value)


def describe(config: Config) -> str:
    """Where the config is and what is set, for `vettriage config`."""
    exists = "exists" if config.path and config.path.is_file() else "not created yet"
    lines = [f"config file: {config.path} ({exists})"]
    for key in ENV:
        value = getattr(config, key)
        shown = value if value is not None else "(not set)"
        if key == "database_url":
            shown = f"{default_database_url()} (default)" if value is None else mask_password(value)
        elif key == "packs":
            shown = ", ".join(value) if value else "(none)"
        where = config.origin.get(key, "default")
        lines.append(f"{key} = {shown}  [{where}; env {ENV[key]}]")
    return "\n".join(lines)


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, safe to print."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
