"""Benchmark: the cold start of each function against a bare ``import boto3``.

    python bench/cold_start.py [--runs 9] [--no-first-request]
    python bench/cold_start.py --importtime decide [--top 30]
    python bench/cold_start.py --tree . --tree /tmp/variant   # compare with a what-if copy
    python bench/cold_start.py --cpu   # CPU time instead of wall-clock (a busy machine)

Every sample is a fresh interpreter with the environment the Lambda function
would have (TABLE_NAME and the other settings, POWERTOOLS_SERVICE_NAME,
AWS_DEFAULT_REGION, dummy credentials), the layer and the repository root on
``sys.path``. The time is measured inside the interpreter, around the import,
so interpreter start-up (the same for all) is left out. Runs are interleaved
(one sample of every target per round) so drift on a shared machine hits all
targets alike; the table shows medians and their ratio to the baseline.

Two tables:

- **import**: ``import functions.<name>.app`` against ``import boto3``. This is
  what the Lambda init phase pays. The handlers build their AWS clients on the
  first call (``inquiries.wiring``), so botocore itself is not in this figure.
- **first request**: the import plus the first invocation (clients built, one
  representative request served, AWS answered by canned responses through a
  botocore ``before-send`` hook, so no network) against a minimal function that
  imports boto3, builds the same two clients and makes one call. Moving an
  import from module level into a route only helps where this figure drops too.
  The functions start with Python's cyclic garbage collector off
  (``inquiries/startup.py``); a row shows the baseline so too, for reference.

``--importtime FUNCTION`` runs ``python -X importtime`` on one handler and lists
the modules by cumulative time and the self time per top-level package: where
to look for imports that the function's requests do not need.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "common" / "python"
# The parent process builds the requests with the project's own code (run as a script,
# only bench/ is on the path).
sys.path[:0] = [p for p in (str(LAYER), str(ROOT)) if p not in sys.path]

from boto3.dynamodb.types import TypeSerializer  # noqa: E402
from inquiries.adapters.items import (  # noqa: E402
    inquiry_item,
    offer_item,
    partner_data,
    partner_item,
)
from inquiries.adapters.keys import ALL_PARTNERS, rollup_pk  # noqa: E402
from inquiries.adapters.rollups import figures_of, largest_of, rollup_key  # noqa: E402
from inquiries.adapters.table import PARTITION_KEY  # noqa: E402
from inquiries.api.routes import ROUTES  # noqa: E402
from inquiries.domain.model import (  # noqa: E402
    Calendar,
    Channel,
    Contact,
    Inquiry,
    Offer,
    Outcome,
    Partner,
    Status,
    Territory,
)
from inquiries.domain.report.tally import Tally  # noqa: E402

from local.events import http_event  # noqa: E402

FUNCTIONS = ("intake", "decide", "contacts", "expire", "report", "notify")
AIM = 1.5  # every function at most this many times a bare `import boto3`
GUIDE_AIM = 1.2  # the developers' guide's stricter aim

TABLE = "partner-inquiries"
SCHEDULE_GROUP = "partner-inquiries"
REGION = "eu-central-1"
ACCOUNT = "123456789012"
MARK = "@@bench"


def lambda_environment(function: str, tree: Path = ROOT) -> dict[str, str]:
    """The environment the deployed function sees, with dummy credentials and no network."""
    layer = tree / "layers" / "common" / "python"
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join([str(layer), str(tree)]),
        "PYTHONHASHSEED": "0",
        # What the stack sets.
        "TABLE_NAME": TABLE,
        "SCHEDULE_GROUP": SCHEDULE_GROUP,
        "EXPIRE_FUNCTION_ARN": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:inquiries-expire",
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/inquiries-scheduler",
        "EXPIRY_DLQ_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:inquiries-expiry-dlq",
        "DEADLINE_HOURS": "48",
        # On AWS the ARN of a Secrets Manager secret, read at the first submit or look-up
        # (one GetSecretValue per execution environment, not measured here); the value
        # itself locally and here.
        "SUBJECT_KEY": "bench-subject-key-0123456789abcdef0123456789",
        "POWERTOOLS_SERVICE_NAME": f"inquiries-{function}",
        "POWERTOOLS_METRICS_NAMESPACE": "PartnerInquiries",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
        # What Lambda sets.
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": f"inquiries-{function}",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        # Nothing from this machine's AWS set-up, and never the metadata service.
        "AWS_CONFIG_FILE": str(ROOT / ".bench-no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(ROOT / ".bench-no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


# --- what the child interpreters run -------------------------------------------------------

IMPORT_CHILD = f"""
import time
t0 = clock()
import importlib
importlib.import_module(__import__("sys").argv[1])
print("{MARK}", (clock() - t0) * 1000)
"""

# The smallest function doing the same job: boto3, two clients, one call.
BARE_FUNCTION_CHILD = f"""
import json, sys, time
spec = json.loads(sys.stdin.read())
t0 = clock()
import boto3
from botocore.config import Config
session = boto3.session.Session()
retries = {{"mode": "standard", "max_attempts": 3}}
config = Config(connect_timeout=2, read_timeout=5, retries=retries)
dynamodb = session.client("dynamodb", config=config)
scheduler = session.client("scheduler", config=config)
t1 = clock()
from botocore.awsrequest import AWSResponse
class Raw:
    def __init__(self, body): self.body = body
    def stream(self, **kwargs): yield self.body
