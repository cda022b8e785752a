"""Durations and timestamps: table tests of the parsers every module relies on."""

import datetime

import pytest

from ansible_collections.prefect.cloud.plugins.module_utils._engine.values import (
    RequestedExpiration,
    format_datetime,
    parse_datetime,
    parse_duration,
    requested_expiration_label,
)

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("7d", 7 * 86400),
        ("12h", 12 * 3600),
        ("30m", 1800),
        ("45s", 45),
        ("1w2d", 9 * 86400),
        ("1d 12h", 36 * 3600),
        ("3600", 3600),
        (3600, 3600),
        ("0", 0),
        ("2W", 14 * 86400),
    ],
)
def test_durations_are_read(text, seconds):
    assert parse_duration(text, "rotate_if_expires_within") == seconds


@pytest.mark.parametrize("text", ["", "7", "x", "7days", "d7", "7d-", "-5", "1.5d", "7y", True, -3])
def test_bad_durations_name_the_option(text):
    if text == "7":  # a bare number is seconds, so it is valid
        assert parse_duration(text, "opt") == 7
        return
    with pytest.raises(ValueError) as info:
        parse_duration(text, "rotate_if_expires_within")
    assert "rotate_if_expires_within" in str(info.value)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-03T17:08:09Z", "2024-05-03T17:08:09Z"),
        ("2024-05-03T17:08:09.123456Z", "2024-05-03T17:08:09Z"),
        ("2024-05-03T17:08:09.1234567+00:00", "2024-05-03T17:08:09Z"),
        ("2024-05-03T19:08:09+02:00", "2024-05-03T17:08:09Z"),
        ("2024-05-03T17:08:09", "2024-05-03T17:08:09Z"),
        (None, None),
    ],
)
def test_timestamps_normalise_to_utc_z(text, expected):
    assert format_datetime(text) == expected


def test_equal_moments_in_two_spellings_compare_equal():
    assert parse_datetime("2024-05-03T17:08:09Z") == parse_datetime("2024-05-03T19:08:09+02:00")


def test_expiration_from_a_duration_or_a_date():
    assert RequestedExpiration("90d", "api_key_expiration", NOW).at(NOW) == NOW + datetime.timedelta(days=90)
    assert RequestedExpiration("2027-01-31T00:00:00Z", "api_key_expiration", NOW).at(NOW) == datetime.datetime(
        2027, 1, 31, tzinfo=datetime.timezone.utc
    )


@pytest.mark.parametrize("value", ["2020-01-01T00:00:00Z", "0", "soon", "9999999999w"])
def test_expiration_must_be_a_future_moment(value):
    with pytest.raises(ValueError) as info:
        RequestedExpiration(value, "api_key_expiration", NOW)
    assert "api_key_expiration" in str(info.value)


def test_a_duration_stands_for_a_moment_taken_at_write_time():
    expiration = RequestedExpiration("1d", "api_key_expiration", NOW)
    later = NOW + datetime.timedelta(hours=5)
    assert expiration.is_duration
    assert expiration.wire(later) == "2026-01-02T17:00:00.000000Z"
    assert expiration.label == "1d from now"


def test_a_fixed_moment_is_the_same_whenever_it_is_written():
    expiration = RequestedExpiration("2027-01-31T00:00:00Z", "api_key_expiration", NOW)
    assert not expiration.is_duration
    assert expiration.wire(NOW) == expiration.wire(NOW + datetime.timedelta(days=30)) == "2027-01-31T00:00:00.000000Z"
    assert expiration.label == "2027-01-31T00:00:00Z"


@pytest.mark.parametrize("value, label", [("90d", "90d from now"), ("3600", "3600s from now"), ("1W 2D", "1w2d from now"), (None, None)])
def test_expiration_labels(value, label):
    assert requested_expiration_label(value, "api_key_expiration") == label
