"""Invitation codes: random, hashed, shape-checked; durations."""

import datetime as dt
import hashlib

import pytest

from vettriage.web import codes


def test_codes_are_long_random_and_url_safe():
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    for c in made:
        assert codes.code_shape_ok(c)
        assert len(c) * 6 >= 128  # base64url: 6 bits a character
        assert set(c) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_hash_is_sha256_hex_and_compared_exactly():
    c = codes.new_code()
    h = codes.hash_code(c)
    assert h == hashlib.sha256(c.encode()).hexdigest()
    assert codes.same_hash(h, codes.hash_code(c))
    assert not codes.same_hash(h, codes.hash_code(c + "x"))
    assert not codes.same_hash(h, h[:-1])


@pytest.mark.parametrize("bad", ["", "short", "a" * 39, "a" * 65, "../../etc/passwd" + "a" * 30,
                                 "a" * 42 + "%", "a" * 42 + " "])
def test_shape_refuses_anything_not_ours(bad):
    assert not codes.code_shape_ok(bad)


@pytest.mark.parametrize("text, delta", [("90m", dt.timedelta(minutes=90)), ("72h", dt.timedelta(hours=72)),
                                         ("3d", dt.timedelta(days=3)), (" 1h ", dt.timedelta(hours=1))])
def test_durations(text, delta):
    assert codes.parse_duration(text) == delta


@pytest.mark.parametrize("bad", ["", "72", "h", "0h", "-1h", "1y", "1.5h", "91d", "72 hours"])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        codes.parse_duration(bad)


def test_id_or_code():
    assert codes.looks_like_id("12")
    assert not codes.looks_like_id(codes.new_code())


def test_seconds_only_where_asked_for():
    import datetime as dt

    import pytest

    from vettriage.web.codes import parse_duration

    with pytest.raises(ValueError):
        parse_duration("45s")  # an invitation's lifetime is never given in seconds
    assert parse_duration("45s", seconds=True) == dt.timedelta(seconds=45)
    assert parse_duration("30m", seconds=True) == dt.timedelta(minutes=30)