dynamodb.meta.events.register(
    "before-send.dynamodb",
    lambda request, **kwargs: AWSResponse(
        request.url, 200, {{"content-type": "application/x-amz-json-1.0"}}, Raw(b'{{"Items": []}}')
    ),
)
dynamodb.query(
    TableName="t",
    KeyConditionExpression="pk = :pk",
    ExpressionAttributeValues={{":pk": {{"S": "x"}}}},
)
print("{MARK}", (t1 - t0) * 1000, (clock() - t0) * 1000, "ok")
"""

# Import a handler, then serve one request with AWS answered from `spec["answers"]`.
FIRST_REQUEST_CHILD = f"""
import json, sys, threading, time
spec = json.loads(sys.stdin.read())
t0 = clock()
import importlib
module = importlib.import_module(spec["module"])
t1 = clock()
from botocore.awsrequest import AWSResponse
from inquiries import wiring

DEFAULTS = {{"Query": {{"Items": [], "Count": 0, "ScannedCount": 0}}}}

class Raw:
    def __init__(self, body): self.body = body
    def stream(self, **kwargs): yield self.body

lock = threading.Lock()  # the report's queries run in parallel threads

def canned(client, service, content_type):
    queues = {{op: list(bodies) for op, bodies in spec["answers"].get(service, {{}}).items()}}
    def answer(request, event_name, **kwargs):
        operation = event_name.rsplit(".", 1)[-1]
        sent = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        with lock:
            queue = queues.get(operation) or []
            # An answer for the request that names its `match`, else the next plain one.
            index = next((i for i, a in enumerate(queue) if "match" in a and a["match"] in sent),
                         None)
            if index is None:
                index = next((i for i, a in enumerate(queue) if "match" not in a), None)
            body = DEFAULTS.get(operation, {{}}) if index is None else queue.pop(index)
        body = body.get("answer", body) if "match" in body else body
        return AWSResponse(request.url, 200, {{"content-type": content_type}},
                           Raw(json.dumps(body).encode()))
    client.meta.events.register("before-send." + service, answer)

class Context:
    function_name = spec["function"]
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:" + spec["function"]
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self): return 10000

