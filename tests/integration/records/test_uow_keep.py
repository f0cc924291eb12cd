"""The unit of work's one mechanism for writes that outlive a failure (`keep`, `refused`): a
kept write stays through a rollback and is committed on its own when the block fails; the rest
of the block is undone; a kept write committed once is not redone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acuback.errors import InputError
from acuback.records import UnitOfWork


def _rooms(uow: Callable[[], UnitOfWork]) -> set[str]:
    with uow() as work:
        return set(work.schedule.rooms().values())


def _fails(uow: Callable[[], UnitOfWork], block: Callable[[UnitOfWork], object]) -> None:
    with uow() as work:
        block(work)
        raise InputError("room", "the request fails")


def test_a_failed_block_keeps_only_the_kept_write(uow: Callable[[], UnitOfWork]) -> None:
    def block(work: UnitOfWork) -> None:
        work.schedule.add_room("undone")
        work.keep(lambda again: again.schedule.add_room("kept"))
        work.schedule.add_room("undone too")

    with pytest.raises(InputError):
        _fails(uow, block)
    assert _rooms(uow) == {"kept"}


def test_a_rollback_redoes_the_kept_writes(uow: Callable[[], UnitOfWork]) -> None:
    with uow() as work:
        work.keep(lambda again: again.schedule.add_room("kept"))
        work.schedule.add_room("rolled back")
        work.rollback()
        work.schedule.add_room("after the rollback")
    assert _rooms(uow) == {"kept", "after the rollback"}


def test_a_refusal_is_audited_once_and_what_came_before_it_is_undone(
    uow: Callable[[], UnitOfWork],
) -> None:
    def block(work: UnitOfWork) -> None:
        work.schedule.add_room("before the refusal")
        work.refused("tester", "clinic.admin", "room", 3, "denied", {"why": "test"})
        work.commit()  # committed once: a later failure must not write it again

    with pytest.raises(InputError):
        _fails(uow, block)
    with uow() as work:
        entries = work.audit.entries(entity="room")
    assert [(e.actor, e.outcome, e.entity_id, e.detail) for e in entries] == [
        ("tester", "denied", "3", {"why": "test"})
    ]
    assert _rooms(uow) == set()
