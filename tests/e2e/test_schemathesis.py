"""Schemathesis against the local stack: generated requests for every operation of the document.

The stack serves `/openapi.json`; Schemathesis reads it and sends, for every
operation, requests built from it: its coverage phase (boundary values, missing
and wrong-typed fields, unexpected methods) and its fuzzing phase (`MAX_EXAMPLES`
generated requests, valid and invalid), once with an HQ token and once with a
partner's. Path ids, partner ids and contact ids are drawn half the time from
inquiries made for the purpose (pending, accepted, returned, in HQ's queue), so
the requests reach the decisions and their `200` answers, not only `404`.

The coverage phase runs, in each role's run, on the operations that role may call
(public ones in HQ's run only: the token changes nothing there). On an operation the
role is refused, every one of its hundreds of boundary-value bodies met the same
`403` (the role is checked before the body), so there the fuzzing phase's
generated requests and the document's examples show the refusal holds whatever
is sent. Every answer must be one the document promises:

- `not_a_server_error`: no `5xx`;
- `status_code_conformance`: the status is documented for the operation;
- `content_type_conformance`: the `Content-Type` is documented for that status;
- `response_schema_conformance`: the body matches the documented schema.

Bounded and repeatable: a fixed seed, deterministic generation, no example
database, one worker. The run goes through Schemathesis's engine (what
`schemathesis run` drives) rather than its pytest plugin, whose lazy loader does
not work with pytest 9.2 (it reads and sets `Function._nodeid`, gone in pytest 9.2).

The stack is this module's own, not the one the other end-to-end tests share:
generated requests create and replace partners and decide on inquiries, which no
other test should have to expect.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from inquiries.api.routes import ROUTES
from schemathesis.engine import Status, events, from_schema

from tests.e2e.stack import LocalStack

# One group: both roles' runs (and the check of the checks) share one stack. As a group each,
# two workers could run them side by side, but each then started and seeded a stack of its
# own (about 1.5 s of CPU more), and the whole suite keeps both cores busy anyway.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e-schemathesis")]

MAX_EXAMPLES = 30
SEED = 20261201
PARTNER = "alpin-bz"  # a demo partner (South Tyrol, postal codes 39...)
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# How often a generated id is replaced by a real one.
REAL_ID_PROBABILITY = 0.5
PER_ROLE = 16  # inquiries made for each role's run


@dataclass
class Findings:
    """What one Schemathesis run saw."""

    operations: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)  # operations the coverage phase ran on
    seconds: Counter[str] = field(default_factory=Counter)  # per operation, every phase
    requests: Counter[str] = field(default_factory=Counter)  # per phase
    statuses: dict[str, Counter[int]] = field(default_factory=dict)  # per operation
    failures: list[str] = field(default_factory=list)  # one readable report each
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)  # (operation, check)
    errors: list[str] = field(default_factory=list)


def run_schemathesis(
    stack: LocalStack,
    document: dict[str, Any],
    token: str,
    seeded: dict[str, list[str]] | None,
    *,
    operations: list[str] | None = None,
    max_examples: int = MAX_EXAMPLES,
    coverage: bool = True,
    uncovered: Sequence[str] = (),
) -> Findings:
    """Run Schemathesis's engine over the document against the stack, as one caller.

    `uncovered`: operations whose coverage phase is left out (fuzzing and examples run).
    """
    real = {"dictionary": "", "probability": REAL_ID_PROBABILITY}
    ids: dict[str, Any] = {}
    if seeded is not None:
        ids["dictionaries"] = {name: {"values": values} for name, values in seeded.items()}
        ids["parameters"] = {
            "path.inquiry_id": {**real, "dictionary": "inquiries"},
            "path.partner_id": {**real, "dictionary": "partners"},
            "query.partner_id": {**real, "dictionary": "partners"},
            "body.partner_id": {**real, "dictionary": "partners"},
            "body.contact_id": {**real, "dictionary": "contacts"},
        }
    config = schemathesis.Config.from_dict(
        {
            **ids,
            "seed": SEED,
            "base-url": stack.url,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "request-timeout": 30,
            "generation": {
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
                "mode": "all",
            },
            "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            "operations": [
                {"include-name": label, "phases": {"coverage": {"enabled": False}}}
                for label in uncovered
            ],
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    if operations is not None:
        schema = schema.include(name=operations)
    findings = Findings()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            findings.operations.add(event.recorder.label)
            findings.seconds[event.recorder.label] += event.elapsed_time
            if event.phase.value == "coverage" and event.recorder.interactions:
                findings.covered.add(event.recorder.label)
            findings.requests[event.phase.value] += len(event.recorder.interactions)
            _collect(findings, event.recorder)
        elif isinstance(event, events.NonFatalError):
            findings.errors.append(f"{event.label}: {event.info.message}")
        elif isinstance(event, events.FatalError | events.Interrupted):
            findings.errors.append(f"{type(event).__name__}: {event!r}")
    return findings


def _collect(findings: Findings, recorder: Any) -> None:
    statuses = findings.statuses.setdefault(recorder.label, Counter())
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            findings.kinds[recorder.label, check.name] += 1
            findings.failures.append(
                _report(recorder.label, check, recorder.interactions.get(case_id))
            )


def _report(operation: str, check: Any, interaction: Any) -> str:
    """Operation, check, the request (without its token) and the answer."""
    failure = check.failure_info.failure
    lines = [f"{operation}: {check.name}: {failure.title}. {_cut(failure.message)}"]
    if interaction is not None:
        request = interaction.request
        body = request.body.decode(errors="replace") if request.body else ""
        lines.append(f"  request: {request.method} {_cut(request.uri)} {_cut(body)}".rstrip())
        response = interaction.response
        if response is not None:
            content_type = (response.headers.get("content-type") or [""])[0]
            text = response.content.decode(errors="replace")
            lines.append(f"  answer: {response.status_code} {content_type} {_cut(text)}")
    return "\n".join(lines)


def _cut(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _summary(findings: Findings) -> str:
    head = [f"{n} x {check} on {operation}" for (operation, check), n in findings.kinds.items()]
    return "\n".join([*head, "", *findings.failures[:30]])


# --- the stack and what it holds -----------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A fresh local stack with the demo partners, for this module only."""
    stack = LocalStack.start(tmp_path_factory.mktemp("schemathesis") / "data", "--reset")
    try:
        answer = stack.get("/openapi.json")
        assert answer.status == 200, answer.text
        stack.document = answer.body  # every answer of the seeding is checked against it too
        yield stack
    finally:
        if stack.process.poll() is None:
            stack.stop()
        stack.kill()