deps = wiring.dependencies()  # what the handler's first line would do; built once
canned(deps.repository._client, "dynamodb", "application/x-amz-json-1.0")
canned(deps.scheduler._client, "scheduler", "application/json")
answer = module.handler(spec["event"], Context())
t2 = clock()
outcome = answer.get("statusCode", json.dumps(answer, sort_keys=True))
print("{MARK}", (t1 - t0) * 1000, (t2 - t0) * 1000, str(outcome).replace(" ", ""))
"""


# --- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    function: str  # the environment's function name; "" for the baseline
    code: str
    tree: Path = ROOT  # the copy of the repository it runs in
    argv: tuple[str, ...] = ()
    stdin: str = ""
    expect: str = ""  # what the handler must answer, else the sample is an error


@dataclass
class Samples:
    import_ms: list[float]
    total_ms: list[float]
    error: str = ""


# What the children time with: wall-clock time (what a user waits for), or with
# `--cpu` the process's CPU time, which a machine shared with other work inflates much
# less (no waiting for a core; the children do no real I/O: AWS answers are canned).
CLOCKS = {"wall": "perf_counter", "cpu": "process_time"}
clock_name = "wall"


def run_once(target: Target) -> tuple[float, float]:
    """One fresh interpreter: (import ms, total ms)."""
    code = f"import time\nclock = time.{CLOCKS[clock_name]}\n{target.code}"
    done = subprocess.run(
        [sys.executable, "-c", code, *target.argv],
        input=target.stdin,
        capture_output=True,
        text=True,
        env=lambda_environment(target.function or "baseline", target.tree),
        cwd=target.tree,
        timeout=120,
        check=False,
    )
    marks = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not marks:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{target.label}: {tail}")
    fields = marks[-1]
    if target.expect and fields[2] != target.expect:
        raise RuntimeError(f"{target.label}: answered {fields[2]}, expected {target.expect}")
    first = float(fields[0])
    return first, float(fields[1]) if len(fields) > 1 else first


def measure(targets: list[Target], runs: int) -> dict[str, Samples]:
    """Interleaved: every round takes one sample of every target, in a rotating order."""
    samples = {t.label: Samples([], []) for t in targets}
    for t in targets:  # warm-up: byte-code caches written, files in the page cache
        try:
            run_once(t)
        except RuntimeError as error:
            samples[t.label].error = str(error)
    live = [t for t in targets if not samples[t.label].error]
    for round_ in range(runs):
        shift = round_ % len(live) if live else 0
        for t in live[shift:] + live[:shift]:
            first, total = run_once(t)
            samples[t.label].import_ms.append(first)
            samples[t.label].total_ms.append(total)
    return samples


def handler_module(function: str, tree: Path = ROOT) -> str | None:
    """The module of a function's handler, or None if the function has no app.py yet."""
    if not (tree / "functions" / function / "app.py").is_file():
        return None
    return f"functions.{function}.app"


# --- canned AWS answers for one representative request per function --------------------------


