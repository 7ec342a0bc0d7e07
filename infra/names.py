"""Every name, default and tunable of the deployment, in one place.

Context values (`cdk deploy -c website_origin=https://www.acme.example`) override the
defaults below; `settings_from` reads them once, so the constructs never touch context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importable without the CDK (the tests read names without it)
    from constructs import Construct

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = ROOT / "functions"
LAYER_DIR = ROOT / "layers" / "common"
PYPROJECT = ROOT / "pyproject.toml"

STACK_ID = "PartnerInquiries"
STACK_DESCRIPTION = (
    "Partner inquiry routing: web app, HTTP API, functions, table, expiry scheduling"
)
# CloudFront takes only web ACLs of scope CLOUDFRONT, and those exist only in us-east-1:
# the web ACL and its alarm live in a small stack of their own there (docs/decisions.md).
EDGE_STACK_ID = "PartnerInquiriesEdge"
EDGE_STACK_DESCRIPTION = "Partner inquiry routing: the WAF web ACL in front of CloudFront"
EDGE_REGION = "us-east-1"
DEFAULT_REGION = "eu-central-1"  # where the data lives, unless the context says otherwise

# The web app: built into web/dist by `make web`; the CDK app uploads it to its bucket.
WEB_DIST = ROOT / "web" / "dist"
# The app's own paths in the bucket; every other path of the API goes to the HTTP API.
WEB_CONFIG = "config.json"
WEB_SCOPES = ("openid", "email", "profile")
# The website form's script (web/src/form/), built beside the app, at a stable path.
FORM_SCRIPT = "form.js"

# Must equal SCHEDULE_GROUP in the functions' environment (the stack sets both from here).
SCHEDULE_GROUP = "partner-inquiries"
METRICS_NAMESPACE = "PartnerInquiries"
SERVICE_PREFIX = "inquiries"  # POWERTOOLS_SERVICE_NAME = inquiries-<function>

# What the sweeper's rule sends and how often: the safety net under lost schedules.
SWEEP_EVENT: dict[str, Any] = {"sweep": True}
SWEEP_EVERY_MINUTES = 5

# Lambda settings per function: memory (MB) and timeout (s).
# Memory: the cheapest size that holds the function's footprint and keeps its latency
# bound, warm and (where a person waits) cold, by `bench/power_tuning.py` (duration
# against memory modelled from the handlers' measured CPU time; docs/performance.md,
# "Memory against duration"). Below 1,769 MB Lambda's CPU share shrinks with memory, so
# a smaller size costs less only while AWS round trips, not CPU, fill the invocation.
# contacts (the partner's address book) is sized by its import, not by the tool: a file of
# 10,000 rows, every phone changed, takes 3.2-4.1 s of handler CPU here, 6.4-8.2 s of Lambda
# CPU at 1,769 MB (one full vCPU; `bench/contacts_import.py`) plus its round trips, inside
# its 29 s. While decide served it, it kept decide at 640 MB (docs/decisions.md).
MEMORY_MB = {
    "intake": 384,
    "decide": 384,
    "contacts": 1769,
    "expire": 320,
    "report": 256,
    "notify": 128,
}
# decide and contacts: up to API Gateway's 30 s (contacts: the import of 10,000 rows).
TIMEOUT_S = {
    "intake": 10,
    "decide": 29,
    "contacts": 29,
    "expire": 120,
    "report": 30,
    "notify": 60,
}

# The public route under abuse (docs/deploy.md, "The public route under abuse").
# First line, per client at the edge: AWS WAF's rate-based rule on POST /inquiries counts
# each client IP over a one-minute window and blocks it above this many submissions.
# 10 is the lowest limit WAF allows; a person sends one form, a retry or two.
WAF_INTAKE_LIMIT = 10
WAF_INTAKE_WINDOW_S = 60
# Second line, the route throttle in API Gateway: shared by every client, it only
# protects the functions and the table, so it is sized to pass real prospects at their
# busiest plus every client WAF lets through at its limit, not to stop any one client.
# DESIGN_INQUIRIES_PER_S: the rate the table's keys, the functions and the account's
# quotas are sized for (issue 12; docs/data-model.md "Hot partitions", docs/deploy.md
# "Sized for 1,000 inquiries a second"). INTAKE_PEAK_RPS: real prospects at that rate.
# INTAKE_CLIENTS_AT_LIMIT: how many distinct clients, each just under the WAF limit, the
# route absorbs on top before prospects see 429.
DESIGN_INQUIRIES_PER_S = 1000
INTAKE_PEAK_RPS = float(DESIGN_INQUIRIES_PER_S)
INTAKE_CLIENTS_AT_LIMIT = 108
# 1,000 + 108 x 10 / 60 = 1,018 requests a second; the burst holds two seconds of that.
PUBLIC_RATE_LIMIT = (
    INTAKE_PEAK_RPS + INTAKE_CLIENTS_AT_LIMIT * WAF_INTAKE_LIMIT / WAF_INTAKE_WINDOW_S
)
PUBLIC_BURST_LIMIT = int(2 * PUBLIC_RATE_LIMIT)
# Every other route (signed-in users) shares the stage default, which HTTP APIs apply to
# each route on its own. The busiest is GET /inquiries: partners list twice and HQ once
# per inquiry (bench/calls.py's mix), 3 x 1,000 = 3,000 a second.
SIGNED_IN_CALLS_PER_INQUIRY = 3
DEFAULT_RATE_LIMIT = float(SIGNED_IN_CALLS_PER_INQUIRY * DESIGN_INQUIRIES_PER_S)
DEFAULT_BURST_LIMIT = int(2 * DEFAULT_RATE_LIMIT)

# Headers the website and the apps send; Idempotency-Key makes resubmission safe.
CORS_HEADERS = ("authorization", "content-type", "idempotency-key")

# Cognito custom attributes: tokens carry them as custom:role and custom:partner_id.
ROLE_ATTRIBUTE = "role"
PARTNER_ATTRIBUTE = "partner_id"

DEAD_LETTER_RETENTION_DAYS = 14

# Context keys and their defaults.
CONTEXT_WEBSITE_ORIGIN = "website_origin"
CONTEXT_APP_ORIGINS = "app_origins"
CONTEXT_ALARM_EMAIL = "alarm_email"
# Mail (issue 15): the verified sender, HQ's address and language.
CONTEXT_MAIL_FROM = "mail_from"
CONTEXT_HQ_EMAIL = "hq_email"
CONTEXT_HQ_LANGUAGE = "hq_language"
DEFAULT_MAIL_FROM = "inquiries@example.com"
DEFAULT_HQ_EMAIL = "hq@example.com"
# SES's configuration set: bounces and complaints go to SNS, then to the notify function.
SES_CONFIGURATION_SET = "partner-inquiries"
# The stream's event source: records per batch, and how long a failing one is retried.
STREAM_BATCH_SIZE = 25
STREAM_MAX_RECORD_AGE_HOURS = 24
STREAM_RETRY_ATTEMPTS = 50
CONTEXT_DEADLINE_HOURS = "deadline_hours"
CONTEXT_AUTO_REROUTE_MAX = "auto_reroute_max"
CONTEXT_LOG_RETENTION_DAYS = "log_retention_days"
CONTEXT_LOG_LEVEL = "log_level"
CONTEXT_TRACING = "tracing"
CONTEXT_REGION = "region"
CONTEXT_WEB_DIST = "web_dist"
CONTEXT_AUTH_DOMAIN_PREFIX = "auth_domain_prefix"
CONTEXT_APP_DOMAIN = "app_domain"
CONTEXT_APP_CERTIFICATE_ARN = "app_certificate_arn"
# The website form (issue 15): the other sites that embed `<inquiry-form>` (dealers' pages),
# beside website_origin; and the privacy notice its consent links to (else the one on /form).
CONTEXT_FORM_ORIGINS = "form_origins"
CONTEXT_PRIVACY_URL = "privacy_url"

DEFAULT_WEBSITE_ORIGIN = "https://www.example.com"
DEFAULT_DEADLINE_HOURS = 48.0
DEFAULT_LOG_RETENTION_DAYS = 30
DEFAULT_LOG_LEVEL = "INFO"
# X-Ray: Lambda's active tracing records the first call each second and 5 % of the rest,
# not tunable; at this product's volumes that is nearly every call, 5 USD a million traces,
# more than the rest of the stack per inquiry (docs/performance.md, "Cost"). The HTTP API
# starts no traces, so `pass_through` records none; `-c tracing=active` while investigating.
TRACING_MODES = ("pass_through", "active")
DEFAULT_TRACING = "pass_through"
# The HTTP API's access log line (infra/concerns/api.py): no source IP, no user agent, no
# query string (personal data). What operations read: which request, route and status (the
# 429 alarm's metric filter reads `status`), how long, and why it failed. Left out (issue 12,
# log volume): requestTime (CloudWatch stamps every line), protocol, responseLength.
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "error": "$context.error.message",
}
# Lambda's own START/END/REPORT lines (about 330 bytes a call) are left out of the logs;
# its metrics (duration, errors, throttles) do not depend on them.
SYSTEM_LOG_LEVEL = "WARN"
# Days the personal data of an inquiry at rest (returned, discarded, unassigned) is kept.
DEFAULT_RETENTION_DAYS = 180
CONTEXT_RETENTION_DAYS = "retention_days"

# CDK's own switch: an empty list skips asset bundling (tests; `cdk synth` of nothing).
BUNDLING_STACKS_CONTEXT = "aws:cdk:bundling-stacks"


@dataclass(frozen=True)
class Settings:
    """What a deployment may choose; the rest of the stack is fixed."""

    website_origin: str = DEFAULT_WEBSITE_ORIGIN
    app_origins: tuple[str, ...] = ()
    alarm_email: str | None = None
    deadline_hours: float = DEFAULT_DEADLINE_HOURS
    auto_reroute_max: int = 0  # automatic re-routes after a rejection or expiry; 0: off
    log_retention_days: int = DEFAULT_LOG_RETENTION_DAYS
    log_level: str = DEFAULT_LOG_LEVEL
    tracing: str = DEFAULT_TRACING
    region: str = DEFAULT_REGION
    web_dist: Path = WEB_DIST
    auth_domain_prefix: str | None = None  # None: partner-inquiries-<account id>
    app_domain: str | None = None  # None: the distribution's own *.cloudfront.net name
    app_certificate_arn: str | None = None  # ACM, us-east-1; required with app_domain
    mail_from: str = DEFAULT_MAIL_FROM  # an SES identity verified in the account
    hq_email: str = DEFAULT_HQ_EMAIL
    hq_language: str = "en"
    retention_days: int = DEFAULT_RETENTION_DAYS
    form_origins: tuple[str, ...] = ()  # sites that embed the form, beside the website
    privacy_url: str | None = None  # None: the notice on the form's own page (GET /form)

    @property
    def allowed_origins(self) -> list[str]:
        """The browser origins CORS lets in: the website, the partner and HQ apps, the form's."""
        origins = [self.website_origin]
        for origin in (*self.app_origins, *self.form_origins):
            if origin not in origins:
                origins.append(origin)
        return origins

    @property
    def form_script_origins(self) -> list[str]:
        """The pages that may load the form's script with CORS: the website and the form's."""
        return [self.website_origin, *(o for o in self.form_origins if o != self.website_origin)]


