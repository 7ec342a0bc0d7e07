"""The app's entry point and its context settings."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest

from infra import names
from tests.infra.conftest import Synthesis

pytestmark = pytest.mark.xdist_group("cdk")


def test_context_chooses_origins_alarm_email_and_deadline() -> None:
    app = cdk.App(
        context={
            "website_origin": "https://www.fenster.example/",
            "app_origins": "https://partners.fenster.example, https://hq.fenster.example",
            "alarm_email": "ops@fenster.example",
            "deadline_hours": "24",
        }
    )
    settings = names.settings_from(app)
    assert settings.allowed_origins == [
        "https://www.fenster.example",
        "https://partners.fenster.example",
        "https://hq.fenster.example",
    ]
    assert settings.alarm_email == "ops@fenster.example"
    assert settings.deadline_hours == 24


def test_defaults_without_context() -> None:
    settings = names.settings_from(cdk.App())
    assert settings.allowed_origins == [names.DEFAULT_WEBSITE_ORIGIN]
    assert settings.alarm_email is None
    assert settings.deadline_hours == names.DEFAULT_DEADLINE_HOURS


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("website_origin", "*"),
        ("deadline_hours", "0"),
        ("log_retention_days", "5"),
        ("tracing", "always"),
    ],
)
def test_bad_context_is_refused(key: str, value: str) -> None:
    from infra.concerns.functions import retention  # noqa: PLC0415

    with pytest.raises(ValueError, match=key.split("_", maxsplit=1)[0]):
        settings = names.settings_from(cdk.App(context={key: value}))
        retention(settings.log_retention_days)


def test_tracing_is_off_unless_asked_for() -> None:
    assert names.settings_from(cdk.App()).tracing == "pass_through"
    assert names.settings_from(cdk.App(context={"tracing": "ACTIVE"})).tracing == "active"


def test_cdk_json_runs_the_app_from_the_repository_root() -> None:
    config = json.loads((names.ROOT / "cdk.json").read_text())
    assert config["app"] == ".venv/bin/python infra/app.py"


def test_the_script_wrote_the_cloud_assembly_where_cdk_outdir_said(
    synthesized: Synthesis,
) -> None:
    """The session's synthesis is `python infra/app.py` with CDK_OUTDIR, bundling off."""
    manifest = json.loads((synthesized.outdir / "manifest.json").read_text())
    assert f"{names.STACK_ID}" in manifest["artifacts"]
    assert "Bundling asset" not in synthesized.output  # offline: the layer was not built
    assert not (names.ROOT / "cdk.out" / "output.txt").exists()