def _first_request_specs() -> list[tuple[str, str, dict[str, Any], str]]:
    """(label, function, spec, expected answer) for one realistic first request each."""
    # The requests run on the system clock: place the inquiry around the real now.
    now = datetime.now(UTC).replace(microsecond=0)
    calendar = Calendar("IT", "Europe/Rome", "BZ", (1, 2, 3, 4, 5))
    partner = Partner("P1", "Fenster Alpin", calendar, (Territory("IT", ("39",)),), frozenset())
    contact = Contact(
        "Rossi", "anna@example.com", "39100", "IT", first_name="Anna", phone="+39 0471 123456"
    )

    def pending(deadline: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
        offered = deadline - timedelta(hours=48)
        inquiry = Inquiry(
            id="inq1",
            status=Status.PENDING,
            channel=Channel.WEBSITE,
            product="windows",
            contact=contact,
            created_at=offered,
            message="We are renovating",
            partner_id="P1",
            assigned_at=offered,
            deadline=deadline,
            offer_seq=1,
            version=2,
        )
        offer = Offer("inq1", 1, "P1", calendar, offered, deadline, Outcome.PENDING)
        return inquiry_item(inquiry), offer_item(offer)

    def event(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        route = next(r for r in ROUTES if r.method == method and _matches(r.path, path))
        return http_event(route, path=path, **kwargs)

    partner_claims = {"sub": "u1", "custom:role": "partner", "custom:partner_id": "P1"}
    territory = {
        "pk": {"S": "TERRITORY#IT"},
        "sk": {"S": "PARTNER#P1"},
        "type": {"S": "territory"},
        "partner": TypeSerializer().serialize(partner_data(partner)),
    }
    submission = {
        "product": "windows",
        "contact": {
            "first_name": "Anna",
            "last_name": "Rossi",
            "email": "anna@example.com",
            "phone": "+39 0471 123456",
            "postal_code": "39100",
            "city": "Bolzano",
            "country": "IT",
        },
        "message": "We are renovating our house.",
        "consent": True,
    }
    open_item, open_offer = pending(now + timedelta(days=2))
    due_item, due_offer = pending(now - timedelta(hours=1))
    schedule_arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{SCHEDULE_GROUP}/x"
    specs: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "intake: submit (routed)",
            "intake",
            {
                "event": event(
                    "POST",
                    "/inquiries",
                    headers={"content-type": "application/json"},
                    body=json.dumps(submission).encode(),
                ),
                "answers": {
                    "dynamodb": {
                        "Query": [{"Items": [territory]}, {"Count": 0, "ScannedCount": 0}],
                    },
                    "scheduler": {"CreateSchedule": [{"ScheduleArn": schedule_arn}]},
                },
            },
            "201",
        ),
        (
            "decide: list (partner)",
            "decide",
            {
                "event": event("GET", "/inquiries", claims=partner_claims),
                "answers": {"dynamodb": {"Query": [{"Items": [open_item], "Count": 1}]}},
            },
            "200",
        ),
        (
            # No request model: since issue 11 it loads no pydantic.
            "decide: detail (partner)",
            "decide",
            {
                "event": event("GET", "/inquiries/inq1", claims=partner_claims),
                "answers": {"dynamodb": {"Query": [{"Items": [open_item, open_offer]}]}},
            },
            "200",
        ),
        (
            "decide: accept",
            "decide",
            {
                "event": event("POST", "/inquiries/inq1/accept", claims=partner_claims),
                "answers": {
                    "dynamodb": {
                        "Query": [{"Items": [open_item, open_offer]}],
                        "BatchGetItem": [{"Responses": {TABLE: []}, "UnprocessedKeys": {}}],
                    }
                },
            },
            "200",
        ),
        (
            "contacts: list (partner)",
            "contacts",
            {
                "event": event("GET", "/contacts", claims=partner_claims),
                "answers": {"dynamodb": {"Query": [{"Items": [], "Count": 0}]}},
            },
            "200",
        ),
        (
            "expire: scheduled expiry",
            "expire",
            {
                "event": {"inquiry_id": "inq1", "offer": 1, "partner_id": "P1"},
                "answers": {"dynamodb": {"Query": [{"Items": [due_item, due_offer]}]}},
            },
            '{"expired":1}',
        ),
        (
            "report: response times (HQ)",
            "report",
            {
                "event": event(
                    "GET",
                    "/reports/response-times",
                    query=f"from={(now - timedelta(days=30)).date()}&to={now.date()}",
                    claims={"sub": "hq1", "custom:role": "hq"},
                ),
                # What the report reads since the rollups (issue 12): the partner list,
                # each partner's rollup shards and the due offers (all in parallel
                # threads, so matched by what the request names), then each overdue
                # offer's inquiry.
                "answers": {
                    "dynamodb": {
                        "Query": [
                            _answer(ALL_PARTNERS, [partner_item(partner, 1)]),
                            _answer(
                                rollup_pk("P1", 0),
                                [_rollup("P1", (now - timedelta(hours=49)).date())],
                            ),
                            _answer(due_offer["gsi4pk"]["S"], [due_offer]),
                            _answer(due_item[PARTITION_KEY]["S"], [due_item, due_offer]),
                        ]
                    }
                },
            },
            "200",
        ),
    ]
    for _, function, spec, _ in specs:
        spec["function"] = f"inquiries-{function}"
    return specs


