"""The Lambda model's waiting time: calls one after the other add up, a pool's wait together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bench._counting import current_lane, tasks_as_lanes
from bench._lambda_model import LATENCY_MS, waiting_ms

QUERY = LATENCY_MS[("dynamodb", "Query")]
CREATE = LATENCY_MS[("scheduler", "CreateSchedule")]


def test_the_handlers_own_calls_wait_one_after_the_other() -> None:
    lanes = {("", "dynamodb", "Query"): 2, ("", "scheduler", "CreateSchedule"): 1}
    assert waiting_ms(lanes) == 2 * QUERY + CREATE


def test_a_pool_waits_as_long_as_its_slowest_task_and_pools_add_up() -> None:
    lanes = {
        ("", "dynamodb", "Query"): 1,
        # One pool: eight shard queries at once, and one task that made two calls.
        **{(f"poolA_{n}", "dynamodb", "Query"): 1 for n in range(8)},
        ("poolA_8", "dynamodb", "Query"): 2,
        # Another pool later: an offer's two schedules at once.
        ("poolB_0", "scheduler", "CreateSchedule"): 1,
        ("poolB_1", "scheduler", "CreateSchedule"): 1,
    }
    assert waiting_ms(lanes) == QUERY + 2 * QUERY + CREATE


def test_each_task_is_a_lane_even_when_the_pool_runs_them_on_one_thread() -> None:
    # The emulator answers so fast that a pool reuses one thread; on AWS they wait apart.
    with ThreadPoolExecutor(max_workers=1) as pool:
        plain = {pool.submit(current_lane).result() for _ in range(3)}
    with tasks_as_lanes(), ThreadPoolExecutor(max_workers=1) as pool:
        tracked = {pool.submit(current_lane).result() for _ in range(3)}
    assert len(plain) == 1 and len(tracked) == 3
    assert current_lane() == ""  # the main thread: the handler's own calls
