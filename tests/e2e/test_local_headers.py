"""The stack's servers read header blocks into the same message `http.client` makes.

`local.headers.parse_headers` skips the e-mail parser for plain `Name: value` blocks;
on generated blocks (plain ones, and ones with folded lines, stray CR or LF, lines
without a name or colon, `From ` lines, Latin-1 and control characters, a missing
blank line, too long lines and too many of them) it must give the same message (every
attribute: headers in order, payload, defects) as `http.client.parse_headers`, leave
the stream at the same place, or raise the same error.
"""

from __future__ import annotations

import http.client
import io
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from local import headers

# Characters that matter to the parsers, and a few that do not.
_CHARS = st.sampled_from(list("Ab-_:; \t\r\n\x0b\x0c\x85\xe9\xff\x00~From"))
_LINE = st.one_of(
    # plain lines, as clients send them
    st.builds(
        lambda name, value, end: f"{name}:{value}{end}",
        st.text(st.sampled_from(list("AbcX-_.!#")), min_size=1, max_size=8),
        st.text(st.sampled_from(list("ab 9=;,\t\xe9\xff/")), max_size=12),
        st.sampled_from(["\r\n", "\n"]),
    ),
    # anything
    st.text(_CHARS, max_size=16),
)
_BLOCK = st.builds(
    lambda lines, end, rest: ("".join(lines) + end + rest).encode("iso-8859-1"),
    st.lists(_LINE, max_size=8),
    st.sampled_from(["\r\n", "\n", ""]),
    st.sampled_from(["", "body", "\r\nmore"]),
)


def _read(parse: Any, data: bytes) -> tuple[Any, ...]:
    stream = io.BytesIO(data)
    try:
        message = parse(stream)
    except http.client.HTTPException as error:
        return ("raised", type(error).__name__, str(error))
    state = dict(vars(message))
    state["defects"] = [type(defect).__name__ for defect in message.defects]
    return (type(message).__name__, state, stream.read())


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(_BLOCK)
@example(b"Host: x\r\nContent-Length: 3\r\n\r\nabc")
@example(b"Host: x\r\n folded\r\n\r\n")
@example(b"Host: x\r\n")  # no blank line: the stream ended
@example(b"From nobody\r\nHost: x\r\n\r\n")
@example(b": no name\r\n\r\n")
@example(b"X-A:   \r\nX-B:\tv \r\n\r\n")
@example(b"X-A: a\rb\r\n\r\n")
@example(b"X-A: \x85\x0b\x0c\xff\r\n\r\n")
@example(b"X" * 70000 + b": long\r\n\r\n")
@example(b"X: y\r\n" * 101 + b"\r\n")
def test_a_header_block_is_read_as_http_client_reads_it(data: bytes) -> None:
    assert _read(headers.parse_headers, data) == _read(http.client.parse_headers, data)


def test_plain_blocks_skip_the_email_parser(monkeypatch: Any) -> None:
    # The point of it: a request's usual headers never reach the e-mail parser.
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the e-mail parser was used")

    monkeypatch.setattr(headers.email.parser.Parser, "parsestr", refused)
    block = b"Host: 127.0.0.1:8000\r\nAuthorization: Bearer a.b.c\r\nContent-Length: 2\r\n\r\n{}"
    message = headers.parse_headers(io.BytesIO(block))
    assert message["authorization"] == "Bearer a.b.c"
    assert message.get_all("Content-Length") == ["2"]
