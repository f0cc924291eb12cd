"""Clinic time, slot checks and the course proposal, without a database or a clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from acuback.clinical.scheduling import (
    Busy,
    CourseRequest,
    find_clash,
    local_day_bounds,
    nonsense_in_times,
    outside_hours,
    propose_course,
    to_utc,
)
from acuback.errors import InputError

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
WEEKDAYS_9_TO_5 = {d: [(dt.time(9), dt.time(17))] for d in range(5)}
# Europe/London went from BST to GMT on Sunday 25 October 2026.
BEFORE, AFTER = dt.date(2026, 10, 20), dt.date(2026, 10, 27)


def test_local_time_maps_to_utc_across_the_change() -> None:
    assert to_utc(BEFORE, dt.time(10), LONDON) == dt.datetime(2026, 10, 20, 9, tzinfo=UTC)
    assert to_utc(AFTER, dt.time(10), LONDON) == dt.datetime(2026, 10, 27, 10, tzinfo=UTC)
    start, end = local_day_bounds(dt.date(2026, 10, 25), LONDON)
    assert end - start == dt.timedelta(hours=25)


def test_hours_are_judged_in_local_time() -> None:
    nine_utc_after = dt.datetime(2026, 10, 27, 9, tzinfo=UTC)  # 09:00 GMT: open
    eight_utc_before = dt.datetime(2026, 10, 20, 7, 30, tzinfo=UTC)  # 08:30 BST: closed
    hour = dt.timedelta(hours=1)
    assert not outside_hours(nine_utc_after, nine_utc_after + hour, WEEKDAYS_9_TO_5, LONDON)
    assert outside_hours(eight_utc_before, eight_utc_before + hour, WEEKDAYS_9_TO_5, LONDON)
    saturday = dt.datetime(2026, 10, 24, 10, tzinfo=UTC)
    assert outside_hours(saturday, saturday + hour, WEEKDAYS_9_TO_5, LONDON)


def test_clash_and_nonsense() -> None:
    t = dt.datetime(2030, 1, 7, 10, tzinfo=UTC)
    busy = [Busy(t, t + dt.timedelta(minutes=45), "appointment 1")]
    assert find_clash(t + dt.timedelta(minutes=30), t + dt.timedelta(hours=1), busy) == busy[0]
    assert find_clash(t + dt.timedelta(minutes=45), t + dt.timedelta(hours=1), busy) is None
    now = dt.datetime(2029, 1, 1, tzinfo=UTC)
    assert nonsense_in_times(t, t + dt.timedelta(hours=5), now, new=True) is not None
    hour_ago = now - dt.timedelta(hours=1)
    assert "past" in (nonsense_in_times(hour_ago, now, now, new=True) or "")
    assert nonsense_in_times(hour_ago, now, now, new=False) is None
    early = dt.datetime(1899, 6, 1, tzinfo=UTC)
    assert "1900" in (nonsense_in_times(early, early + dt.timedelta(hours=1), now, new=False) or "")


def _request(**changes: object) -> CourseRequest:
    base = {
        "sessions_per_week": 2,
        "weeks": 5,
        "total_sessions": 10,
        "reassess_after_sessions": 6,
        "first_day": BEFORE - dt.timedelta(days=1),
        "weekdays": (1, 3),
        "times": (dt.time(10), dt.time(14)),
    }
    return CourseRequest(**{**base, **changes})  # type: ignore[arg-type]


def _open_weekdays(start: dt.datetime, end: dt.datetime) -> str | None:
    return "closed" if outside_hours(start, end, WEEKDAYS_9_TO_5, LONDON) else None


def test_course_keeps_local_times_across_the_change_and_marks_reassessment() -> None:
    proposal = propose_course(_request(), LONDON, _open_weekdays)
    visits = proposal.visits
    assert len(visits) == 10
    assert proposal.short_by == 0
    assert {v.starts_at.astimezone(LONDON).time() for v in visits} == {dt.time(10)}
    assert {v.starts_at.astimezone(LONDON).weekday() for v in visits} == {1, 3}
    assert {v.starts_at.hour for v in visits} == {9, 10}  # BST then GMT in UTC
    assert [v.number for v in visits if v.reassessment] == [6]


def test_course_skips_taken_slots_and_closed_preferred_days() -> None:
    taken = to_utc(BEFORE, dt.time(10), LONDON)

    def check(start: dt.datetime, end: dt.datetime) -> str | None:
        if start == taken:
            return "the practitioner already has appointment 9"
        return _open_weekdays(start, end)

    proposal = propose_course(_request(weekdays=(1, 5)), LONDON, check)  # Tue and Saturday
    starts = [v.starts_at for v in proposal.visits]
    assert to_utc(BEFORE, dt.time(14), LONDON) in starts  # the second preferred time
    assert to_utc(BEFORE - dt.timedelta(days=1), dt.time(10), LONDON) in starts  # Monday instead
    assert starts == sorted(starts)
    assert any("appointment 9" in why for why in proposal.skipped)
    assert any("closed" in why for why in proposal.skipped)  # Saturdays
    assert all(v.starts_at.astimezone(LONDON).weekday() < 5 for v in proposal.visits)


def test_payer_limit_beyond_twelve_needs_improvement() -> None:
    prior = [BEFORE - dt.timedelta(days=20 - i) for i in range(10)]
    not_improving = propose_course(
        _request(),
        LONDON,
        _open_weekdays,
        prior_visits=prior,
        payer_rule="medicare",
        improving=False,
    )
    covered = [v.coverage.covered for v in not_improving.visits if v.coverage]
    assert covered == [True, True] + [False] * 8  # visits 11 and 12 of the year only
    improving = propose_course(
        _request(),
        LONDON,
        _open_weekdays,
        prior_visits=prior,
        payer_rule="medicare",
        improving=True,
    )
    assert [v.coverage.covered for v in improving.visits if v.coverage] == [True] * 10


def test_bad_request_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        propose_course(_request(times=()), LONDON, _open_weekdays)
    assert caught.value.field == "times"
    with pytest.raises(InputError) as caught:
        propose_course(_request(weekdays=(9,)), LONDON, _open_weekdays)
    assert caught.value.field == "weekdays[0]"
