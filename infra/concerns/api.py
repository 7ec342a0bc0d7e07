"""The HTTP API: the routes of the shared route table, Cognito sign-in, CORS, throttling.

Every route comes from `inquiries.api.routes.ROUTES`, the table the local gateway uses
too. Routes with roles get the JWT authorizer; the public ones (the website's form and
the API's own description) get throttling of their own instead.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import jsii
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from inquiries.api.routes import ROUTES, Route

from infra import names
from infra.concerns.functions import retention
from infra.nag import acknowledge

# Access log fields (infra/names.py): no source IP, no user agent, no query string.
ACCESS_LOG_FORMAT = names.ACCESS_LOG_FORMAT


@jsii.implements(apigwv2.IAccessLogSettings)
class AccessLogs:
    """Where and how the stage writes its access log (an interface in CDK, not a struct)."""

    def __init__(
        self, destination: apigwv2.IAccessLogDestination, log_format: apigw.AccessLogFormat
    ) -> None:
        self._destination = destination
        self._format = log_format

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


class Users(Construct):
    """The Cognito user pool of HQ and partner users, and the client their apps use."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.pool = cognito.UserPool(
            self,
            "Pool",
            # Users are created by HQ (docs/deploy.md), never by themselves.
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            custom_attributes={
                names.ROLE_ATTRIBUTE: cognito.StringAttribute(min_len=2, max_len=16, mutable=True),
                names.PARTNER_ATTRIBUTE: cognito.StringAttribute(
                    min_len=1, max_len=64, mutable=True
                ),
            },
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=cdk.Duration.days(3),
            ),
            # Partners see personal data once they accept: a password alone is not enough.
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=True,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.pool,
            "AwsSolutions-COG8",
            "Threat protection needs the Plus feature plan (billed per monthly active user); "
            "the pool has no self sign-up, requires TOTP MFA and a strong password policy.",
        )
        self.client = self.pool.add_client(
            "Apps",
            # SRP for the apps; admin password auth needs AWS credentials of the account
            # (operators' smoke tests, docs/deploy.md), never reachable from a browser.
            auth_flows=cognito.AuthFlow(user_srp=True, admin_user_password=True),
            generate_secret=False,  # browser apps cannot keep a secret
            disable_o_auth=True,  # SRP sign-in only: no hosted UI, no implicit grant
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=cdk.Duration.hours(1),
            access_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.days(30),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(names.ROLE_ATTRIBUTE, names.PARTNER_ATTRIBUTE),
            # A user must never grant itself a role or another partner's inquiries.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        stack = cdk.Stack.of(self)
        self.issuer = f"https://cognito-idp.{stack.region}.amazonaws.com/{self.pool.user_pool_id}"


class Api(Construct):
    """The HTTP API in front of the functions."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: dict[str, lambda_.IFunction],
        settings: names.Settings,
    ) -> None:
        super().__init__(scope, construct_id)
        self.users = Users(self, "Users")
        self._functions = functions
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="Partner inquiry routing",
            create_default_stage=False,
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=settings.allowed_origins,
                allow_methods=[
                    apigwv2.CorsHttpMethod.GET,
                    apigwv2.CorsHttpMethod.POST,
                    apigwv2.CorsHttpMethod.PUT,
                    apigwv2.CorsHttpMethod.PATCH,
                    apigwv2.CorsHttpMethod.DELETE,
                ],
                allow_headers=list(names.CORS_HEADERS),
                max_age=cdk.Duration.hours(1),
            ),
        )
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=retention(settings.log_retention_days),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=names.DEFAULT_RATE_LIMIT, burst_limit=names.DEFAULT_BURST_LIMIT
            ),
            access_log_settings=AccessLogs(
                apigwv2.LogGroupLogDestination(self.access_logs),
                apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT)),
            ),
        )
        self.routes: dict[str, apigwv2.HttpRoute] = {}

    def serve(self, *, clients: list[cognito.IUserPoolClient]) -> None:
        """Add every route; the signed-in ones accept ID tokens of these app clients.

        A step of its own: the web app's client needs the distribution, which needs the
        API, so the routes and their authorizer come after both.
        """
        self.authorizer = authorizers.HttpJwtAuthorizer(
            "CognitoJwt",
            jwt_issuer=self.users.issuer,
            # ID tokens carry custom:role and custom:partner_id; their aud is the client.
            jwt_audience=[c.user_pool_client_id for c in (self.users.client, *clients)],
            identity_source=["$request.header.Authorization"],
        )
        served = {route.function for route in ROUTES}  # expire has no route
        integration = {
            name: integrations.HttpLambdaIntegration(f"{name.title()}Integration", function)
            for name, function in self._functions.items()
            if name in served
        }
        for route in ROUTES:
            self.routes[route.key] = self._add(route, integration[route.function])
        self._throttle_public_routes()

    def _add(self, route: Route, integration: apigwv2.HttpRouteIntegration) -> apigwv2.HttpRoute:
        added = self.http_api.add_routes(
            path=route.path,
            methods=[apigwv2.HttpMethod(route.method)],
            integration=integration,
            authorizer=None if route.public else self.authorizer,
        )
        (http_route,) = added
        if route.public:
            acknowledge(
                http_route,
                "AwsSolutions-APIG4",
                f"{route.key} is public by design ({route.summary}); it is throttled on the "
                "stage, rate-limited per client in WAF and its function validates every input.",
            )
        return http_route

    def _throttle_public_routes(self) -> None:
        """Route-level limits for the routes anyone can call (L1: HttpStage has no option)."""
        stage = self.stage.node.default_child
        assert isinstance(stage, apigwv2.CfnStage)
        settings = {}
        for route in ROUTES:
            if not route.public:
                continue
            settings[route.key] = {
                "ThrottlingRateLimit": names.PUBLIC_RATE_LIMIT,
                "ThrottlingBurstLimit": names.PUBLIC_BURST_LIMIT,
            }
            # The stage may only name routes that exist already.
            stage.node.add_dependency(self.routes[route.key])
        stage.route_settings = settings

    @property
    def url(self) -> str:
        return self.stage.url
