"""AUTO_REROUTE_MAX: off unless set, a whole number from 0 to 10."""

from __future__ import annotations

import pytest
from inquiries.config import Settings, SettingsError


def test_re_routing_is_off_unless_set() -> None:
    assert Settings.from_environment({"TABLE_NAME": "t"}).auto_reroute_max == 0
    assert (
        Settings.from_environment({"TABLE_NAME": "t", "AUTO_REROUTE_MAX": ""}).auto_reroute_max == 0
    )


def test_a_number_of_re_routes_is_read() -> None:
    env = {"TABLE_NAME": "t", "AUTO_REROUTE_MAX": "3"}
    assert Settings.from_environment(env).auto_reroute_max == 3


@pytest.mark.parametrize("value", ["-1", "11", "two", "1.5"])
def test_anything_else_is_refused_at_start(value: str) -> None:
    with pytest.raises(SettingsError, match="AUTO_REROUTE_MAX"):
        Settings.from_environment({"TABLE_NAME": "t", "AUTO_REROUTE_MAX": value})
