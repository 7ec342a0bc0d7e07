"""The HTTP API: the shared route table, the JWT authorizer, throttling, CORS, access logs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from inquiries.api.routes import ROUTES

from infra import names
from tests.infra.conftest import Synthesis
from tests.infra.support import arn_of, function_ids

pytestmark = pytest.mark.xdist_group("cdk")


def _routes(synthesized: Synthesis) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synthesized.resources("AWS::ApiGatewayV2::Route").values()
    }


def _authorizer_id(synthesized: Synthesis) -> str:
    (authorizer_id,) = synthesized.resources("AWS::ApiGatewayV2::Authorizer")
    return authorizer_id


def test_the_api_has_exactly_the_routes_of_the_shared_table(synthesized: Synthesis) -> None:
    assert set(_routes(synthesized)) == {route.key for route in ROUTES}


def test_every_route_reaches_the_function_the_route_table_names(synthesized: Synthesis) -> None:
    integrations = synthesized.resources("AWS::ApiGatewayV2::Integration")
    functions = function_ids(synthesized.template)
    for route in ROUTES:
        target = _routes(synthesized)[route.key]["Target"]["Fn::Join"][1]
        assert target[0] == "integrations/"
        integration = integrations[target[1]["Ref"]]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert integration["PayloadFormatVersion"] == "2.0"
        assert integration["IntegrationUri"] == arn_of(functions[route.function]), route.key


def test_every_route_with_roles_requires_a_cognito_jwt(synthesized: Synthesis) -> None:
    authorizer_id = _authorizer_id(synthesized)
    routes = _routes(synthesized)
    for route in ROUTES:
        if route.public:
            continue
        assert routes[route.key]["AuthorizationType"] == "JWT", route.key
        assert routes[route.key]["AuthorizerId"] == {"Ref": authorizer_id}, route.key


def test_the_public_route_has_no_authorizer(template: Any) -> None:
    from aws_cdk.assertions import Match  # noqa: PLC0415

    template.has_resource_properties(
        "AWS::ApiGatewayV2::Route",
        {"RouteKey": "POST /inquiries", "AuthorizerId": Match.absent()},
    )


def test_the_public_routes_need_no_token(synthesized: Synthesis) -> None:
    public = [route for route in ROUTES if route.public]
    assert "POST /inquiries" in {route.key for route in public}
    for route in public:
        properties = _routes(synthesized)[route.key]
        assert properties.get("AuthorizationType", "NONE") == "NONE", route.key
        assert "AuthorizerId" not in properties


def test_the_authorizer_trusts_only_our_user_pool_and_app_client(synthesized: Synthesis) -> None:
    authorizer = synthesized.resources("AWS::ApiGatewayV2::Authorizer")[
        _authorizer_id(synthesized)
    ]["Properties"]
    (pool_id,) = synthesized.resources("AWS::Cognito::UserPool")
    clients = synthesized.resources("AWS::Cognito::UserPoolClient")
    assert len(clients) == 2  # the operators' SRP client and the web app's client
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    jwt = authorizer["JwtConfiguration"]
    assert sorted(a["Ref"] for a in jwt["Audience"]) == sorted(clients)
    issuer = jwt["Issuer"]["Fn::Join"][1]
    assert issuer[0] == f"https://cognito-idp.{names.DEFAULT_REGION}.amazonaws.com/"
    assert issuer[-1] == {"Ref": pool_id}


def test_tokens_carry_role_and_partner_that_users_cannot_change(synthesized: Synthesis) -> None:
    (pool,) = synthesized.resources("AWS::Cognito::UserPool").values()
    schema = {
        a["Name"]: a for a in pool["Properties"]["Schema"] if a["Name"] in ("role", "partner_id")
    }
    assert set(schema) == {names.ROLE_ATTRIBUTE, names.PARTNER_ATTRIBUTE}
    assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["Properties"]["MfaConfiguration"] == "ON"
    for client in synthesized.resources("AWS::Cognito::UserPoolClient").values():
        properties = client["Properties"]
        assert {"custom:role", "custom:partner_id"} <= set(properties["ReadAttributes"])
        assert not [a for a in properties["WriteAttributes"] if a.startswith("custom:")]
    # The operators' client: SRP and admin sign-in, no OAuth (the web app's: test_web).
    (properties,) = (
        c["Properties"]
        for c in synthesized.resources("AWS::Cognito::UserPoolClient").values()
        if not c["Properties"].get("AllowedOAuthFlows")
    )
    assert properties["GenerateSecret"] is False
    assert properties["AllowedOAuthFlowsUserPoolClient"] is False  # no implicit grant
    # No plain-password flow from browsers: SRP, or admin auth with AWS credentials.
    assert set(properties["ExplicitAuthFlows"]) == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }


def test_the_public_routes_are_throttled_on_the_stage(synthesized: Synthesis) -> None:
    (stage_id, stage), *_ = synthesized.resources("AWS::ApiGatewayV2::Stage").items()
    settings = stage["Properties"]["RouteSettings"]
    assert settings["POST /inquiries"] == {
        "ThrottlingRateLimit": names.PUBLIC_RATE_LIMIT,
        "ThrottlingBurstLimit": names.PUBLIC_BURST_LIMIT,
    }
    assert stage["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["Properties"]["AutoDeploy"] is True
    # The stage may name a route only once the route exists.
    route_ids = {
        properties_id
        for properties_id, r in synthesized.resources("AWS::ApiGatewayV2::Route").items()
        if r["Properties"]["RouteKey"] in settings
    }
    assert route_ids <= set(synthesized.template["Resources"][stage_id].get("DependsOn", []))


def test_cors_lets_in_only_the_configured_website(synthesized: Synthesis) -> None:
    (api,) = synthesized.resources("AWS::ApiGatewayV2::Api").values()
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == [names.DEFAULT_WEBSITE_ORIGIN]
    assert "*" not in cors["AllowOrigins"]
    assert "idempotency-key" in cors["AllowHeaders"]


def test_access_logs_go_to_a_log_group_without_personal_data(synthesized: Synthesis) -> None:
    (stage,) = synthesized.resources("AWS::ApiGatewayV2::Stage").values()
    access = stage["Properties"]["AccessLogSettings"]
    log_group = access["DestinationArn"]["Fn::GetAtt"][0]
    assert synthesized.template["Resources"][log_group]["Type"] == "AWS::Logs::LogGroup"
    assert synthesized.template["Resources"][log_group]["Properties"]["RetentionInDays"] > 0
    fields = json.loads(access["Format"])
    assert fields["requestId"] == "$context.requestId"
    assert not [v for v in fields.values() if "sourceIp" in v or "userAgent" in v]
