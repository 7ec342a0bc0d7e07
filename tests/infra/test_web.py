"""The web app on AWS: a private bucket behind CloudFront, the API at the same origin,
Cognito's managed login with the authorization-code flow, and /config.json."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cognito as cognito
from inquiries.api.routes import ROUTES

from infra import names
from infra.concerns.web import APP_PATHS, WebApp, api_path_patterns
from tests.infra.conftest import WEB_FIXTURE, Synthesis, synthesize
from tests.infra.support import (
    BUCKET_DEPLOYMENT,
    actions,
    as_list,
    function_ids,
    identity_statements,
)

pytestmark = pytest.mark.xdist_group("cdk")

# CloudFront's managed policies (their ids are fixed by AWS).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _distribution(synthesized: Synthesis) -> tuple[str, dict[str, Any]]:
    ((logical_id, distribution),) = synthesized.resources("AWS::CloudFront::Distribution").items()
    return logical_id, distribution["Properties"]["DistributionConfig"]


def _origins(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {origin["Id"]: origin for origin in config["Origins"]}


def _behaviour_for(config: dict[str, Any], path: str) -> dict[str, Any]:
    """The behaviour CloudFront picks for a path: the first pattern that matches, else default.

    CloudFront's `*` matches any characters, `/` included, as fnmatch's does.
    """
    for behaviour in config["CacheBehaviors"]:
        if fnmatch.fnmatchcase(path, behaviour["PathPattern"]):
            return dict(behaviour)
    return dict(config["DefaultCacheBehavior"])


def _web_client(synthesized: Synthesis) -> tuple[str, dict[str, Any]]:
    ((logical_id, properties),) = (
        (logical_id, c["Properties"])
        for logical_id, c in synthesized.resources("AWS::Cognito::UserPoolClient").items()
        if c["Properties"].get("AllowedOAuthFlows")
    )
    return logical_id, properties


def _app_url(distribution_id: str) -> dict[str, Any]:
    return {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}, "/"]]}


# --- the bucket: private, read by this distribution only ----------------------------------


def test_the_bucket_is_private_encrypted_and_refuses_plain_http(synthesized: Synthesis) -> None:
    (bucket,) = synthesized.resources("AWS::S3::Bucket").values()
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "BucketEncryption" in properties
    assert "WebsiteConfiguration" not in properties  # no public website endpoint


def test_only_this_distribution_may_read_the_bucket(synthesized: Synthesis) -> None:
    (policy,) = synthesized.resources("AWS::S3::BucketPolicy").values()
    distribution_id, _ = _distribution(synthesized)
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    reads = [
        s for s in statements if s["Effect"] == "Allow" and "s3:GetObject" in as_list(s["Action"])
    ]
    (read,) = reads
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    source = read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert source[-1] == {"Ref": distribution_id}
    for statement in statements:  # nobody else, and no one at all over plain HTTP
        if statement["Effect"] == "Allow":
            assert statement["Principal"] != "*" and statement["Principal"] != {"AWS": "*"}
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_bucket_origin_signs_with_origin_access_control(synthesized: Synthesis) -> None:
    _, config = _distribution(synthesized)
    (oac_id, oac), *_ = synthesized.resources("AWS::CloudFront::OriginAccessControl").items()
    assert oac["Properties"]["OriginAccessControlConfig"] == {
        **oac["Properties"]["OriginAccessControlConfig"],
        "OriginAccessControlOriginType": "s3",
        "SigningBehavior": "always",
        "SigningProtocol": "sigv4",
    }
    default = _origins(config)[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert default["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert default["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    (bucket_id,) = synthesized.resources("AWS::S3::Bucket")
    assert default["DomainName"] == {"Fn::GetAtt": [bucket_id, "RegionalDomainName"]}


# --- one origin: the app from the bucket, the API from the HTTP API -----------------------


def test_every_api_route_goes_to_the_http_api_uncached_with_the_viewers_headers(
    synthesized: Synthesis,
) -> None:
    _, config = _distribution(synthesized)
    (api_id,) = synthesized.resources("AWS::ApiGatewayV2::Api")
    for route in ROUTES:
        path = route.path.replace("{inquiry_id}", "k3Jd9xQ2").replace("{partner_id}", "alpin")
        behaviour = _behaviour_for(config, path)
        origin = _origins(config)[behaviour["TargetOriginId"]]
        domain = origin["DomainName"]["Fn::Join"][1]
        assert domain[0] == {"Ref": api_id}, route.key
        assert domain[1] == f".execute-api.{names.DEFAULT_REGION}."
        assert origin["CustomOriginConfig"] == {
            "OriginProtocolPolicy": "https-only",
            "OriginSSLProtocols": ["TLSv1.2"],
        }
        assert route.method in behaviour["AllowedMethods"], route.key
        assert "OPTIONS" in behaviour["AllowedMethods"]  # the website's CORS preflight
        # Uncached, so the bearer token reaches the API (and no answer is shared).
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, route.key
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER, route.key
        assert behaviour["ViewerProtocolPolicy"] == "https-only"


@pytest.mark.parametrize(
    "path", ["/", "/index.html", "/assets/index-4f9a2c.js", "/config.json", "/favicon.ico"]
)
def test_the_apps_own_paths_come_from_the_bucket(synthesized: Synthesis, path: str) -> None:
    _, config = _distribution(synthesized)
    behaviour = _behaviour_for(config, path)
    assert behaviour == config["DefaultCacheBehavior"]
    assert "OriginAccessControlId" in _origins(config)[behaviour["TargetOriginId"]]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"


def test_api_paths_never_shadow_the_app() -> None:
    patterns = api_path_patterns()
    assert patterns == [
        "/contacts",
        "/contacts/*",
        "/docs",
        "/docs/*",  # Swagger UI's script and style sheet
        "/form",  # the website form's page; its script /form.js is the app's
        "/inquiries",
        "/inquiries/*",
        "/openapi.json",
        "/partners",
        "/partners/*",
        "/reports/*",
        "/subjects",
        "/subjects/*",
    ]
    for app_path in APP_PATHS:
        assert not any(fnmatch.fnmatchcase(app_path, p) for p in patterns), app_path


# --- sign-in: managed login, authorization code (+ PKCE), a public client ----------------


def test_the_web_client_uses_the_code_flow_only_without_a_secret(synthesized: Synthesis) -> None:
    _, client = _web_client(synthesized)
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]  # no implicit, no client credentials
    assert client["GenerateSecret"] is False  # public: PKCE stands in for the secret
    assert sorted(client["AllowedOAuthScopes"]) == sorted(names.WEB_SCOPES)
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_the_web_client_returns_only_to_the_app(synthesized: Synthesis) -> None:
    distribution_id, _ = _distribution(synthesized)
    _, client = _web_client(synthesized)
    assert client["CallbackURLs"] == [_app_url(distribution_id)]
    assert client["LogoutURLs"] == [_app_url(distribution_id)]


def test_the_api_accepts_the_web_clients_tokens(synthesized: Synthesis) -> None:
    client_id, _ = _web_client(synthesized)
    (authorizer,) = synthesized.resources("AWS::ApiGatewayV2::Authorizer").values()
    assert {"Ref": client_id} in authorizer["Properties"]["JwtConfiguration"]["Audience"]


def test_sign_in_is_cognitos_managed_login_on_the_pools_domain(synthesized: Synthesis) -> None:
    (pool_id,) = synthesized.resources("AWS::Cognito::UserPool")
    (domain,) = synthesized.resources("AWS::Cognito::UserPoolDomain").values()
    assert domain["Properties"]["ManagedLoginVersion"] == 2  # managed login, not the classic UI
    assert domain["Properties"]["UserPoolId"] == {"Ref": pool_id}
    (branding,) = synthesized.resources("AWS::Cognito::ManagedLoginBranding").values()
    client_id, _ = _web_client(synthesized)
    assert branding["Properties"]["ClientId"] == {"Ref": client_id}
    assert branding["Properties"]["UseCognitoProvidedValues"] is True


# --- the files and /config.json -----------------------------------------------------------


def _deployment(synthesized: Synthesis) -> dict[str, Any]:
    (deployment,) = synthesized.resources("Custom::CDKBucketDeployment").values()
    return dict(deployment["Properties"])


def _config_json(synthesized: Synthesis) -> tuple[dict[str, Any], dict[str, Any]]:
    """config.json as the deployment writes it, and the markers it fills in at deploy time."""
    deployment = _deployment(synthesized)
    for key, markers in zip(
        deployment["SourceObjectKeys"], deployment["SourceMarkers"], strict=True
    ):
        folder = synthesized.outdir / f"asset.{key.removesuffix('.zip')}"
        if (folder / names.WEB_CONFIG).is_file():
            # Each marker stands for a JSON string, quotes included, filled in at deploy time.
            text = re.sub(r"(<<marker:[^>]+>>)", r'"\1"', (folder / names.WEB_CONFIG).read_text())
            return json.loads(text), markers
    raise AssertionError("no config.json among the deployment's sources")


def test_config_json_tells_the_app_how_to_sign_in(synthesized: Synthesis) -> None:
    config, markers = _config_json(synthesized)
    assert set(config) == {
        "auth",
        "authorize_url",
        "token_url",
        "logout_url",
        "client_id",
        "redirect_uri",
        "scopes",
    }
    assert config["auth"] == "cognito"
    assert config["scopes"] == ["openid", "email", "profile"]

    def filled(key: str) -> list[Any]:
        return list(markers[config[key]]["Fn::Join"][1])

    (domain_id,) = synthesized.resources("AWS::Cognito::UserPoolDomain")
    login = f".auth.{names.DEFAULT_REGION}.amazoncognito.com"
    for key, path in (
        ("authorize_url", "/oauth2/authorize"),
        ("token_url", "/oauth2/token"),
        ("logout_url", "/logout"),
    ):
        assert filled(key) == ['"https://', {"Ref": domain_id}, f'{login}{path}"'], key
    client_id, _ = _web_client(synthesized)
    assert filled("client_id") == ['"', {"Ref": client_id}, '"']
    distribution_id, _ = _distribution(synthesized)
    assert filled("redirect_uri") == [
        '"https://',
        {"Fn::GetAtt": [distribution_id, "DomainName"]},
        '/"',
    ]


def test_the_built_app_is_uploaded_and_a_deployment_shows_at_once(synthesized: Synthesis) -> None:
    deployment = _deployment(synthesized)
    (bucket_id,) = synthesized.resources("AWS::S3::Bucket")
    assert deployment["DestinationBucketName"] == {"Ref": bucket_id}
    assert deployment["Prune"] is True
    assert deployment["SystemMetadata"] == {"cache-control": "no-cache"}
    distribution_id, _ = _distribution(synthesized)
    assert deployment["DistributionId"] == {"Ref": distribution_id}
    assert set(deployment["DistributionPaths"]) >= {"/index.html", "/config.json"}
    folders = [
        synthesized.outdir / f"asset.{k.removesuffix('.zip')}"
        for k in deployment["SourceObjectKeys"]
    ]
    (app,) = [f for f in folders if (f / "index.html").is_file()]
    assert (app / "index.html").read_text() == (WEB_FIXTURE / "index.html").read_text()
    assert (app / "assets" / "app.js").is_file()


def test_the_file_copy_may_touch_only_the_two_buckets_and_invalidations(
    synthesized: Synthesis,
) -> None:
    statements = [
        s
        for logical_id, s in identity_statements(synthesized.template, ours_only=False)
        if logical_id.startswith(BUCKET_DEPLOYMENT)
    ]
    assert statements
    (bucket_id,) = synthesized.resources("AWS::S3::Bucket")
    for statement in statements:
        kinds = {a.split(":")[0] for a in actions(statement)}
        if kinds == {"cloudfront"}:
            assert set(actions(statement)) == {
                "cloudfront:CreateInvalidation",
                "cloudfront:GetInvalidation",
            }
            continue
        assert kinds == {"s3"}
        text = json.dumps(statement["Resource"])
        assert bucket_id in text or "cdk-hnb659fds-assets" in text


def test_the_app_url_is_an_output(synthesized: Synthesis) -> None:
    distribution_id, _ = _distribution(synthesized)
    outputs = synthesized.template["Outputs"]
    assert outputs["AppUrl"]["Value"] == _app_url(distribution_id)
    assert outputs["ApiUrl"]["Value"] == _app_url(distribution_id)  # behind WAF, same origin


def test_without_a_built_app_the_synthesis_says_how_to_build_it(tmp_path: Path) -> None:
    stack = cdk.Stack(cdk.App(), "Probe", env=cdk.Environment(region=names.DEFAULT_REGION))
    with pytest.raises(ValueError, match=r"make web"):
        WebApp(
            stack,
            "Web",
            http_api=apigwv2.HttpApi(stack, "Api"),
            pool=cognito.UserPool(stack, "Pool"),
            web_acl_arn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y",
            settings=names.Settings(web_dist=tmp_path / "missing"),
        )


def test_only_cloudfront_can_submit_an_inquiry(synthesized: Synthesis) -> None:
    """CloudFront tells the API a secret header; intake alone checks it (submissions only)."""
    _, config = _distribution(synthesized)
    (secret_id,) = (
        i for i in synthesized.resources("AWS::SecretsManager::Secret") if "OriginVerify" in i
    )
    behaviour = _behaviour_for(config, "/inquiries")
    origin = _origins(config)[behaviour["TargetOriginId"]]
    (header,) = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == names.ORIGIN_VERIFY_HEADER
    value = header["HeaderValue"]
    assert {"Ref": secret_id} in value["Fn::Join"][1]  # resolved from the secret at deploy

    template = synthesized.template
    for name, logical_id in function_ids(template).items():
        env = template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]
        assert env.get("ORIGIN_VERIFY") == (value if name == "intake" else None), name


# --- the website form (issue 15) ------------------------------------------------------------------

DEALER_SITE = "https://www.fenster-alpin.example"
FORM_CONTEXT = {
    "website_origin": "https://www.fenster.example",
    "form_origins": f"{DEALER_SITE}, https://haendler.example:8443",
    "privacy_url": "https://www.fenster.example/datenschutz",
}


# The tests of this second synthesis are a group of their own, so it runs on one worker
# while the other runs the default synthesis's tests (each synthesis is a CDK app run).
FORM_SITES_GROUP = pytest.mark.xdist_group("cdk-form-sites")


@pytest.fixture(scope="module")
def with_form_sites(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The app deployed for a website and two dealers' sites that embed the form."""
    return synthesize(tmp_path_factory.mktemp("form-sites"), FORM_CONTEXT)


