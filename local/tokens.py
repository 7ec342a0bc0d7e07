"""Local bearer tokens: JWTs signed with a key kept in the data folder, checked like API Gateway.

On AWS, Cognito issues the tokens and API Gateway's JWT authorizer checks them.
Locally the gateway does both: `POST /_local/token` mints, `verify` checks the
signature, `exp`, issuer and audience, and `authorizer_claims` shapes the claims
the way the authorizer hands them to a function (every value a string).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt

ISSUER = "inquiries-local"
AUDIENCE = "inquiries-local"
ALGORITHM = "HS256"
DEFAULT_LIFETIME_S = 24 * 3600
MAX_LIFETIME_S = 30 * 24 * 3600
KEY_FILE = "token-key"
# Tokens whose signature and claims were checked, kept for their next requests (a caller
# sends the same token again and again); emptied when full.
VERIFIED_KEPT = 1024


class InvalidToken(Exception):
    """The bearer token is missing, malformed, badly signed or expired (401)."""


class BadTokenRequest(ValueError):
    """`POST /_local/token` got something it cannot mint a token from (422)."""


@dataclass(frozen=True)
class TokenIssuer:
    """Mints and checks the local stack's tokens with one HS256 key."""

    key: bytes
    # token -> (claims, valid from, valid until): see `verify`.
    _verified: dict[str, tuple[dict[str, Any], int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def in_folder(cls, folder: Path) -> TokenIssuer:
        """The issuer whose key lives in `folder` (made on first use, kept across restarts)."""
        path = folder / KEY_FILE
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            # Written with owner-only rights: anyone holding the key can mint HQ tokens.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
        return cls(path.read_text().strip().encode())

    def mint(
        self,
        role: str,
        *,
        partner_id: str | None = None,
        user_id: str | None = None,
        lifetime_s: int = DEFAULT_LIFETIME_S,
    ) -> str:
        """A token with the claims Cognito would carry (`sub`, `custom:role`, ...)."""
        now = int(time.time())  # tokens live in real time, whatever the simulated clock says
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "token_use": "id",
            "iat": now,
            "exp": now + lifetime_s,
            "sub": user_id or (f"{partner_id}-user" if role == "partner" else "hq-user"),
            "custom:role": role,
        }
        if partner_id is not None:
            claims["custom:partner_id"] = partner_id
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)

    def mint_from_request(self, data: Any) -> str:
        """A token for the body of `POST /_local/token`; BadTokenRequest for bad input."""
        if not isinstance(data, dict):
            raise BadTokenRequest("the body must be a JSON object")
        unknown = sorted(set(data) - {"role", "partner_id", "user_id", "expires_in"})
        if unknown:
            raise BadTokenRequest(f"unknown fields: {', '.join(unknown)}")
        role = data.get("role")
        partner_id = data.get("partner_id")
        user_id = data.get("user_id")
        lifetime = data.get("expires_in", DEFAULT_LIFETIME_S)
        if role not in ("hq", "partner"):
            raise BadTokenRequest('"role" must be "hq" or "partner"')
        if role == "partner" and not _is_id(partner_id):
            raise BadTokenRequest('a partner token needs "partner_id" (a non-empty string)')
        if role == "hq" and partner_id is not None:
            raise BadTokenRequest('an HQ token has no "partner_id"')
        if user_id is not None and not _is_id(user_id):
            raise BadTokenRequest('"user_id" must be a non-empty string')
        if (
            not isinstance(lifetime, int)
            or isinstance(lifetime, bool)
            or not 1 <= lifetime <= MAX_LIFETIME_S
        ):
            raise BadTokenRequest(f'"expires_in" must be 1 to {MAX_LIFETIME_S} seconds')
        return self.mint(role, partner_id=partner_id, user_id=user_id, lifetime_s=lifetime)

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The claims of a valid `Authorization: Bearer <jwt>` header; InvalidToken otherwise."""
        if not authorization:
            raise InvalidToken("the bearer token is missing")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("the Authorization header is not a bearer token")
        # A token checked before is not checked again (its signature, issuer and audience
        # cannot change; the HMAC and the claims' checks were a tenth of the stack's main
        # process CPU per request): only its times are, as PyJWT compares them.
        kept = self._verified.get(token)
        if kept is not None:
            claims, valid_from, valid_until = kept
            if valid_from <= time.time() < valid_until:
                return dict(claims)
        claims = self._decode(token)
        if len(self._verified) >= VERIFIED_KEPT:
            self._verified.clear()
        valid_from = max(int(claims["iat"]), int(claims.get("nbf", claims["iat"])))
        self._verified[token] = (dict(claims), valid_from, int(claims["exp"]))
        return claims

    def _decode(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("the token has expired") from None
        except jwt.InvalidTokenError:
            raise InvalidToken("the token is not valid") from None
        return claims


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's JWT authorizer passes them on: strings, lists as `[a b]`."""
    shaped: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, str):
            shaped[name] = value
        elif isinstance(value, list):
            shaped[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            shaped[name] = json.dumps(value)
        else:
            shaped[name] = str(value)
    return shaped


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= 128