def _inquiry(number: int, postal_code: str, country: str) -> dict[str, Any]:
    return {
        "product": "windows",
        "contact": {
            "last_name": f"Fuzz{number}",
            "email": f"fuzz{number}@example.com",
            "postal_code": postal_code,
            "country": country,
        },
        "message": f"Call me at +39 0471 55{number:04d}.",
        "consent": True,
    }


@pytest.fixture(scope="module")
def seeded(fuzzed_stack: LocalStack) -> dict[str, dict[str, list[str]]]:
    """Real ids for each role's run: inquiries in every state a request can meet.

    Made up front, one set per role, so that neither run decides on the other's
    inquiries and the order the tests run in does not matter.
    """
    stack = fuzzed_stack
    partner = stack.token("partner", PARTNER)
    sets: dict[str, dict[str, list[str]]] = {}
    for offset, role in enumerate(("hq", "partner")):
        inquiries: list[str] = []
        contacts: list[str] = []
        for number in range(offset * PER_ROLE, (offset + 1) * PER_ROLE):
            # Twelve from the partner's dealer page (offered to it whatever the generated
            # requests do to its territories), four in HQ's queue (Paris: nobody's). Nine
            # stay pending, so generated rejects cannot use up every one an accept could take.
            body = _inquiry(number, "75001", "FR")
            if number % PER_ROLE < 12:
                body = {**_inquiry(number, "39100", "IT"), "partner_id": PARTNER}
            answer = stack.post("/inquiries", body)
            assert answer.status == 201, answer.text
            inquiries.append(answer.body["id"])
        for inquiry_id in inquiries[:2]:  # accepted: progress and contact links can succeed
            accepted = stack.post(f"/inquiries/{inquiry_id}/accept", token=partner)
            assert accepted.status == 200, accepted.text
            contacts.append(accepted.body["inquiry"]["contact_id"])
        rejected = stack.post(
            f"/inquiries/{inquiries[2]}/reject", {"reason": "other"}, token=partner
        )
        assert rejected.status == 200, rejected.text
        sets[role] = {
            "inquiries": inquiries,
            "partners": [PARTNER, "bayern-muc", "wien", "zuerich"],
            "contacts": contacts,
        }
    return sets


