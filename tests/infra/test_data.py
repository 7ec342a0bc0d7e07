"""The table: the shared definition, recoverable, encrypted, protected from deletion."""

from __future__ import annotations

from typing import Any

import pytest
from inquiries.adapters import table as definition

from tests.infra.conftest import Synthesis

pytestmark = pytest.mark.xdist_group("cdk")


def _table(synthesized: Synthesis) -> dict:
    (table,) = synthesized.resources("AWS::DynamoDB::Table").values()
    return table


def test_the_table_has_the_keys_and_indexes_of_the_shared_definition(
    synthesized: Synthesis,
) -> None:
    properties = _table(synthesized)["Properties"]
    request = definition.create_table_request("ignored")
    assert properties["KeySchema"] == request["KeySchema"]
    by_name = lambda items: {i["AttributeName"]: i for i in items}  # noqa: E731
    assert by_name(properties["AttributeDefinitions"]) == by_name(request["AttributeDefinitions"])
    indexes = {i["IndexName"]: i for i in properties["GlobalSecondaryIndexes"]}
    expected = {i["IndexName"]: i for i in request["GlobalSecondaryIndexes"]}
    assert indexes == expected
    assert set(indexes) == {index.name for index in definition.INDEXES}


# Its own synthesis, in a group of its own: it can run beside the default one.
@pytest.mark.xdist_group("cdk-without-gsi3")
def test_an_index_is_left_out_for_one_deployment_to_be_created_anew(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Changing a projection re-creates the index: one deployment without it, then one with.
    from tests.infra.conftest import synthesize  # noqa: PLC0415

    without = synthesize(tmp_path_factory.mktemp("without"), {"without": "gsi3"})
    names = {i["IndexName"] for i in _table(without)["Properties"]["GlobalSecondaryIndexes"]}
    assert names == {index.name for index in definition.INDEXES} - {"gsi3"}


def test_the_table_is_on_demand_recoverable_encrypted_and_kept(template: Any) -> None:
    template.resource_count_is("AWS::DynamoDB::Table", 1)
    template.has_resource(
        "AWS::DynamoDB::Table",
        {
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                "DeletionProtectionEnabled": True,
                "SSESpecification": {"SSEEnabled": True},
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_expired_idempotency_claims_are_removed_by_ttl(synthesized: Synthesis) -> None:
    assert _table(synthesized)["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": definition.TTL_ATTRIBUTE,
        "Enabled": True,
    }
