"""The functions: runtime, architecture, tracing, the layer, settings, logs."""

from __future__ import annotations

import pytest
from inquiries.api.routes import FUNCTIONS

from infra import names
from tests.infra.conftest import Synthesis
from tests.infra.support import arn_of, function_ids

pytestmark = pytest.mark.xdist_group("cdk")

SETTINGS = {"TABLE_NAME", "SCHEDULE_GROUP", "DEADLINE_HOURS"}
SCHEDULING = {"EXPIRE_FUNCTION_ARN", "SCHEDULER_ROLE_ARN", "EXPIRY_DLQ_ARN"}
POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}


def test_there_is_one_function_per_directory(synthesized: Synthesis) -> None:
    assert set(function_ids(synthesized.template)) == set(FUNCTIONS)


def test_functions_run_python_3_13_on_arm64_with_active_tracing(synthesized: Synthesis) -> None:
    # Besides ours, only CDK's own: the web app's file copy and its custom resources.
    others = set(synthesized.resources("AWS::Lambda::Function")) - set(
        function_ids(synthesized.template).values()
    )
    assert len(others) == 3
    assert all(o.startswith(("CustomCDKBucketDeployment", "Custom")) for o in others)
    # Ours, not the AWS CLI layer of CDK's file copy.
    (layer_id,) = (i for i in synthesized.resources("AWS::Lambda::LayerVersion") if "Common" in i)
    layer = synthesized.template["Resources"][layer_id]["Properties"]
    assert layer["CompatibleRuntimes"] == ["python3.13"]
    assert layer["CompatibleArchitectures"] == ["arm64"]
    for name, logical_id in function_ids(synthesized.template).items():
        properties = synthesized.template["Resources"][logical_id]["Properties"]
        assert properties["Runtime"] == "python3.13", name
        assert properties["Architectures"] == ["arm64"], name
        # Traces only on demand (-c tracing=active): active tracing records nearly every call.
        assert properties["TracingConfig"] == {"Mode": "PassThrough"}, name
        assert properties["LoggingConfig"]["LogFormat"] == "JSON", name
        assert properties["LoggingConfig"]["SystemLogLevel"] == "WARN", name
        assert properties["LoggingConfig"]["ApplicationLogLevel"] == "INFO", name
        assert properties["Handler"] == "app.handler", name
        assert properties["Layers"] == [{"Ref": layer_id}], name


def test_functions_get_the_settings_config_reads(synthesized: Synthesis) -> None:
    template = synthesized.template
    (group,) = synthesized.resources("AWS::Scheduler::ScheduleGroup").values()
    (table_id,) = synthesized.resources("AWS::DynamoDB::Table")
    ids = function_ids(template)
    for name, logical_id in ids.items():
        env = template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]
        assert set(env) >= SETTINGS | POWERTOOLS, name
        assert env["POWERTOOLS_SERVICE_NAME"] == f"{names.SERVICE_PREFIX}-{name}"
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == names.METRICS_NAMESPACE
        assert env["TABLE_NAME"] == {"Ref": table_id}
        assert env["SCHEDULE_GROUP"] == group["Properties"]["Name"] == names.SCHEDULE_GROUP
        assert float(env["DEADLINE_HOURS"]) == names.DEFAULT_DEADLINE_HOURS
        assert env["AUTO_REROUTE_MAX"] == "0"  # automatic re-routing is off by default
        # Who creates schedules needs their target, the role to pass and the DLQ; expire
        # (re-routing after an expiry) reads its own ARN from its invocation instead.
        if name in ("intake", "decide"):
            assert set(env) >= SCHEDULING, name
            assert env["EXPIRE_FUNCTION_ARN"] == arn_of(ids["expire"])
        elif name == "expire":
            assert set(env) >= SCHEDULING - {"EXPIRE_FUNCTION_ARN"}
            assert "EXPIRE_FUNCTION_ARN" not in env
        else:
            assert not set(env) & SCHEDULING, name


def test_function_logs_are_kept_for_a_limited_time(synthesized: Synthesis) -> None:
    for name, logical_id in function_ids(synthesized.template).items():
        properties = synthesized.template["Resources"][logical_id]["Properties"]
        log_group = properties["LoggingConfig"]["LogGroup"]["Ref"]
        retention = synthesized.template["Resources"][log_group]["Properties"]["RetentionInDays"]
        assert retention == names.DEFAULT_LOG_RETENTION_DAYS, name


def test_failed_expiries_land_in_a_dead_letter_queue(synthesized: Synthesis) -> None:
    expire = function_ids(synthesized.template)["expire"]
    properties = synthesized.template["Resources"][expire]["Properties"]
    queue = properties["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0]
    assert synthesized.template["Resources"][queue]["Type"] == "AWS::SQS::Queue"


def test_each_function_gets_the_memory_power_tuning_chose(synthesized: Synthesis) -> None:
    # bench/power_tuning.py chooses these; a stray literal in the construct would undo it.
    for name, logical_id in function_ids(synthesized.template).items():
        properties = synthesized.template["Resources"][logical_id]["Properties"]
        assert properties["MemorySize"] == names.MEMORY_MB[name], name
        assert 128 <= properties["MemorySize"] <= 10240, name
