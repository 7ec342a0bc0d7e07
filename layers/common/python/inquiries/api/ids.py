"""What an id in a path or a body looks like: opaque, URL-safe, at most 64 characters.

A module of its own, without pydantic, so that a request that validates no model
(`GET /inquiries/{inquiry_id}`) does not load pydantic to check its path.

An id is a path segment (`/partners/{partner_id}`), so one made of dots only (`.`,
`..`) is none: browsers and HTTP clients resolve it away before the request is sent.
The pattern says so without look-around (pydantic's regular expressions have none),
the length is checked apart from it.
"""

import re

ID_PATTERN = r"^[A-Za-z0-9_.~-]*[A-Za-z0-9_~-][A-Za-z0-9_.~-]*$"
ID_MAX_LENGTH = 64


def is_id(value: str) -> bool:
    """Whether `value` can be an id (the length first: the pattern backtracks)."""
    return len(value) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, value) is not None
