"""Reading a synthesized template: functions by name, references, policy statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from infra import names


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def function_ids(template: dict[str, Any]) -> dict[str, str]:
    """Logical id of each function by its name (from POWERTOOLS_SERVICE_NAME)."""
    found = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        service = variables.get("POWERTOOLS_SERVICE_NAME")
        if service is None:  # CDK's own (the web app's file copy), not one of ours
            continue
        found[service.removeprefix(f"{names.SERVICE_PREFIX}-")] = logical_id
    return found


def arn_of(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def role_id(template: dict[str, Any], function_id: str) -> str:
    role = template["Resources"][function_id]["Properties"]["Role"]
    return str(role["Fn::GetAtt"][0])


def role_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """Every statement of the role: its inline policies and the policies attached to it."""
    resources = template["Resources"]
    statements = []
    for policy in resources[role]["Properties"].get("Policies", []):
        statements += policy["PolicyDocument"]["Statement"]
    for resource in resources.values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role} in resource["Properties"].get(
            "Roles", []
        ):
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    return statements


# CDK's BucketDeployment: its role copies the web app into its bucket with CDK's own
# grants (wildcards included); test_web checks that those grants stay on the two buckets.
BUCKET_DEPLOYMENT = "CustomCDKBucketDeployment"


def identity_statements(
    template: dict[str, Any], *, ours_only: bool = True
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical id, statement) of every IAM policy, role inline policy and managed policy.

    `ours_only`: without the policy of CDK's BucketDeployment function.
    """
    for logical_id, resource in template["Resources"].items():
        if ours_only and logical_id.startswith(BUCKET_DEPLOYMENT):
            continue
        properties = resource.get("Properties", {})
        documents = []
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(properties["PolicyDocument"])
        if resource["Type"] in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            documents += [p["PolicyDocument"] for p in properties.get("Policies", [])]
        for document in documents:
            for statement in as_list(document["Statement"]):
                yield logical_id, statement


def actions(statement: dict[str, Any]) -> list[str]:
    return [str(a) for a in as_list(statement.get("Action", []))]
