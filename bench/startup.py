"""Start-up of everyday commands as real processes, each against a floor process doing the same job with the bare
libraries, measured in the same run. Prints figures; asserts nothing.

    python bench/startup.py [--intakes 2000] [--pairs 15] [--keep DIR]      (--intakes 100000: the big store)

The store: every shipped example added with `vettriage intakes add` (real answers, Assessments and one audit event
per answer), then copied in bulk with sqlite3 to N intakes of N/3 dogs (three visits each, spread over 18 months,
re-screen dates as the examples set them), so a file of 2,000 intakes is about 110 MB, as a clinic's is.

Each command runs as the user runs it (the installed `vettriage` script's own three lines, run by `python -c` so that
PYTHONPATH picks the checkout; not `python -m vettriage`, whose runpy start, ~3 ms, neither the user's command nor
a floor pays), the package byte-compiled as an install leaves it,
the content cache and the template cache filled by one warm-up run), interleaved with its floor: floor, command,
command, floor, ... so a busy moment of the shared machine hits both alike. Figures: median and p95 wall time of
each, the ratio of the medians and the median of the pair-by-pair ratios (the target: <= 1.5x), and the machine's
load average (os.getloadavg) at the start and the end. Ratios mean more than absolute times here.

What each floor does (a bare `python` process; what it leaves out is said, so the ratio is read honestly). Every
floor parses the same command line as the command, with the standard library's argparse and the sub-command's
own options (a command line is part of the job: a floor reading sys.argv by position did less), and every floor
that reads the store first makes the store's own checks by hand: the file's SQLite header, then vettriage_meta's
application name and schema version (the command refuses a foreign or newer file before reading it).

- `report --intake ID -o FILE` (the vet's summary, HTML; the intake is the third visit of its dog, so the summary
  carries the change since the last visit): `import argparse, sqlite3, json, tomllib, jinja2`; the settings file
  read (the clinic's name and phone head the summary); read the intake, its dog, its audit trail and the dog's
  completed visits (the same rows the command reads); decode their JSON; render a Jinja2 template of the same
  size as the summary's templates (autoescaped, with the same inline stylesheet) through Jinja2's own bytecode
  cache (the command keeps its compiled templates too: a floor compiling from source would flatter it by
  ~100 ms); write the file through a temporary file and a rename, as the command does.
  Left out: the triage engine, the care plan and the document's own logic (vettriage's work: no library does
  it), and loading the content (from vettriage's cache).
- `report --intake ID` (the default: HTML on standard output): the same, printed.
- `intakes list` (newest 200): `import argparse, sqlite3`; the newest 200 intakes with their dogs' names by one
  indexed query, the invitations read for the "at home" column, times turned to local time, the table printed:
  the same bytes as the command prints (the bench checks it).
- `dogs due`: `import argparse, sqlite3, tomllib`; the settings file read (the overdue cut-off); the command's own
  two statements (vettriage.store.sqlstore.due_statements, written into the floor: the first page of 100 dogs
  from the re-screen index, and the counts of the list and of the dogs it leaves out), the table and the count
  line printed: the same bytes as the command prints (the bench checks it).
- `assess examples/arthritis.yaml`: `import argparse, tomllib, yaml`; the settings file read (its `packs`
  setting: the content the command loads); the answers file parsed with the same loader
  (libyaml's CSafeLoader when present), and text of the command's length printed. Left out: loading the content
  (a sealed pickle of ~2,800 records), validating the answers and the triage itself: vettriage's own work. This
  floor is the imports the job truly needs, so its ratio is the hardest to meet.
- `assess`, second floor (`assess ... (floor loads the content)`): the first floor, plus loading the same content
  the way a bare program would keep it: the catalogue as plain dicts, lists and strings (each shared part once,
  as the command's cache shares equal conditions) in a pickle file, read and unpickled with the standard
  library (no seal checked, no class built). The command cannot start without its content, so this is the
  job end to end; the first floor, which skips it, is kept beside it.

PYTHONPATH picks the checkout measured (`PYTHONPATH=/path/to/other/checkout python bench/startup.py` measures
that one's commands against the same floors); every process runs in that checkout's folder, because `python -c`
(as `python -m`) puts the working folder first on sys.path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import vettriage
from vettriage.store.schema import SCHEMA_VERSION

PACKAGE = Path(vettriage.__file__).resolve().parent
ROOT = PACKAGE.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PY = sys.executable


def build_store(path: Path, n: int, env: dict[str, str]) -> dict[str, int]:
    """A store of `n` intakes (see the module's docstring); returns what the bench needs to know about it."""
    for k, example in enumerate(EXAMPLES):
        subprocess.run([PY, "-m", "vettriage", "intakes", "add", str(example), "--dog", f"Seed {k}", "--by", "Sam",
                        "--db", str(path)], check=True, capture_output=True, env=env, cwd=ROOT)
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    seeds = [dict(r) for r in con.execute("SELECT * FROM intakes ORDER BY id")]
    audits = {s["id"]: [dict(r) for r in con.execute("SELECT * FROM audit WHERE intake_id = ? ORDER BY id",
                                                     (s["id"],))] for s in seeds}
    dog_cols = [r[1] for r in con.execute("PRAGMA table_info(dogs)")]
    # one bulk transaction: through a rollback journal, not the WAL (100,000 intakes would go through the WAL
    # twice, 4 GB each way); the store turns WAL back on when it opens the file
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("DELETE FROM audit")
    con.execute("DELETE FROM intakes")
    con.execute("DELETE FROM dogs")
    rng = random.Random(30)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    names = ["Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Molly", "Buddy", "Sadie", "Toby"]
    dogs = max(1, n // 3)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    dog_rows = []
    for d in range(1, dogs + 1):
        name = f"{names[d % len(names)]} {d}"
        row = {c: None for c in dog_cols}
        row.update(id=d, name=name, name_key=name.casefold(), owner_name=f"Owner {d}", chart=f"C-{d}",
                   created_at=(now - dt.timedelta(days=600)).strftime(fmt))
        dog_rows.append(row)
    con.executemany(f"INSERT INTO dogs ({', '.join(dog_cols)}) VALUES ({', '.join('?' * len(dog_cols))})",
                    [tuple(r[c] for c in dog_cols) for r in dog_rows])
    cols = list(seeds[0])
    acols = [c for c in audits[seeds[0]["id"]][0] if c != "id"]
    batch, abatch = [], []
    # each dog's three visits: days ago, oldest first (so a higher intake id of a dog is a later visit)
    for k in range(n):
        dog, visit = k % dogs + 1, k // dogs
        seed = seeds[rng.randrange(len(seeds))]
        ago = rng.randrange(0, 180) + 180 * (2 - min(visit, 2))
        when = now - dt.timedelta(days=ago, seconds=rng.randrange(86400))
        row = dict(seed, id=k + 1, dog_id=dog, created_at=when.strftime(fmt), updated_at=when.strftime(fmt))
        if seed["rescreen_due"]:
            offset = (dt.date.fromisoformat(seed["rescreen_due"])
                      - dt.datetime.strptime(seed["created_at"], fmt).date())
            row["rescreen_due"] = (when.date() + offset).isoformat()
        batch.append(tuple(row[c] for c in cols))
        abatch += [tuple(dict(a, intake_id=k + 1, at=when.strftime(fmt))[c] for c in acols)
                   for a in audits[seed["id"]]]
        if len(batch) >= 2000:
            _flush(con, cols, acols, batch, abatch)
    _flush(con, cols, acols, batch, abatch)
    con.commit()
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    return {"intakes": n, "dogs": dogs, "report_intake": n}  # the newest intake: its dog's third visit


def _flush(con: sqlite3.Connection, cols: list[str], acols: list[str], batch: list, abatch: list) -> None:
    con.executemany(f"INSERT INTO intakes ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", batch)
    con.executemany(f"INSERT INTO audit ({', '.join(acols)}) VALUES ({', '.join('?' * len(acols))})", abatch)
    batch.clear()
    abatch.clear()


def floor_template(directory: Path) -> None:
    """A Jinja2 template as large as the vet's summary's (previsit.html.j2 and what it includes), that prints the
    intake's answers once, its categories, scores, evidence and audit trail: the same kind of work."""
    size = sum((ROOT / "reports" / f).stat().st_size for f in ("previsit.html.j2", "_header.html.j2",
                                                                "_since_last_visit.html.j2", "_medicines.html.j2"))
    head = textwrap.dedent("""\
        <!doctype html><html><head><meta charset="utf-8"><title>{{ dog.name }}</title>
        <style>{{ css }}</style></head><body>
        <header><p>{{ clinic.clinic_name }} {{ clinic.clinic_phone }}</p><h1>Pre-visit summary: {{ dog.name }}</h1><p>{{ dog.owner_name or "" }} {{ intake.created_at }}</p>
        <p>Urgency: {{ assessment.urgency | upper }}</p></header>
        """)
    block = textwrap.dedent("""\
        <section class="s{{ n }}"><h2>Part {{ n }}</h2>
        {% for c, r in assessment.categories.items() %}{% if loop.index == n % 3 + 1 %}
        <p>{{ c | title }}: {{ r.level }} ({{ r.status }}, {{ r.unanswered }} of {{ r.questions }} unanswered)</p>
        <ul>{% for e in r.evidence %}<li>{{ e.title }} <small>{{ e.rule }}; {{ e.source_title }}</small>
        {% for a in e.answers %}{% if loop.index <= 3 %}<span>{{ a.question }}: {{ a.value }}</span>{% endif %}{% endfor %}
        </li>{% endfor %}</ul>{% endif %}{% endfor %}
        <table>{% for key, value in answers[n * 6:(n + 1) * 6] %}<tr><th>{{ key | replace("_", " ") }}</th>
        <td>{% if value is sameas true %}yes{% elif value is sameas false %}no{% elif value is none %}-{% else %}{{ value }}{% endif %}</td></tr>{% endfor %}</table>
        {% for s in scores[n * 2:(n + 1) * 2] %}<p>{{ s.title }}: {{ s.value if s.value is not none else "?" }} ({{ s.answered }}/{{ s.of }})</p>{% endfor %}
        {% for v in visits[-2:] %}<p>visit {{ v.at }}: {{ v.assessment.urgency }}</p>{% endfor %}
        {% for ev in audit[n * 4:(n + 1) * 4] %}<p>{{ ev.item_id }}: {{ ev.new_value }} ({{ ev.who }}, {{ ev.at }})</p>{% endfor %}
        </section>
        """)
    parts, n = [head], 0
    while sum(map(len, parts)) < size:
        parts.append(block.replace("{{ n }}", str(n)).replace(" n ", f" {n} ").replace("n %", f"{n} %")
                     .replace("[n *", f"[{n} *").replace("(n +", f"({n} +"))
        n += 1
    parts.append("<footer>Decision support only: the dog must be examined by a vet.</footer></body></html>\n")
    (directory / "summary.html.j2").write_text("".join(parts))


OPEN_STORE = '''\
def open_store(path):
    """The store's own checks, by hand: an SQLite file (its header) holding vettriage's tables at a schema this
    program knows, else one line and exit 2."""
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\\x00":
            sys.exit(f"{path}: not a vettriage database")
    con = sqlite3.connect(path)
    meta = dict(con.execute("SELECT key, value FROM vettriage_meta"))
    if meta.get("app") != "vettriage" or int(meta.get("schema_version", 99)) > SCHEMA_VERSION:
        sys.exit(f"{path}: not a vettriage database")
    return con
'''

READ_CONFIG = '''\
def read_config():
    """The settings file, as the command reads it (tomllib; none is no error)."""
    try:
        with open(os.environ["VETTRIAGE_CONFIG"], "rb") as f:
            return tomllib.load(f)
    except (KeyError, FileNotFoundError):
        return {}
'''

FLOOR_REPORT = '''\
import argparse, json, os, sqlite3, sys, tempfile, tomllib
import jinja2
OPEN_STORE
READ_CONFIG
ap = argparse.ArgumentParser(prog="floor report")
ap.add_argument("file", nargs="?")
ap.add_argument("--intake", type=int)
ap.add_argument("--kind", choices=["previsit", "handout"], default="previsit")
ap.add_argument("--format", choices=["html", "md", "pdf"], default="html")
ap.add_argument("-o", "--output", default="-")
ap.add_argument("--paper", choices=["a4", "letter"])
ap.add_argument("--by")
ap.add_argument("--diary", action="store_true")
ap.add_argument("--db")
ap.add_argument("--content")
ap.add_argument("--pack", action="append")
ap.add_argument("--here")  # the floor's template folder
args = ap.parse_args()
db, intake_id, out, here = args.db, args.intake, args.output, args.here
clinic = read_config()
con = open_store(db)
con.row_factory = sqlite3.Row
intake = dict(con.execute("SELECT * FROM intakes WHERE id = ?", (intake_id,)).fetchone())
dog = dict(con.execute("SELECT * FROM dogs WHERE id = ?", (intake["dog_id"],)).fetchone())
audit = [dict(r) for r in con.execute("SELECT * FROM audit WHERE intake_id = ? ORDER BY id", (intake_id,))]
visits = [{"at": r[0], "assessment": json.loads(r[1])} for r in con.execute(
    "SELECT created_at, assessment FROM intakes WHERE dog_id = ? AND status IN ('completed', 'amended') "
    "AND id <= ? ORDER BY created_at, id", (intake["dog_id"], intake_id))]
con.close()
answers = json.loads(intake["answers"])
assessment = json.loads(intake["assessment"])
for ev in audit:
    if isinstance(ev["new_value"], str):  # a JSON column: a bare number comes back as a number
        ev["new_value"] = json.loads(ev["new_value"])
with open(os.path.join(here, "print.css"), encoding="utf-8") as f:
    css = f.read()
env = jinja2.Environment(loader=jinja2.FileSystemLoader(here), autoescape=True, trim_blocks=True,
                         lstrip_blocks=True, auto_reload=False,
                         bytecode_cache=jinja2.FileSystemBytecodeCache(os.path.join(here, "jinja-cache")))
html = env.get_template("summary.html.j2").render(
    clinic=clinic, dog=dog, intake=intake, assessment=assessment, answers=sorted(answers.items()), audit=audit, visits=visits,
    scores=list(assessment["scores"].values()), css=css)
if out == "-":
    sys.stdout.write(html)
else:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out)), prefix=".floor.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    os.replace(tmp, out)
'''

FLOOR_LIST = '''\
import argparse, datetime as dt, os, sqlite3, sys
OPEN_STORE
ap = argparse.ArgumentParser(prog="floor intakes list")
ap.add_argument("--date")
ap.add_argument("--status", choices=["in_progress", "completed", "amended"])
ap.add_argument("--urgency", choices=["emergency", "soon", "routine"])
ap.add_argument("--dog")
ap.add_argument("--limit", type=int, default=200)
ap.add_argument("--db")
args = ap.parse_args()
con = open_store(args.db)
rows = con.execute(
    "SELECT i.id, i.created_at, d.name, i.by, i.status, i.urgency FROM intakes i JOIN dogs d ON d.id = i.dog_id "
    "ORDER BY i.created_at DESC, i.id DESC LIMIT ?", (args.limit,)).fetchall()
home = {r[0]: r[1] for r in con.execute("SELECT intake_id, extra FROM invites")}
con.close()
# the zone as the command names it: $TZ, else the system's IANA name, else the abbreviation
tz = os.environ.get("TZ", "").lstrip(":")
target = os.path.realpath("/etc/localtime")
zone = (tz if tz and "/" in tz or tz in ("UTC", "GMT") else target.split("zoneinfo/", 1)[1]
        if "zoneinfo/" in target and not tz else dt.datetime.now().astimezone().tzname())
started = f"STARTED ({zone})"
width = max(16, len(started))
out = [f"{'ID':>6}  {started:{width}}  {'DOG':20}  {'BY':12}  {'STATUS':11}  {'URGENCY':9}  AT HOME"]
for i, created, name, by, status, urgency in rows:
    local = dt.datetime.fromisoformat(created).replace(tzinfo=dt.timezone.utc).astimezone()
    out.append(f"{i:>6}  {f'{local:%Y-%m-%d %H:%M}':{width}}  {name[:20]:20}  {by[:12]:12}  {status:11}  {urgency or '-':9}  "
               f"{'invited' if i in home else '-'}")
sys.stdout.write("\\n".join(out) + "\\n")
'''

FLOOR_DUE = '''\
import argparse, datetime as dt, os, sqlite3, sys, tomllib
OPEN_STORE
READ_CONFIG
page_sql, page_params, count_sql, count_params = PAGE_SQL, PAGE_PARAMS, COUNT_SQL, COUNT_PARAMS
ap = argparse.ArgumentParser(prog="floor dogs due")
ap.add_argument("--within", default="0d")
ap.add_argument("--all", action="store_true")
ap.add_argument("--limit", type=int)
ap.add_argument("--json", action="store_true")
ap.add_argument("--db")
args = ap.parse_args()
cutoff = int(read_config().get("rescreen", {}).get("overdue_cutoff_days", 182))
con = open_store(args.db)
con.row_factory = sqlite3.Row
today = dt.date.today()
since = today - dt.timedelta(days=cutoff)  # a dog overdue longer leaves the list
dates = {"ON": today.isoformat(), "SINCE": since.isoformat()}
rows = con.execute(page_sql, [dates.get(p, p) for p in page_params]).fetchall()
due, overdue, lost = (n or 0 for n in con.execute(count_sql, [dates.get(p, p) for p in count_params]).fetchone())
con.close()
out = [f"{'ID':>6}  {'NAME':20}  {'CHART':10}  {'DUE':10}  {'STATUS':20}  REASON"]
for d in rows:
    late = (today - dt.date.fromisoformat(d["rescreen_due"])).days
    status = f"overdue by {late} day{'s' if late != 1 else ''}" if late > 0 else "due today"
    out.append(f"{d['dog_id']:>6}  {d['dog_name'][:20]:20}  {(d['dog_chart'] or '-')[:10]:10}  {d['rescreen_due']:10}  "
               f"{status:20}  {d['rescreen_reason'] or ''}")
out.append(f"{due:,} due by {today}" + (f" ({len(rows):,} shown: --limit 0 for all)" if len(rows) < due else ""))
if overdue or lost:
    out.append("not listed: " + ", ".join(([f"{overdue:,} overdue by more than {cutoff} days ({round(cutoff / 30.44)} months)"] if overdue else [])
                                          + ([f"{lost:,} lost to follow-up"] if lost else [])) + " (--all lists them)")
sys.stdout.write("\\n".join(out) + "\\n")
'''


def floor_due_script() -> str:
    """The dogs-due floor with the command's own two statements (the page of 100 from the re-screen index, and
    the counts of the list and of what it leaves out), so the floor reads the same rows the same way: the job
    is the query, and a different query would time a different job."""
    from vettriage.store.sqlstore import due_statements

    (page, page_params), (counts, count_params) = due_statements(on="ON", cutoff="SINCE", limit=100)
    return (FLOOR_DUE.replace("PAGE_SQL", repr(page)).replace("PAGE_PARAMS", repr(page_params))
            .replace("COUNT_SQL", repr(counts)).replace("COUNT_PARAMS", repr(count_params)))


FLOOR_ASSESS = '''\
import argparse, os, sys, tomllib
import yaml
READ_CONFIG
ap = argparse.ArgumentParser(prog="floor assess")
ap.add_argument("--json", action="store_true")
ap.add_argument("--content")
ap.add_argument("--pack", action="append")
ap.add_argument("--width", type=int)  # the floor's: how much text the command printed
ap.add_argument("file")
args = ap.parse_args()
packs = [*read_config().get("packs", []), *(args.pack or [])]  # the content packs to load: none here
with open(args.file, encoding="utf-8") as f:
    data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
lines = [f"{k}: {v}" for k, v in data.items()]
text = "\\n".join(lines)
width = args.width
sys.stdout.write((text * (width // max(1, len(text)) + 1))[:width])
'''


FLOOR_ASSESS_CONTENT = FLOOR_ASSESS.replace("import yaml\n", "import pickle\nimport yaml\n").replace(
    'ap.add_argument("file")\nargs = ap.parse_args()\n',
    'ap.add_argument("--content-file")  # the floor\'s: the content as plain data\n'
    'ap.add_argument("file")\nargs = ap.parse_args()\n').replace(
    "  # the content packs to load: none here\n",
    "  # the content packs to load: none here\n"
    'with open(args.content_file, "rb") as f:  # the content, as plain data\n    content = pickle.load(f)\n')

assert FLOOR_ASSESS_CONTENT.count("pickle.load") == 1 and "--content-file" in FLOOR_ASSESS_CONTENT

INSTALLED_SCRIPT = "import re, sys; from vettriage.cli import main; sys.exit(main())"
"""What pip's console-script wrapper for `vettriage` runs (it also trims argv[0], which the parser never reads)."""


def plain_content(path: Path) -> None:
    """The shipped content as a bare program would cache it: plain dicts, lists and scalars in a pickle file, each
    shared part written once (the second assess floor reads it)."""
    from vettriage.content import load_catalogue

    catalogue = load_catalogue(use_cache=False)
    memo: dict[int, object] = {}

    def plain(value: object) -> object:
        got = memo.get(id(value))
        if got is not None:
            return got
        kind = type(value)
        if "__record_fields__" in kind.__dict__:
            out: object = {f.name: plain(getattr(value, f.name)) for f in kind.__record_fields__}
        elif kind in (list, tuple, set, frozenset):
            out = [plain(v) for v in value]
        elif kind is dict:
            out = {k: plain(v) for k, v in value.items()}
        else:
            out = value
        memo[id(value)] = out
        return out

    fields = {k: v for k, v in vars(catalogue).items() if k != "directory"}  # what the command's cache holds
    path.write_bytes(pickle.dumps(plain(fields), protocol=pickle.HIGHEST_PROTOCOL))


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, bytes, float]:
    """Wall seconds, standard output, and CPU seconds (user + system, the kernel's account of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    # from the measured checkout's folder: `python -m` puts the working folder first on sys.path, so run from
    # another checkout it would time that one's package whatever PYTHONPATH says
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    took = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return took, done.stdout, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--intakes", type=int, default=2000)
    ap.add_argument("--pairs", type=int, default=15)
    ap.add_argument("--keep", help="build the store in this folder and keep it (reused when already there)")
    args = ap.parse_args()
    load_start = os.getloadavg()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="startup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, VETTRIAGE_CACHE_DIR=str(work / "cache"), VETTRIAGE_CONFIG=str(work / "clinic.toml"))
    env.pop("VETTRIAGE_DATABASE_URL", None)
    (work / "clinic.toml").write_text('clinic_name = "Bench Vets"\nclinic_phone = "555 0100"\n')
    try:
        # as scripts/setup leaves an install: compiled (with PYTHONDONTWRITEBYTECODE set, an edited module would
        # otherwise be compiled again at every start); nothing is written when the .pyc files are current
        subprocess.run([PY, "-m", "compileall", "-q", str(PACKAGE)], check=True, capture_output=True)
        db = work / f"store-{args.intakes}.db"
        t = time.perf_counter()
        if not db.exists():
            info = build_store(db, args.intakes, env)
            (work / f"store-{args.intakes}.json").write_text(json.dumps(info))
        info = json.loads((work / f"store-{args.intakes}.json").read_text())
        built = time.perf_counter() - t
        here = work / "floor"
        (here / "jinja-cache").mkdir(parents=True, exist_ok=True)
        floor_template(here)
        shutil.copy(ROOT / "reports" / "print.css", here / "print.css")
        scripts = {}
        for name, text in (("report", FLOOR_REPORT), ("list", FLOOR_LIST), ("due", floor_due_script()),
                           ("assess", FLOOR_ASSESS), ("assess_content", FLOOR_ASSESS_CONTENT)):
            scripts[name] = here / f"floor_{name}.py"
            # the floor knows the schema the command knows, as a program of that version would
            store_check = OPEN_STORE.replace("SCHEMA_VERSION", str(SCHEMA_VERSION))
            scripts[name].write_text(text.replace("OPEN_STORE\n", store_check)
                                     .replace("READ_CONFIG\n", READ_CONFIG))
        plain_content(here / "content.pickle")
        vt = [PY, "-c", INSTALLED_SCRIPT]
        rid = str(info["report_intake"])
        example = str(ROOT / "examples" / "arthritis.yaml")
        assess_width = len(timed([*vt, "assess", example], env)[1])
        cases = {
            "report --intake ID -o FILE (HTML)": (
                [*vt, "report", "--intake", rid, "--db", str(db), "-o", str(work / "out.html")],
                [PY, str(scripts["report"]), "--intake", rid, "--db", str(db), "-o", str(work / "floor.html"),
                 "--here", str(here)]),
            "report --intake ID (default: HTML to stdout)": (
                [*vt, "report", "--intake", rid, "--db", str(db)],
                [PY, str(scripts["report"]), "--intake", rid, "--db", str(db), "--here", str(here)]),
            "intakes list": ([*vt, "intakes", "list", "--db", str(db)], [PY, str(scripts["list"]), "--db", str(db)]),
            "dogs due": ([*vt, "dogs", "due", "--db", str(db)], [PY, str(scripts["due"]), "--db", str(db)]),
            "assess examples/arthritis.yaml": ([*vt, "assess", example],
                                               [PY, str(scripts["assess"]), "--width", str(assess_width), example]),
            "assess ... (floor loads the content)": (
                [*vt, "assess", example],
                [PY, str(scripts["assess_content"]), "--width", str(assess_width), "--content-file",
                 str(here / "content.pickle"), example]),
        }
        size = db.stat().st_size / 1e6
        print(f"store: {info['intakes']:,} intakes of {info['dogs']:,} dogs, {size:,.0f} MB"
              + (f" (built in {built:.0f} s)" if built > 1 else " (reused)")
              + f"; vettriage from {PACKAGE}; {args.pairs} pairs each, interleaved")
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in load_start)}")
        # one warm-up of each: the content and template caches filled, the file in the page cache
        outputs = {label: (timed(cmd, env)[1], timed(floor, env)[1]) for label, (cmd, floor) in cases.items()}
        ours: dict[str, list[tuple[float, bytes, float]]] = {label: [] for label in cases}
        base: dict[str, list[tuple[float, bytes, float]]] = {label: [] for label in cases}
        for k in range(args.pairs):
            for label, (cmd, floor) in cases.items():
                order = [(ours, cmd), (base, floor)] if k % 2 else [(base, floor), (ours, cmd)]
                for into, argv in order:
                    into[label].append(timed(argv, env))
        print("wall time (what the user waits for), then CPU time (user + system: steadier when the machine is "
              "busy); ratio = command / floor, of the medians and the median of the pair-by-pair ratios")
        print(f"{'command':46} {'median':>8} {'p95':>8}   {'floor':>8} {'p95':>8}   {'ratio':>6} {'pairs':>6}"
              f"   {'cpu':>6} {'floor':>6} {'ratio':>6}")
        for label in cases:
            a, b = [r[0] for r in ours[label]], [r[0] for r in base[label]]
            ca, cb = [r[2] for r in ours[label]], [r[2] for r in base[label]]
            pair = statistics.median(x / y for x, y in zip(a, b))
            print(f"{label:46} {statistics.median(a) * 1000:6.0f}ms {p95(a) * 1000:6.0f}ms   "
                  f"{statistics.median(b) * 1000:6.0f}ms {p95(b) * 1000:6.0f}ms   "
                  f"{statistics.median(a) / statistics.median(b):5.2f}x {pair:5.2f}x   "
                  f"{statistics.median(ca) * 1000:4.0f}ms {statistics.median(cb) * 1000:4.0f}ms "
                  f"{statistics.median(ca) / statistics.median(cb):5.2f}x")
        for label in ("intakes list", "dogs due"):
            out, floor_out = outputs[label]
            print(f"{label}: the floor's output is {'byte-identical to' if out == floor_out else 'NOT the same as'} "
                  f"the command's ({len(out.splitlines()) - 1:,} lines after the heading)")
        out_html = (work / "out.html").stat().st_size
        print(f"report: {out_html / 1000:.0f} kB written by the command, "
              f"{(work / 'floor.html').stat().st_size / 1000:.0f} kB by the floor")
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  (target: every ratio <= 1.50x)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