def _origins(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(item).strip().rstrip("/") for item in items if str(item).strip())


def settings_from(scope: Construct) -> Settings:
    """The deployment's settings from CDK context, with the defaults above."""

    def get(key: str) -> Any:
        return scope.node.try_get_context(key)

    tracing = str(get(CONTEXT_TRACING) or DEFAULT_TRACING).lower()
    if tracing not in TRACING_MODES:
        raise ValueError(f"{CONTEXT_TRACING} must be one of {', '.join(TRACING_MODES)}")
    origin = str(get(CONTEXT_WEBSITE_ORIGIN) or DEFAULT_WEBSITE_ORIGIN).rstrip("/")
    if not origin.startswith("https://") and not origin.startswith("http://localhost"):
        raise ValueError(f"{CONTEXT_WEBSITE_ORIGIN} must be an https:// origin, not {origin!r}")
    hours = float(get(CONTEXT_DEADLINE_HOURS) or DEFAULT_DEADLINE_HOURS)
    if not 0 < hours <= 24 * 365:
        raise ValueError(f"{CONTEXT_DEADLINE_HOURS} must be positive and at most a year")
    reroutes = int(get(CONTEXT_AUTO_REROUTE_MAX) or 0)
    if not 0 <= reroutes <= 10:
        raise ValueError(f"{CONTEXT_AUTO_REROUTE_MAX} must be 0 (off) to 10")
    app_domain = get(CONTEXT_APP_DOMAIN) or None
    certificate = get(CONTEXT_APP_CERTIFICATE_ARN) or None
    if bool(app_domain) != bool(certificate):
        raise ValueError(
            f"{CONTEXT_APP_DOMAIN} and {CONTEXT_APP_CERTIFICATE_ARN} go together "
            "(CloudFront serves a domain of its own only with its certificate)"
        )
    if certificate and f":{EDGE_REGION}:" not in str(certificate):
        raise ValueError(f"{CONTEXT_APP_CERTIFICATE_ARN} must be in {EDGE_REGION} (CloudFront)")
    web_dist = Path(str(get(CONTEXT_WEB_DIST) or WEB_DIST))
    mail_from = str(get(CONTEXT_MAIL_FROM) or DEFAULT_MAIL_FROM).strip()
    hq_email = str(get(CONTEXT_HQ_EMAIL) or DEFAULT_HQ_EMAIL).strip()
    for key, address in ((CONTEXT_MAIL_FROM, mail_from), (CONTEXT_HQ_EMAIL, hq_email)):
        if address.count("@") != 1 or any(c.isspace() for c in address):
            raise ValueError(f"{key} must be one e-mail address, not {address!r}")
    hq_language = str(get(CONTEXT_HQ_LANGUAGE) or "en")
    if hq_language not in ("de", "it", "en"):
        raise ValueError(f"{CONTEXT_HQ_LANGUAGE} must be de, it or en, not {hq_language!r}")
    retention_days = int(get(CONTEXT_RETENTION_DAYS) or DEFAULT_RETENTION_DAYS)
    if not 1 <= retention_days <= 3650:
        raise ValueError(f"{CONTEXT_RETENTION_DAYS} must be 1 to 3650 days")
    form_origins = _origins(get(CONTEXT_FORM_ORIGINS))
    for form_origin in form_origins:
        if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:\d{1,5})?", form_origin):
            raise ValueError(
                f"{CONTEXT_FORM_ORIGINS}: each an https:// origin (no path, no *), "
                f"not {form_origin!r}"
            )
    privacy_url = get(CONTEXT_PRIVACY_URL) or None
    if privacy_url is not None and not str(privacy_url).startswith("https://"):
        raise ValueError(f"{CONTEXT_PRIVACY_URL} must be an https:// address")
    return Settings(
        region=str(get(CONTEXT_REGION) or DEFAULT_REGION),
        web_dist=web_dist,
        auth_domain_prefix=get(CONTEXT_AUTH_DOMAIN_PREFIX) or None,
        app_domain=str(app_domain).lower().rstrip(".") if app_domain else None,
        app_certificate_arn=certificate,
        website_origin=origin,
        app_origins=_origins(get(CONTEXT_APP_ORIGINS)),
        form_origins=form_origins,
        privacy_url=str(privacy_url) if privacy_url else None,
        alarm_email=get(CONTEXT_ALARM_EMAIL) or None,
        deadline_hours=hours,
        auto_reroute_max=reroutes,
        log_retention_days=int(get(CONTEXT_LOG_RETENTION_DAYS) or DEFAULT_LOG_RETENTION_DAYS),
        log_level=str(get(CONTEXT_LOG_LEVEL) or DEFAULT_LOG_LEVEL).upper(),
        tracing=tracing,
        mail_from=mail_from,
        hq_email=hq_email,
        hq_language=hq_language,
        retention_days=retention_days,
    )


# CloudFront adds this header, with a secret value, to what it sends to the HTTP API; the
# intake function refuses a submission without it (functions/intake/app.py), so nobody
# can go around the WAF's per-client limit by calling the API's own address.
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
