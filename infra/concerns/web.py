"""The web app at one origin: CloudFront in front of a private bucket and the HTTP API.

- `/`, `/index.html`, `/assets/*`, `/config.json` (and anything else that is no API
  path) come from a private S3 bucket that only this distribution may read (origin
  access control); the bucket is never public.
- Every path of the API (derived from the shared route table) goes to the HTTP API,
  uncached, with the viewer's headers (the bearer token included) and methods: the app
  calls the API at its own origin, so it needs no CORS and no other workaround.
- `/form.js`, the website form's script (web/src/form/), comes from the bucket too, at a
  stable path, with CORS for the sites that embed the form (`website_origin` and the
  `form_origins` context value); the form it defines posts to `POST /inquiries` beside the
  script, that is through this distribution (its WAF and its origin header), wherever the
  page that embeds it is.
- The distribution carries the WAF web ACL of the edge stack (per-client rate limit on
  POST /inquiries).
- Sign-in: Cognito's managed login on the user pool's domain, a public app client (no
  secret) for the authorization-code flow (the app always adds PKCE), with the app's
  URL as its only callback and sign-out URL; `/config.json` tells the app all of it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct
from inquiries.api.routes import ROUTES

from infra import names
from infra.nag import acknowledge

# The app's own paths (the shared contract): everything else the API serves.
APP_PATHS = (
    "/",
    "/index.html",
    "/assets/*",
    f"/{names.WEB_CONFIG}",
    "/favicon.ico",
    f"/{names.FORM_SCRIPT}",
)


def api_path_patterns() -> list[str]:
    """CloudFront path patterns that send every route of the API to the HTTP API.

    A route of one segment by its exact path (`/inquiries`, `/openapi.json`); a longer
    one by its first segment and a wildcard (`/inquiries/*`, `/reports/*`).
    """
    patterns: set[str] = set()
    for route in ROUTES:
        first, *rest = route.path.strip("/").split("/")
        patterns.add(f"/{first}/*" if rest else f"/{first}")
    clash = patterns & set(APP_PATHS)
    if clash:  # the contract keeps the two apart; a new route must not shadow the app
        raise ValueError(f"API paths {sorted(clash)} would hide the web app's own paths")
    return sorted(patterns)


class WebApp(Construct):
    """The bucket, the distribution, the managed login and the app's client."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        http_api: apigwv2.HttpApi,
        pool: cognito.UserPool,
        web_acl_arn: str,
        settings: names.Settings,
        origin_verify: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        if not (settings.web_dist / "index.html").is_file():
            raise ValueError(
                f"no built web app at {settings.web_dist} (index.html): run `make web` "
                f"(`make synth` does) or pass -c {names.CONTEXT_WEB_DIST}=<directory>"
            )
        if not (settings.web_dist / names.FORM_SCRIPT).is_file():
            raise ValueError(
                f"no website form script at {settings.web_dist / names.FORM_SCRIPT}: run `make web`"
            )
        stack = cdk.Stack.of(self)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Only the built app, rebuilt at every deployment: nothing to keep.
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "The bucket holds only the built web app, written by the deployment and read "
            "by CloudFront alone; access logs would add nothing but visitors' requests.",
        )
        api_origin = origins.HttpOrigin(
            f"{http_api.api_id}.execute-api.{stack.region}.{stack.url_suffix}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            # Replaces a header of that name that a viewer sends.
            custom_headers=(
                {names.ORIGIN_VERIFY_HEADER: origin_verify} if origin_verify is not None else None
            ),
        )
        api = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            # Uncached, so every viewer header (the bearer token too) reaches the API;
            # Host stays the API's own, which API Gateway needs.
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        )
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", settings.app_certificate_arn)
            if settings.app_certificate_arn
            else None
        )
        files = origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        form_script = cloudfront.BehaviorOptions(
            origin=files,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
            cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            response_headers_policy=self._form_script_headers(settings),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Partner inquiries: the web app and its API",
            default_behavior=cloudfront.BehaviorOptions(
                origin=files,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
            ),
            additional_behaviors={
                f"/{names.FORM_SCRIPT}": form_script,
                **{pattern: api for pattern in api_path_patterns()},
            },
            default_root_object="index.html",
            web_acl_id=web_acl_arn,
            domain_names=[settings.app_domain] if settings.app_domain else None,
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "Prospects and partners may be anywhere; the per-client rate limit in WAF, not "
            "a country list, is what protects the public form.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR3",
            "CloudFront access logs record every visitor's IP address (personal data); "
            "CloudWatch and WAF metrics and the API's access log (no IPs) are kept instead.",
        )
        if not settings.app_domain:
            acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "On its own cloudfront.net name a distribution negotiates TLS as CloudFront "
                "sets it; with app_domain and a certificate it requires TLS 1.2 (2021 policy).",
            )
        domain = settings.app_domain or self.distribution.distribution_domain_name
        self.url = f"https://{domain}/"

        prefix = settings.auth_domain_prefix or f"partner-inquiries-{cdk.Aws.ACCOUNT_ID}"
        self.login = pool.add_domain(
            "Login",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix),
            managed_login_version=cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
        )
        self.client = pool.add_client(
            "Web",
            generate_secret=False,  # a browser app cannot keep a secret: PKCE instead
            auth_flows=cognito.AuthFlow(user_srp=True),  # what managed login signs in with
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(
                    authorization_code_grant=True,
                    implicit_code_grant=False,  # tokens never travel in a URL
                    client_credentials=False,
                ),
                scopes=[cognito.OAuthScope.custom(scope) for scope in names.WEB_SCOPES],
                callback_urls=[self.url],
                logout_urls=[self.url],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=cdk.Duration.hours(1),
            access_token_validity=cdk.Duration.hours(1),
            refresh_token_validity=cdk.Duration.hours(12),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(names.ROLE_ATTRIBUTE, names.PARTNER_ATTRIBUTE),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        # Managed login shows its pages for a client only with a style; Cognito's own.
        cognito.CfnManagedLoginBranding(
            self,
            "LoginStyle",
            user_pool_id=pool.user_pool_id,
            client_id=self.client.user_pool_client_id,
            use_cognito_provided_values=True,
        )
        login = self.login.base_url()
        self.config = {
            "auth": "cognito",
            "authorize_url": f"{login}/oauth2/authorize",
            "token_url": f"{login}/oauth2/token",
            "logout_url": f"{login}/logout",
            "client_id": self.client.user_pool_client_id,
            "redirect_uri": self.url,
            "scopes": list(names.WEB_SCOPES),
        }
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Files",
            sources=[
                s3deploy.Source.asset(str(settings.web_dist)),
                s3deploy.Source.json_data(names.WEB_CONFIG, self.config),
            ],
            destination_bucket=self.bucket,
            # Revalidated on every load (ETag): a deployment shows at once, assets included.
            cache_control=[s3deploy.CacheControl.no_cache()],
            distribution=self.distribution,
            distribution_paths=[
                "/",
                "/index.html",
                f"/{names.WEB_CONFIG}",
                f"/{names.FORM_SCRIPT}",
            ],
            memory_limit=256,
        )
        self._acknowledge_deployment_function(stack)

    def _form_script_headers(self, settings: names.Settings) -> cloudfront.ResponseHeadersPolicy:
        """The form's script: CORS for the sites that embed the form, and the usual safety.

        A classic `<script src>` needs no CORS; a site that loads it with `crossorigin` (for
        Subresource Integrity, or under a strict CSP) does, and gets it for its origin only.
        """
        return cloudfront.ResponseHeadersPolicy(
            self,
            "FormScriptHeaders",
            comment="The website form's script: CORS for the sites that embed the form",
            cors_behavior=cloudfront.ResponseHeadersCorsBehavior(
                access_control_allow_credentials=False,
                access_control_allow_headers=["*"],
                access_control_allow_methods=["GET", "HEAD", "OPTIONS"],
                access_control_allow_origins=settings.form_script_origins,
                access_control_max_age=cdk.Duration.hours(1),
                origin_override=True,
            ),
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(365),
                    include_subdomains=True,
                    override=True,
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    # Loadable by pages that isolate themselves (Cross-Origin-Embedder-Policy).
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Resource-Policy", value="cross-origin", override=True
                    )
                ]
            ),
        )

    def _acknowledge_deployment_function(self, stack: cdk.Stack) -> None:
        """The function CDK provides to copy the files (one per stack, beside the stack)."""
        (provider,) = (
            child
            for child in stack.node.children
            if child.node.id.startswith("Custom::CDKBucketDeployment")
        )
        bucket = self.bucket.node.default_child
        assert isinstance(bucket, s3.CfnBucket)
        bucket_id = stack.resolve(bucket.logical_id)
        why = "CDK's BucketDeployment function copies the built app from CDK's asset bucket"
        acknowledge(
            provider,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            f"{why}; the managed policy only lets it write its own logs.",
        )
        acknowledge(
            provider,
            "AwsSolutions-L1",
            f"{why}; its runtime is the one the installed aws-cdk-lib ships and tests.",
        )
        for wildcard in (
            "Action::s3:Abort*",
            "Action::s3:DeleteObject*",
            "Action::s3:GetBucket*",
            "Action::s3:GetObject*",
            "Action::s3:List*",
            "Resource::*",
            f"Resource::<{bucket_id}.Arn>/*",
            f"Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-"
            f"{stack.region}/*",
        ):
            acknowledge(
                provider,
                f"AwsSolutions-IAM5[{wildcard}]",
                f"{why} into the app's bucket: CDK's grants, confined to those two buckets "
                "(Resource::* is CloudFront's invalidation, which takes no resource).",
            )
