"""HTTP header blocks read without the e-mail parser, for the stack's two servers.

`http.server` (the gateway) and werkzeug's server (moto) read every request's
headers with `http.client.parse_headers`, which feeds them through the e-mail
package's feed parser: a line splitter, a state machine and a policy per header,
about a tenth of the stack's main process CPU in the schemathesis run (py-spy,
sampled while holding the GIL), for some ten `Name: value` lines per request.

`parse_headers` here reads the same lines the same way (`http.client`'s limits on
line length and count) and builds the same `HTTPMessage` directly when every line
is a plain `Name: value` (a name of printable ASCII without a colon, no folded
continuation, no stray CR or LF) and the block ends with its blank line; any other
block (folded lines, a line without a name, a cut-off block) goes to the e-mail
parser as before, so the message is the same either way
(tests/e2e/test_local_headers.py compares the two on generated header blocks).
`install()` puts it in place of `http.client.parse_headers` in the stack's process
(which reads them: both servers and the stack's own boto3 clients).
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import Any

# A header line the e-mail parser takes as one plain header (its `headerRE`, with a
# non-empty name): everything else goes to it.
_PLAIN = re.compile(r"[\x21-\x39\x3b-\x7e]+:[^\r\n]*")
_END = (b"\r\n", b"\n")


def parse_headers(fp: Any, _class: type[http.client.HTTPMessage] = http.client.HTTPMessage) -> Any:
    """`http.client.parse_headers`, without the e-mail parser for plain header blocks."""
    lines: list[bytes] = http.client._read_headers(fp)  # type: ignore[attr-defined]
    text = b"".join(lines).decode("iso-8859-1")
    if lines[-1] in _END:
        message = _class()
        end = len(lines) - 1
        for line in lines[:end]:
            decoded = line.decode("iso-8859-1")
            stripped = decoded[:-2] if decoded.endswith("\r\n") else decoded[:-1]
            if not decoded.endswith("\n") or not _PLAIN.fullmatch(stripped):
                break
            name, _, value = stripped.partition(":")
            message._headers.append((name, value.lstrip(" \t")))
        else:
            message.set_payload("")
            return message
    return email.parser.Parser(_class=_class).parsestr(text)


def install() -> None:
    """Read HTTP headers with `parse_headers` in this process (once; where Python has
    `http.client`'s line reader, which every version since 3.11 has)."""
    if hasattr(http.client, "_read_headers") and http.client.parse_headers is not parse_headers:
        http.client.parse_headers = parse_headers
