"""The table of moves is the lifecycle's one home: the doc, dispatch and services agree."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from django.utils import translation

from memnun.devtools.lifecycle_doc import LIFECYCLE_DOC, lifecycle_doc_table, matrix_markdown
from memnun.feedback.codes import Status
from memnun.feedback.errors import Conflict
from memnun.feedback.moves import MOVES, Move, moves_markdown, transition_move
from memnun.feedback.services.lifecycle import TransitionInput


def test_the_doc_shows_the_table_as_the_code_has_it() -> None:
    """Fails after a change to MOVES: run `python manage.py lifecycle_table --write`."""
    document = LIFECYCLE_DOC.read_text(encoding="utf-8")
    assert lifecycle_doc_table(document) == moves_markdown()


def test_the_doc_shows_the_permission_matrix_as_the_code_has_it() -> None:
    """Fails after a change to MATRIX: run `python manage.py lifecycle_table --write`."""
    document = LIFECYCLE_DOC.read_text(encoding="utf-8")
    assert lifecycle_doc_table(document, "roles") == matrix_markdown()


@pytest.mark.parametrize("move", MOVES, ids=[m.name for m in MOVES])
def test_each_move_names_its_service_and_what_the_service_takes(move: Move) -> None:
    parameters = set(inspect.signature(move.perform).parameters)
    if move.by_transition:
        # What feedback_transition passes besides the move's inputs.
        assert {"actor", "feedback", "now"} <= parameters
    assert set(move.inputs) <= parameters
    fields = {f.name for f in dataclasses.fields(TransitionInput)}
    assert {name for source in move.inputs.values() for name in source.split("|")} <= fields
    assert not move.by_transition or move.inputs, "a transition must reach its service"


def test_moves_to_one_place_from_one_status_share_their_service() -> None:
    """The dispatch takes one of them; the service tells them apart (by the closure)."""
    for move in MOVES:
        for source in move.sources:
            services = {
                m.service for m in MOVES
                if m.by_transition and source in m.sources and m.target == move.target
            }
            assert len(services) <= 1, (source, move.target)


@pytest.mark.parametrize(
    ("source", "target", "closure", "expected"),
    [
        (Status.CREATED, Status.IN_PROGRESS, None, "start"),
        (Status.UNDER_REVIEW, Status.IN_PROGRESS, None, "send_back"),
        (Status.CLOSED, Status.IN_PROGRESS, None, "reopen"),
        (Status.RESOLVED, Status.CLOSED, "options_exhausted", "close_exhausted"),
        (Status.RESOLVED, Status.CLOSED, "response_sent", "close_responded"),
        (Status.RESOLVED, Status.CLOSED, None, "close_agreed"),
        # The service then refuses the closure asked for, with its own reason.
        (Status.IN_PROGRESS, Status.CLOSED, "customer_agreed", "close_exhausted"),
    ],
)
def test_a_transition_finds_its_move(
    source: str, target: str, closure: str | None, expected: str
) -> None:
    assert transition_move(source=source, target=target, closure=closure).name == expected


@pytest.mark.parametrize(
    ("source", "target", "words"),
    [
        (Status.CREATED, Status.RESOLVED, "cannot move to"),
        (Status.UNDER_REVIEW, Status.CLOSED, "cannot move to"),  # merging is not a transition
        (Status.RESOLVED, Status.IN_PROGRESS, "record their answer"),
    ],
)
def test_a_transition_no_move_makes_is_refused(source: str, target: str, words: str) -> None:
    with translation.override("en"), pytest.raises(Conflict, match=words):
        transition_move(source=source, target=target)
