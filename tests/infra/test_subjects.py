"""The key of the data subject's keyed hashes: a generated secret, kept, read only by
the functions that hash (intake and decide), by ARN; retention's setting for expire."""

from __future__ import annotations

import pytest

from infra import names
from tests.infra.conftest import Synthesis
from tests.infra.support import actions, as_list, function_ids, role_id, role_statements

pytestmark = pytest.mark.xdist_group("cdk")


def _subject_key(synthesized: Synthesis) -> str:
    (secret_id,) = (
        i for i in synthesized.resources("AWS::SecretsManager::Secret") if "SubjectKey" in i
    )
    return secret_id


def test_the_subject_key_is_a_generated_secret_that_outlives_the_stack(
    synthesized: Synthesis,
) -> None:
    secret_id = _subject_key(synthesized)
    secret = synthesized.template["Resources"][secret_id]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    assert secret["DeletionPolicy"] == "Retain"
    # Its ARN (not its value) is an output, for the backfill.
    assert synthesized.template["Outputs"]["SubjectKeyArn"]["Value"] == {"Ref": secret_id}


def test_only_intake_and_decide_read_the_subject_key_and_get_its_arn_not_its_value(
    synthesized: Synthesis,
) -> None:
    template = synthesized.template
    secret_id = _subject_key(synthesized)
    for name, logical_id in function_ids(template).items():
        reads = name in ("intake", "decide")
        env = template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]
        assert (env.get("SUBJECT_KEY_SECRET_ARN") == {"Ref": secret_id}) is reads, name
        assert "SUBJECT_KEY" not in env, name
        granted = [
            statement
            for statement in role_statements(template, role_id(template, logical_id))
            if any(a.startswith("secretsmanager:") for a in actions(statement))
        ]
        if not reads:
            assert granted == [], name
            continue
        (statement,) = granted
        assert actions(statement) == ["secretsmanager:GetSecretValue"], name
        assert as_list(statement["Resource"]) == [{"Ref": secret_id}], name


def test_expire_gets_the_retention_days(synthesized: Synthesis) -> None:
    template = synthesized.template
    for name, logical_id in function_ids(template).items():
        env = template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]
        expected = str(names.DEFAULT_RETENTION_DAYS) if name == "expire" else None
        assert env.get("RETENTION_DAYS") == expected, name