def _token(stack: LocalStack, role: str) -> str:
    return stack.token(role, PARTNER if role == "partner" else None)


def _labels(document: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
    }


def _covered_by(role: str) -> set[str]:
    """The operations whose coverage phase runs in `role`'s run: the role's own, and the
    public ones in HQ's run (a token changes nothing on them)."""
    return {
        route.key for route in ROUTES if role in route.roles or (not route.roles and role == "hq")
    }


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hq", "partner"])
def test_every_operation_answers_as_the_document_says(
    fuzzed_stack: LocalStack, seeded: dict[str, dict[str, list[str]]], role: str
) -> None:
    document = fuzzed_stack.document
    assert document is not None
    token = _token(fuzzed_stack, role)
    covered = _covered_by(role)
    uncovered = sorted(_labels(document) - covered)
    findings = run_schemathesis(fuzzed_stack, document, token, seeded[role], uncovered=uncovered)

    assert not findings.errors, findings.errors
    assert findings.operations == _labels(document)  # none skipped
    assert findings.covered == covered  # the boundary values went where the role may go
    assert not findings.failures, _summary(findings)
    # The real ids took the requests past the 404s: inquiries were read and decided on.
    statuses = findings.statuses
    assert statuses["GET /inquiries/{inquiry_id}"][200] > 0, statuses
    decided = (
        "POST /inquiries/{inquiry_id}/accept"
        if role == "partner"
        else ("POST /inquiries/{inquiry_id}/assign")
    )
    assert statuses[decided][200] > 0, statuses[decided]
    print(f"\n{role}: {sum(findings.requests.values())} requests {dict(findings.requests)}")
    for operation, counted in sorted(statuses.items()):
        seconds = findings.seconds[operation]
        print(f"  {operation}: {dict(sorted(counted.items()))} in {seconds:.1f} s")


def test_the_checks_catch_answers_the_document_does_not_promise(
    fuzzed_stack: LocalStack,
) -> None:
    served = fuzzed_stack.document
    assert served is not None
    wrong = copy.deepcopy(served)
    # A document that is wrong in two ways: the list's cursor an integer (it is a string or
    # null), and an unknown inquiry never 404.
    wrong["components"]["schemas"]["InquiryList"]["properties"]["next"] = {"type": "integer"}
    del wrong["paths"]["/inquiries/{inquiry_id}"]["get"]["responses"]["404"]
    findings = run_schemathesis(
        fuzzed_stack,
        wrong,
        _token(fuzzed_stack, "hq"),
        None,  # generated ids only: an unknown inquiry every time
        operations=["GET /inquiries", "GET /inquiries/{inquiry_id}"],
        max_examples=5,
        coverage=False,
    )

    assert ("GET /inquiries", "response_schema_conformance") in findings.kinds, findings.kinds
    assert ("GET /inquiries/{inquiry_id}", "status_code_conformance") in findings.kinds
