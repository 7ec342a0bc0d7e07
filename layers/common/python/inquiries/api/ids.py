"""What an id in a path or a body looks like: opaque, URL-safe, at most 64 characters.

A module of its own, without pydantic, so that a request that validates no model
(`GET /inquiries/{inquiry_id}`) does not load pydantic to check its path.
"""

ID_PATTERN = r"^[A-Za-z0-9_.~-]{1,64}$"