def test_the_form_page_goes_to_the_api_and_its_script_comes_from_the_bucket(
    synthesized: Synthesis,
) -> None:
    _, config = _distribution(synthesized)
    page = _behaviour_for(config, "/form")
    script = _behaviour_for(config, f"/{names.FORM_SCRIPT}")
    api_origin = _behaviour_for(config, "/inquiries")["TargetOriginId"]
    assert page["TargetOriginId"] == api_origin
    assert script["TargetOriginId"] == config["DefaultCacheBehavior"]["TargetOriginId"]
    assert script["TargetOriginId"] != api_origin
    assert script["ViewerProtocolPolicy"] == "redirect-to-https"
    # A new script shows at once after a deployment: its stable path is invalidated.
    assert f"/{names.FORM_SCRIPT}" in _deployment(synthesized)["DistributionPaths"]


@FORM_SITES_GROUP
def test_the_sites_that_embed_the_form_get_cors_for_the_script_and_the_api(
    with_form_sites: Synthesis,
) -> None:
    _, config = _distribution(with_form_sites)
    script = _behaviour_for(config, f"/{names.FORM_SCRIPT}")
    policies = with_form_sites.resources("AWS::CloudFront::ResponseHeadersPolicy")
    policy_id = script["ResponseHeadersPolicyId"]["Ref"]
    cors = policies[policy_id]["Properties"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
    sites = ["https://www.fenster.example", DEALER_SITE, "https://haendler.example:8443"]
    assert cors["AccessControlAllowOrigins"]["Items"] == sites
    assert cors["AccessControlAllowCredentials"] is False
    # The form posts to POST /inquiries beside its script, through CloudFront: the HTTP
    # API's CORS lets the same sites in, beside the apps.
    (api,) = with_form_sites.resources("AWS::ApiGatewayV2::Api").values()
    allowed = api["Properties"]["CorsConfiguration"]["AllowOrigins"]
    assert all(site in allowed for site in sites) and "*" not in allowed
    assert "idempotency-key" in api["Properties"]["CorsConfiguration"]["AllowHeaders"]


@FORM_SITES_GROUP
def test_the_privacy_notice_of_the_deployment_reaches_the_form_page(
    synthesized: Synthesis, with_form_sites: Synthesis
) -> None:
    for synthesis, expected in (
        (synthesized, None),
        (with_form_sites, FORM_CONTEXT["privacy_url"]),
    ):
        template = synthesis.template
        for name, logical_id in function_ids(template).items():
            env = template["Resources"][logical_id]["Properties"]["Environment"]["Variables"]
            assert env.get("PRIVACY_URL") == (expected if name == "intake" else None), name


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("form_origins", "*"),
        ("form_origins", "http://dealer.example"),
        ("form_origins", "https://dealer.example/contact"),
        ("privacy_url", "http://www.fenster.example/privacy"),
    ],
)
def test_form_context_that_would_open_the_form_too_wide_is_refused(key: str, value: str) -> None:
    with pytest.raises(ValueError, match=key):
        names.settings_from(cdk.App(context={key: value}))


def test_without_the_form_script_the_synthesis_says_how_to_build_it(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    stack = cdk.Stack(cdk.App(), "Probe", env=cdk.Environment(region=names.DEFAULT_REGION))
    with pytest.raises(ValueError, match=r"form\.js.*make web"):
        WebApp(
            stack,
            "Web",
            http_api=apigwv2.HttpApi(stack, "Api"),
            pool=cognito.UserPool(stack, "Pool"),
            web_acl_arn="arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y",
            settings=names.Settings(web_dist=tmp_path),
        )
