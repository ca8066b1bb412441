"""User configuration: the clinic's identity (name, phone, address, logo), default mode, database URL, theme.

Read from `config.toml` in the user's config directory (platformdirs), or the file named by VETTRIAGE_CONFIG,
then overridden by environment variables. A malformed file is an InputError naming the file and the field.
`vettriage config set KEY VALUE` and `vettriage config init` write the file (`set_value`, `init_file`), keeping
the comments a person wrote in it. Light on imports: this runs before the first screen is painted.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing and pathlib (~5 ms at start-up, with urllib.parse) only where needed
if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path
    from typing import Any, Literal, Mapping

    Mode = Literal["owner", "tech"]
    Theme = Literal["dark", "light", "high-contrast"]

from vettriage.errors import InputError
from vettriage.frozen import field, field_names, frozen
from vettriage.pathtext import plain

MODES = ("owner", "tech")
URI_SCHEMES = ("urn:oid:", "urn:uuid:", "http://", "https://")
"""What a FHIR identifier system is written with (the chart numbers' `chart_system`)."""
THEMES = ("dark", "light", "high-contrast")

ENV = {
    "clinic_name": "VETTRIAGE_CLINIC_NAME",
    "clinic_phone": "VETTRIAGE_CLINIC_PHONE",
    "clinic_address": "VETTRIAGE_CLINIC_ADDRESS",
    "clinic_logo": "VETTRIAGE_CLINIC_LOGO",
    "default_mode": "VETTRIAGE_DEFAULT_MODE",
    "database_url": "VETTRIAGE_DATABASE_URL",
    "theme": "VETTRIAGE_THEME",
    "packs": "VETTRIAGE_PACKS",
    "chart_system": "VETTRIAGE_CHART_SYSTEM",
}
"""Field name -> the environment variable that overrides it."""

KEYS = {
    "clinic_name": "The clinic's name, on every page of every document, the emergency screens and the desk.",
    "clinic_phone": "The clinic's phone number, on every page of every document and on the emergency screens.",
    "clinic_address": "The clinic's address (one line), in the header of every document. Optional.",
    "clinic_logo": "A PNG or JPEG file (at most 512 KiB) shown in the header of every document. Optional.",
    "default_mode": "The wording the desk and `vettriage intake` start in: owner or tech.",
    "database_url": "Where intakes are stored: a SQLite file path or a postgresql+psycopg:// URL.",
    "theme": "The terminal app's colours: dark, light or high-contrast (white on black, 7:1 or more).",
    "packs": "Content pack folders loaded on top of the shipped content by every command (a list of paths).",
    "chart_system": "The URI that names the clinic's chart numbers in FHIR (Patient.identifier.system): your "
                    "practice-management system's, e.g. urn:oid:1.2.3.4 or https://clinic.example/chart. Unset: "
                    "https://vettriage.invalid/fhir/chart, which no other system knows.",
}
"""Each setting, documented for `vettriage config` and the file `vettriage config init` writes."""

TABLES = {
    "rescreen": "Days from a completed intake to its re-screen date (product heuristic): routine_days, pain_days, "
                "ccd_days, soon_days; and overdue_cutoff_days: a dog overdue by more than this leaves the due "
                "list (`dogs due` and the desk count it; `dogs due --all` shows it). Edit the `[rescreen]` table "
                "in the file; no environment variable.",
}
"""Settings that are TOML tables (set in the file only, after every plain key)."""

LOGO_MAX_BYTES = 512 * 1024
"""A logo is embedded in every PDF: a bigger file is almost certainly the wrong file."""
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@frozen
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
    overdue_cutoff_days: int = 182
    """A dog overdue by more than this (six months, a routine interval missed twice over) leaves the due list,
    which would otherwise only grow: counted, not shown (product heuristic). Up to 3650 days."""

    def overdue_since(self, today: "dt.date") -> "dt.date":
        """The earliest due date still on the list for `today`."""
        import datetime as dt

        return today - dt.timedelta(days=self.overdue_cutoff_days)


@frozen
class Config:
    """Settings for the terminal app, the web intake and the documents. `origin` says where each value came from."""

    clinic_name: str = "your vet clinic"
    clinic_phone: str | None = None
    clinic_address: str | None = None
    clinic_logo: str | None = None
    default_mode: Mode = "tech"
    database_url: str | None = None
    theme: Theme = "dark"
    packs: tuple[str, ...] = ()
    """Content pack folders loaded on top of the shipped content by every command (before any `--pack`).
    In the file a list of paths; in VETTRIAGE_PACKS paths separated by the platform's path separator."""
    rescreen: RescreenPolicy = field(default_factory=RescreenPolicy)
    chart_system: str | None = None
    """The identifier system of the clinic's chart numbers in FHIR exports and imports (a URI)."""
    path: str | None = None
    """The settings file read (or that would be): as text, so that reading settings needs no pathlib."""
    origin: dict[str, str] = field(default_factory=dict)

    def emergency_contact(self) -> str:
        """One line saying whom to call in an emergency."""
        phone = f" on {self.clinic_phone}" if self.clinic_phone else ""
        return f"Call {self.clinic_name}{phone} now, or the nearest emergency vet service."

    def logo_data_uri(self) -> str | None:
        """The configured logo as a data: URI (documents fetch nothing else), or None when none is set.

        Only this code reads the file, named by the clinic's own configuration: a document's text can never
        make the PDF renderer read a local file (its fetcher allows data: URLs only)."""
        if not self.clinic_logo:
            return None
        where = ENV["clinic_logo"] if self.origin.get("clinic_logo") == "env" else str(self.path)
        from pathlib import Path

        return read_logo(where, Path(self.clinic_logo).expanduser())


def read_logo(source: str, path: Path) -> str:
    """A PNG or JPEG file as a base64 data: URI; InputError naming `source` and clinic_logo otherwise."""
    import base64

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(source, "clinic_logo", f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > LOGO_MAX_BYTES:
        raise InputError(source, "clinic_logo", f"{path} is larger than {LOGO_MAX_BYTES // 1024} KiB")
    kind = next((t for magic, t in _LOGO_TYPES.items() if raw.startswith(magic)), None)
    if kind is None:
        raise InputError(source, "clinic_logo", f"{path} is not a PNG or JPEG file")
    return f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the config file is (or would be): VETTRIAGE_CONFIG, else the platform's user config directory."""
    from pathlib import Path

    return Path(_config_file(os.environ if env is None else env))


def _config_file(env: Mapping[str, str]) -> str:
    """config_path as text (as pathlib writes it): reading the settings needs no pathlib."""
    if env.get("VETTRIAGE_CONFIG"):
        return plain(env["VETTRIAGE_CONFIG"])
    return os.path.join(_user_config_dir(), "config.toml")


def _user_config_dir() -> str:
    """platformdirs.user_config_dir("vettriage"). On Linux with an absolute HOME (every desktop and server) it is
    the XDG rule, written here: importing platformdirs brings pathlib, tempfile and random (~8 ms of a command
    that reads the settings, more than `dogs due`'s own work). Anywhere else platformdirs answers, as before
    (tests/unit/test_config_dir.py compares the two)."""
    import posixpath
    import sys

    environ = os.environ  # platformdirs reads the process's environment, whatever mapping the caller passed
    home = environ.get("HOME", "")
    android = hasattr(sys, "getandroidapilevel") or (
        environ.get("ANDROID_DATA") == "/data" and environ.get("ANDROID_ROOT") == "/system")
    if sys.platform == "linux" and not android and posixpath.isabs(home):
        xdg = environ.get("XDG_CONFIG_HOME", "")
        base = xdg if posixpath.isabs(xdg) else os.path.expanduser("~/.config")
        return os.path.join(base, "vettriage")
    from platformdirs import user_config_dir

    return user_config_dir("vettriage")


def default_database_url() -> str:
    """The store's default (SQLite in the user's data directory), used when nothing is configured."""
    from vettriage.store.backend import resolve_url

    return resolve_url(None)


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read the file (if any) then the environment; raise InputError on a malformed file or value."""
    env = os.environ if env is None else env
    path = _config_file(env)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if os.path.isfile(path):
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


def _read_file(path: str) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, encoding="utf-8") as fh:
            data = tomllib.loads(fh.read())
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), None, f"not valid TOML: {exc}") from None
    for key in data:
        if key not in KEYS and key not in TABLES:
            raise InputError(str(path), key, f"unknown setting; known: {', '.join(sorted([*KEYS, *TABLES]))}")
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
    if key == "chart_system" and (any(ch.isspace() for ch in value) or not value.startswith(URI_SCHEMES)):
        raise InputError(source, key, f"{value!r} is not a URI (urn:oid:..., urn:uuid:..., http(s)://...)")
    if len(value) > 500:
        raise InputError(source, key, "longer than 500 characters")
    if key.startswith("clinic_") and key != "clinic_logo" and any(ord(ch) < 32 for ch in value):
        raise InputError(source, key, "must be one line (no line breaks or control characters)")
    return value


def _check_rescreen(source: str, value: Any) -> RescreenPolicy:
    """A `[rescreen]` table of whole days from 1 to 730."""
    known = set(field_names(RescreenPolicy))
    if not isinstance(value, dict):
        raise InputError(source, "rescreen", f"expected a table of {', '.join(sorted(known))}")
    for k, v in value.items():
        if k not in known:
            raise InputError(source, f"rescreen.{k}", f"unknown setting; known: {', '.join(sorted(known))}")
        top = 3650 if k == "overdue_cutoff_days" else 730
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= top:
            raise InputError(source, f"rescreen.{k}", f"expected a whole number of days from 1 to {top}")
    return RescreenPolicy(**value)


def _check_packs(source: str, value: Any) -> tuple[str, ...]:
    """A list of folders (TOML), or one string of folders separated by os.pathsep (environment)."""
    if isinstance(value, str):
        value = [v for v in value.split(os.pathsep) if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(source, "packs", "expected a list of content pack folders")
    return tuple(plain(v.strip()) for v in value)


def describe(config: Config) -> str:
    """Where the config is, what each key means and what is set, for `vettriage config`."""
    exists = "exists" if config.path and os.path.isfile(config.path) else "not created yet: `vettriage config init`"
    lines = [f"config file: {config.path} ({exists})",
             "change a setting with `vettriage config set KEY VALUE` (the environment variable wins over the file)",
             ""]
    for key, doc in KEYS.items():
        value = getattr(config, key)
        shown = value if value is not None else "(not set)"
        if key == "database_url":
            shown = f"{default_database_url()} (default)" if value is None else mask_password(value)
        elif key == "packs":
            shown = ", ".join(value) if value else "(none)"
        where = config.origin.get(key, "default")
        lines.append(f"{key} = {shown}  [{where}; env {ENV[key]}]")
        lines.append(f"    {doc}")
    r = config.rescreen
    lines.append(f"rescreen = routine {r.routine_days} d, pain {r.pain_days} d, ccd {r.ccd_days} d, soon {r.soon_days} d, "
                 f"overdue cut-off {r.overdue_cutoff_days} d  [{config.origin.get('rescreen', 'default')}]")
    lines.append(f"    {TABLES['rescreen']}")
    return "\n".join(lines)


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, safe to print."""
    import re

    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


# --- writing the file -----------------------------------------------------------------------------------------


def _toml_line(key: str, value: str | list[str] | tuple[str, ...]) -> str:
    import json

    # A JSON string (non-ASCII kept as is) is a valid TOML basic string: same escapes for quotes, backslashes
    # and control characters; a JSON list of strings is a valid TOML array.
    shown = list(value) if isinstance(value, (list, tuple)) else value
    return f"{key} = {json.dumps(shown, ensure_ascii=False)}"


def template() -> str:
    """The file `vettriage config init` writes: every key documented, each one commented out."""
    out = ["# vettriage settings (TOML). Uncomment a line, or run `vettriage config set KEY VALUE`.",
           "# An environment variable (named after each key) overrides the value here.", ""]
    examples = {"clinic_name": "Riverside Veterinary Clinic", "clinic_phone": "01632 960000",
                "clinic_address": "1 River Street, Riverside", "clinic_logo": "/path/to/logo.png",
                "default_mode": "tech", "database_url": "/path/to/vettriage.sqlite3", "theme": "dark",
                "packs": ["/path/to/pack"], "chart_system": "urn:oid:1.2.3.4.5"}
    for key, doc in KEYS.items():
        out += [f"# {doc} (env {ENV[key]})", "# " + _toml_line(key, examples[key]), ""]
    r = RescreenPolicy()
    out += [f"# {TABLES['rescreen']}", "# [rescreen]"] + [f"# {name} = {getattr(r, name)}"
                                                          for name in field_names(RescreenPolicy)] + [""]
    return "\n".join(out)


def init_file(path: Path, force: bool = False) -> None:
    """Write the documented template to `path`; refuse to replace an existing file unless `force`."""
    if path.exists() and not force:
        raise InputError(str(path), None, "already exists (use `vettriage config set`, or --force to replace it)")
    from vettriage.files import write_atomic

    write_atomic(path, template(), make_folder=True)


def set_value(path: Path, key: str, value: str | None) -> None:
    """Set (or, with None, remove) one key in the file, keeping its other lines and comments. `packs` takes
    folders separated by the platform's path separator, as VETTRIAGE_PACKS does."""
    import re

    if key not in KEYS:
        raise InputError("config set", key, f"unknown setting; known: {', '.join(KEYS)}")
    line = None
    if value is not None:
        value = _check("config set", key, value)
        if key == "clinic_logo":  # checked now, and stored absolute, so a report run elsewhere finds it
            from pathlib import Path

            resolved = Path(value).expanduser().resolve()
            read_logo("config set", resolved)
            value = str(resolved)
        line = _toml_line(key, value)
    old = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    if path.is_file():
        _read_file(path)  # a broken file is reported, not silently rewritten
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    out, done = [], False
    for text in old:
        if pattern.match(text):
            if line is not None and not done:
                out.append(line)
            done = True
            continue
        out.append(text)
    if line is not None and not done:
        # Beside the commented-out example `config init` wrote, if there is one; else at the end.
        example = re.compile(rf"^#\s*{re.escape(key)}\s*=")
        at = next((n + 1 for n, text in enumerate(out) if example.match(text)), len(out))
        out.insert(at, line)
    from vettriage.files import write_atomic

    write_atomic(path, "\n".join(out) + "\n", make_folder=True)
