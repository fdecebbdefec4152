"""The time window of the endpoint metrics: defaults, the future, CloudWatch's period granularity."""

import datetime

import pytest

from exasol_sagemaker_extension.autopilot.endpoint_metrics import parse_time, period_seconds, resolve_window
from exasol_sagemaker_extension.errors import SmeError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)


def test_times_are_read_as_exasol_prints_timestamps_in_utc():
    assert parse_time("2026-12-03 10:15:00.123000", "start_time") == datetime.datetime(
        2026, 12, 3, 10, 15, 0, 123000, tzinfo=UTC)
    assert parse_time("2026-12-03", "end_time") == datetime.datetime(2026, 12, 3, tzinfo=UTC)
    assert parse_time(None, "end_time") is None
    with pytest.raises(SmeError) as caught:
        parse_time("yesterday", "start_time")
    assert caught.value.code == "E-SME-179" and "start_time" in caught.value.message


def test_the_default_window_is_the_last_hour_and_a_later_end_is_cut_to_now():
    assert resolve_window(None, None, NOW) == (NOW - datetime.timedelta(hours=1), NOW)
    start = NOW - datetime.timedelta(minutes=5)
    assert resolve_window(start, NOW + datetime.timedelta(days=1), NOW) == (start, NOW)


@pytest.mark.parametrize(("start", "end", "code"), [
    (NOW + datetime.timedelta(seconds=1), None, "E-SME-180"),
    (NOW, None, "E-SME-180"),
    (NOW - datetime.timedelta(hours=1), NOW - datetime.timedelta(hours=2), "E-SME-181"),
])
def test_windows_in_the_future_or_empty_are_refused(start, end, code):
    with pytest.raises(SmeError) as caught:
        resolve_window(start, end, NOW)
    assert caught.value.code == code


def test_one_period_covers_the_window_in_cloudwatchs_granularity_for_its_age():
    hour_ago = NOW - datetime.timedelta(hours=1)
    assert period_seconds(hour_ago, NOW, NOW) == 3600
    assert period_seconds(NOW - datetime.timedelta(seconds=30), NOW, NOW) == 60
    assert period_seconds(NOW - datetime.timedelta(seconds=61), NOW, NOW) == 120
    old = NOW - datetime.timedelta(days=20)
    assert period_seconds(old, old + datetime.timedelta(seconds=301), NOW) == 600
    older = NOW - datetime.timedelta(days=70)
    assert period_seconds(older, older + datetime.timedelta(minutes=5), NOW) == 3600