def _answer(value: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A Query's canned answer, given to the request that names this key value."""
    return {"match": json.dumps(value), "answer": {"Items": items, "Count": len(items)}}


def _rollup(partner_id: str, day: date) -> dict[str, Any]:
    """One day's rollup item of a partner: three offers, two decided, one pending."""
    tally = Tally()
    tally.add(Outcome.ACCEPTED, decision_hours=5.5, decision_working_hours=5.5)
    tally.add(Outcome.REJECTED, decision_hours=30.0, decision_working_hours=6.0, reason="area")
    tally.add(Outcome.PENDING)
    figures = {name: {"N": str(n)} for name, n in figures_of(tally).items()}
    largest = {name: {"N": repr(hours)} for name, hours in largest_of(tally).items()}
    return {**rollup_key(partner_id, day, 0), **figures, **largest}


def _matches(template: str, path: str) -> bool:
    parts, wanted = template.split("/"), path.split("/")
    return len(parts) == len(wanted) and all(
        p == w or (p.startswith("{") and p.endswith("}"))
        for p, w in zip(parts, wanted, strict=True)
    )


# --- reporting -----------------------------------------------------------------------------


def _verdict(ratio: float) -> str:
    if ratio <= GUIDE_AIM:
        return f"ok (<= {GUIDE_AIM}x)"
    if ratio <= AIM:
        return f"ok (<= {AIM}x)"
    return f"OVER {AIM}x"


def print_table(
    title: str,
    baseline: str,
    labels: list[str],
    samples: dict[str, Samples],
    pick: Callable[[Samples], list[float]],
    missing: list[str],
) -> None:
    base = statistics.median(pick(samples[baseline]))
    print(f"\n{title}")
    print(f"  {'target':<36} {'median ms':>10} {'min ms':>8} {'ratio':>6}  verdict")
    print(f"  {baseline:<36} {base:10.1f} {min(pick(samples[baseline])):8.1f} {1.0:6.2f}  baseline")
    for label in labels:
        s = samples[label]
        if s.error:
            print(f"  {label:<36} {'error':>10}  {s.error}")
            continue
        values = pick(s)
        median = statistics.median(values)
        ratio = median / base
        print(f"  {label:<36} {median:10.1f} {min(values):8.1f} {ratio:6.2f}  {_verdict(ratio)}")
    for label in missing:
        print(f"  {label:<36} {'missing':>10}")


def _label(label: str, tree: Path, trees: list[Path]) -> str:
    return f"{tree.name}: {label}" if len(trees) > 1 else label


def import_table(runs: int, trees: list[Path]) -> None:
    baseline = Target("import boto3", "", IMPORT_CHILD, trees[0], ("boto3",))
    targets = [baseline]
    missing = []
    for function in FUNCTIONS:
        for tree in trees:
            module = handler_module(function, tree)
            label = _label(f"functions.{function}.app", tree, trees)
            if module is None:
                missing.append(label)
            else:
                targets.append(Target(label, function, IMPORT_CHILD, tree, (module,)))
    samples = measure(targets, runs)
    print_table(
        f"import (median of {runs} fresh interpreters each, interleaved)",
        baseline.label,
        [t.label for t in targets[1:]],
        samples,
        lambda s: s.import_ms,
        missing,
    )


def first_request_table(runs: int, trees: list[Path]) -> None:
    baseline = Target(
        "boto3 + 2 clients + 1 call", "", BARE_FUNCTION_CHILD, trees[0], stdin="{}", expect="ok"
    )
    # The functions start with the cyclic garbage collector off (inquiries/startup.py); the
    # baseline, a plain script, collects. Shown for reference: the aim stays the baseline.
    reference = Target(
        "the same, garbage collector off",
        "",
        BARE_FUNCTION_CHILD.replace("t0 = clock()\n", "t0 = clock()\nimport gc; gc.disable()\n", 1),
        trees[0],
        stdin="{}",
        expect="ok",
    )
    targets = [baseline, reference]
    missing = []
    for label, function, spec, expect in _first_request_specs():
        for tree in trees:
            module = handler_module(function, tree)
            if module is None:
                missing.append(_label(label, tree, trees))
                continue
            stdin = json.dumps({**spec, "module": module})
            targets.append(
                Target(
                    _label(label, tree, trees),
                    function,
                    FIRST_REQUEST_CHILD,
                    tree,
                    stdin=stdin,
                    expect=expect,
                )
            )
    samples = measure(targets, runs)
    print_table(
        "first request (import + clients + one request; AWS answered by canned responses)",
        baseline.label,
        [t.label for t in targets[1:]],
        samples,
        lambda s: s.total_ms,
        missing,
    )
    print("\n  of which the handler module's import (median ms), and the first request's ratio")
    print("  to the baseline with its garbage collector off (for reference):")
    off = statistics.median(samples[reference.label].total_ms)
    for t in targets[2:]:
        if not samples[t.label].error:
            first = statistics.median(samples[t.label].total_ms)
            imported = statistics.median(samples[t.label].import_ms)
            print(f"    {t.label:<34} {imported:8.1f}   {first / off:5.2f}")


# --- -X importtime -------------------------------------------------------------------------


def importtime(function: str, top: int, tree: Path) -> None:
    module = handler_module(function, tree)
    if module is None:
        print(f"functions.{function}.app: missing")
        return
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=lambda_environment(function, tree),
        cwd=tree,
        check=True,
    )
    rows: list[tuple[int, int, int, str]] = []  # self us, cumulative us, depth, name
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_field, cumulative_field, name_field = line[len("import time:") :].split("|")
        depth = (len(name_field) - len(name_field.lstrip()) - 1) // 2
        rows.append((int(self_field), int(cumulative_field), depth, name_field.strip()))
    total = max(r[1] for r in rows)
    print(f"python -X importtime -c 'import {module}' (times include the tool's overhead)")
    print(f"\nby cumulative time (top {top}; indentation = who imported whom):")
    for self_us, cumulative_us, depth, name in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {cumulative_us / 1000:8.1f} ms  {self_us / 1000:6.1f} self  {'  ' * depth}{name}")
    by_package: dict[str, int] = defaultdict(int)
    for self_us, _, _, name in rows:
        by_package[name.split(".")[0]] += self_us
    print("\nself time by top-level package:")
    for package, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {us / 1000:8.1f} ms  {100 * us / total:5.1f} %  {package}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="samples per target (median)")
    parser.add_argument("--no-first-request", action="store_true", help="the import table only")
    parser.add_argument("--importtime", metavar="FUNCTION", choices=FUNCTIONS)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--tree",
        type=Path,
        action="append",
        help="a copy of the repository to measure (what-if variants); repeat it to measure "
        "several, interleaved in one run; default: this one",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the children's CPU time instead of wall-clock time (a busy machine)",
    )
    args = parser.parse_args()
    global clock_name  # noqa: PLW0603  (one setting for every child of this run)
    clock_name = "cpu" if args.cpu else "wall"
    trees = [tree.resolve() for tree in args.tree or [ROOT]]
    if args.importtime:
        importtime(args.importtime, args.top, trees[0])
        return
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus; "
        f"aim: every function <= {AIM}x the baseline (guide: {GUIDE_AIM}x); "
        f"{clock_name} time"
    )
    if len(trees) > 1 or trees[0] != ROOT:
        print("trees: " + ", ".join(str(tree) for tree in trees))
    import_table(args.runs, trees)
    if not args.no_first_request:
        first_request_table(args.runs, trees)


if __name__ == "__main__":
    main()
