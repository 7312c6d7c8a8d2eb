"""Who may call which CatalogueService RPC, and how bad requests are refused, over gRPC.

Every refused call is also checked to have changed nothing, by comparing everything the
operator can read (activities in every state and the enrolments) before and after the call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from services.runtime.status import field_violations
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from tests.catalogue.builders import valid_details
from tests.catalogue.conftest import Catalogue
from tests.conftest import bearer, channel_to

Metadata = tuple[tuple[str, str], ...]

OPERATOR = bearer("operator")
COORDINATOR = bearer("coordinator")
OK = grpc.StatusCode.OK
DENIED = grpc.StatusCode.PERMISSION_DENIED
HIDDEN = grpc.StatusCode.NOT_FOUND  # drafts are private: others are told they do not exist
TOO_EARLY = grpc.StatusCode.FAILED_PRECONDITION
INVALID = grpc.StatusCode.INVALID_ARGUMENT

SERVICE = pb.DESCRIPTOR.services_by_name["CatalogueService"]
RPCS = [method.name for method in SERVICE.methods]
ALL_STATES = [
    pb.ACTIVITY_STATE_DRAFT,
    pb.ACTIVITY_STATE_PUBLISHED,
    pb.ACTIVITY_STATE_CANCELLED,
    pb.ACTIVITY_STATE_COMPLETED,
]


@dataclass
class World:
    """Activities of esn-valencia-upv, made by its coordinator."""

    draft: pb.Activity
    published: pb.Activity  # ana and ben are confirmed
    open: pb.Activity  # published, nobody enrolled


async def create(catalogue: Catalogue, publish: bool, **overrides: Any) -> pb.Activity:
    response = await catalogue.stub.CreateActivity(
        pb.CreateActivityRequest(details=valid_details(**overrides)), metadata=COORDINATOR
    )
    activity: pb.Activity = response.activity
    if publish:
        published = await catalogue.stub.PublishActivity(
            pb.PublishActivityRequest(activity_id=activity.id), metadata=COORDINATOR
        )
        activity = published.activity
    return activity


async def make_world(catalogue: Catalogue) -> World:
    draft, published, open_ = await asyncio.gather(
        create(catalogue, False), create(catalogue, True), create(catalogue, True)
    )
    for student in ("ana", "ben"):
        await catalogue.stub.EnrolStudent(
            pb.EnrolStudentRequest(activity_id=published.id, student_id=student),
            metadata=COORDINATOR,
        )
    return World(draft, published, open_)


async def snapshot(catalogue: Catalogue, world: World) -> tuple[list[pb.Activity], ...]:
    """Every activity in every state, and the enrolments of the world's activities."""
    activities: list[pb.Activity] = []
    token = ""
    while True:
        page = await catalogue.stub.ListActivities(
            pb.ListActivitiesRequest(
                filter=pb.ActivityFilter(states=ALL_STATES), page_size=100, page_token=token
            ),
            metadata=OPERATOR,
        )
        activities.extend(page.activities)
        token = page.next_page_token
        if not token:
            break
    enrolments = []
    for activity in (world.published, world.open):
        listed = await catalogue.stub.ListEnrolments(
            pb.ListEnrolmentsRequest(activity_id=activity.id, page_size=100), metadata=OPERATOR
        )
        enrolments.append(list(listed.enrolments))
    return (activities, *enrolments)


async def call(
    catalogue: Catalogue, rpc: str, request: Message, metadata: Metadata
) -> grpc.aio.AioRpcError | None:
    try:
        await getattr(catalogue.stub, rpc)(request, metadata=metadata)
    except grpc.aio.AioRpcError as error:
        return error
    return None


async def code_of(
    catalogue: Catalogue, rpc: str, request: Message, metadata: Metadata
) -> grpc.StatusCode:
    error = await call(catalogue, rpc, request, metadata)
    return OK if error is None else error.code()


# Requests -----------------------------------------------------------------------------------

Build = Callable[[World], tuple[str, Message]]


def _update(activity: pb.Activity, **overrides: Any) -> pb.UpdateActivityRequest:
    return pb.UpdateActivityRequest(
        activity_id=activity.id,
        expected_version=activity.version,
        details=valid_details(**{"title": "Beach clean-up, second round", **overrides}),
    )


def _list_activities(*states: pb.ActivityState.ValueType) -> pb.ListActivitiesRequest:
    return pb.ListActivitiesRequest(filter=pb.ActivityFilter(states=states))


# Valid requests, each an action the role rules decide on.
CASES: dict[str, Build] = {
    "create in esn-valencia-upv": lambda w: (
        "CreateActivity",
        pb.CreateActivityRequest(details=valid_details()),
    ),
    "create in esn-tirana": lambda w: (
        "CreateActivity",
        pb.CreateActivityRequest(details=valid_details(section_id="esn-tirana")),
    ),
    "get published": lambda w: ("GetActivity", pb.GetActivityRequest(activity_id=w.published.id)),
    "get draft": lambda w: ("GetActivity", pb.GetActivityRequest(activity_id=w.draft.id)),
    "update published": lambda w: ("UpdateActivity", _update(w.published)),
    "update draft": lambda w: ("UpdateActivity", _update(w.draft)),
    "move published to esn-tirana": lambda w: (
        "UpdateActivity",
        _update(w.published, section_id="esn-tirana"),
    ),
    "publish draft": lambda w: (
        "PublishActivity",
        pb.PublishActivityRequest(activity_id=w.draft.id),
    ),
    "publish published": lambda w: (
        "PublishActivity",
        pb.PublishActivityRequest(activity_id=w.published.id),
    ),
    "cancel published": lambda w: (
        "CancelActivity",
        pb.CancelActivityRequest(activity_id=w.published.id, reason="Storm warning"),
    ),
    "cancel draft": lambda w: (
        "CancelActivity",
        pb.CancelActivityRequest(activity_id=w.draft.id, reason="Storm warning"),
    ),
    "complete published before it starts": lambda w: (
        "CompleteActivity",
        pb.CompleteActivityRequest(activity_id=w.published.id),
    ),
    "list published": lambda w: ("ListActivities", _list_activities()),
    "list drafts": lambda w: ("ListActivities", _list_activities(pb.ACTIVITY_STATE_DRAFT)),
    "enrol ana": lambda w: (
        "EnrolStudent",
        pb.EnrolStudentRequest(activity_id=w.open.id, student_id="ana"),
    ),
    "enrol ben": lambda w: (
        "EnrolStudent",
        pb.EnrolStudentRequest(activity_id=w.open.id, student_id="ben"),
    ),
    "cancel enrolment of ana": lambda w: (
        "CancelEnrolment",
        pb.CancelEnrolmentRequest(activity_id=w.published.id, student_id="ana"),
    ),
    "cancel enrolment of ben": lambda w: (
        "CancelEnrolment",
        pb.CancelEnrolmentRequest(activity_id=w.published.id, student_id="ben"),
    ),
    "list enrolments": lambda w: (
        "ListEnrolments",
        pb.ListEnrolmentsRequest(activity_id=w.published.id),
    ),
    "list ana's enrolments": lambda w: (
        "ListStudentEnrolments",
        pb.ListStudentEnrolmentsRequest(student_id="ana"),
    ),
    "mark attendance of ana before the start": lambda w: (
        "MarkAttendance",
        pb.MarkAttendanceRequest(activity_id=w.published.id, student_id="ana", attended=True),
    ),
}

READ_ONLY = {
    "get published",
    "get draft",
    "list published",
    "list drafts",
    "list enrolments",
    "list ana's enrolments",
}

CALLERS = ["operator", "platform", "coordinator", "other_coordinator", "student", "other_student"]

# Expected status per case, for the callers in CALLERS order. student is ana, other_student
# ben; coordinator is of esn-valencia-upv, other_coordinator of esn-tirana.
EXPECTED: dict[str, tuple[grpc.StatusCode, ...]] = {
    "create in esn-valencia-upv": (OK, OK, OK, DENIED, DENIED, DENIED),
    "create in esn-tirana": (OK, OK, DENIED, OK, DENIED, DENIED),
    "get published": (OK, OK, OK, OK, OK, OK),
    "get draft": (OK, OK, OK, HIDDEN, HIDDEN, HIDDEN),
    "update published": (OK, OK, OK, DENIED, DENIED, DENIED),
    "update draft": (OK, OK, OK, HIDDEN, HIDDEN, HIDDEN),
    "move published to esn-tirana": (OK, OK, DENIED, DENIED, DENIED, DENIED),
    "publish draft": (OK, OK, OK, HIDDEN, HIDDEN, HIDDEN),
    # The role check comes before the state check: outsiders learn nothing about the state.
    "publish published": (TOO_EARLY, TOO_EARLY, TOO_EARLY, DENIED, DENIED, DENIED),
    "cancel published": (OK, OK, OK, DENIED, DENIED, DENIED),
    "cancel draft": (OK, OK, OK, HIDDEN, HIDDEN, HIDDEN),
    "complete published before it starts": (
        TOO_EARLY,
        TOO_EARLY,
        TOO_EARLY,
        DENIED,
        DENIED,
        DENIED,
    ),
    "list published": (OK, OK, OK, OK, OK, OK),
    "list drafts": (OK, OK, OK, OK, DENIED, DENIED),
    "enrol ana": (OK, OK, OK, DENIED, OK, DENIED),
    "enrol ben": (OK, OK, OK, DENIED, DENIED, OK),
    "cancel enrolment of ana": (OK, OK, OK, DENIED, OK, DENIED),
    "cancel enrolment of ben": (OK, OK, OK, DENIED, DENIED, OK),
    "list enrolments": (OK, OK, OK, DENIED, DENIED, DENIED),
    # A student's places across sections: theirs, and their platform's, to see.
    "list ana's enrolments": (OK, OK, DENIED, DENIED, OK, DENIED),
    # Attendance is the organisers' word: not a platform's, nor a student's.
    "mark attendance of ana before the start": (
        TOO_EARLY,
        DENIED,
        TOO_EARLY,
        DENIED,
        DENIED,
        DENIED,
    ),
}
# "publish published" fails for managers with FAILED_PRECONDITION (already published), the
# same code as completing early: both mean the caller got past the role check.

# One request per RPC that would change something (or reveal a draft) if it were let through.
PROBES = {
    "CreateActivity": "create in esn-valencia-upv",
    "GetActivity": "get draft",
    "UpdateActivity": "update published",
    "PublishActivity": "publish draft",
    "CancelActivity": "cancel published",
    "CompleteActivity": "complete published before it starts",
    "ListActivities": "list drafts",
    "EnrolStudent": "enrol ana",
    "CancelEnrolment": "cancel enrolment of ana",
    "ListEnrolments": "list enrolments",
    "MarkAttendance": "mark attendance of ana before the start",
    "ListStudentEnrolments": "list ana's enrolments",
}

BAD_CREDENTIALS: dict[str, Metadata] = {
    "no authorization": (),
    "other scheme": (("authorization", "Token token-of-operator"),),
    "bearer without token": (("authorization", "Bearer "),),
    "bearer with blanks": (("authorization", "Bearer    "),),
    "token without scheme": (("authorization", "token-of-operator"),),
    "unknown token": (("authorization", "Bearer token-of-nobody"),),
    "token of another header": (("x-api-key", "token-of-operator"),),
}


def test_the_tables_cover_every_rpc_of_the_service() -> None:
    """Adding an RPC to the proto without auth rules here fails this test."""
    world = World(pb.Activity(), pb.Activity(), pb.Activity())
    assert sorted(PROBES) == sorted(RPCS)
    assert sorted(VALIDATION) == sorted(RPCS)
    assert {build(world)[0] for build in CASES.values()} == set(RPCS)
    assert set(EXPECTED) == set(CASES)
    assert set(CASES) >= READ_ONLY
    assert all(len(codes) == len(CALLERS) for codes in EXPECTED.values())


# Authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("rpc", RPCS)
async def test_calls_without_a_valid_bearer_token_are_unauthenticated_and_change_nothing(
    catalogue: Catalogue, rpc: str
) -> None:
    """No token, a malformed authorization header or an unknown token: UNAUTHENTICATED."""
    world = await make_world(catalogue)
    name, request = CASES[PROBES[rpc]](world)
    assert name == rpc
    assert await code_of(catalogue, rpc, request, OPERATOR) in (OK, TOO_EARLY)  # valid request
    world = await make_world(catalogue)
    name, request = CASES[PROBES[rpc]](world)
    before = await snapshot(catalogue, world)
    codes = {
        label: await code_of(catalogue, rpc, request, metadata)
        for label, metadata in BAD_CREDENTIALS.items()
    }
    assert codes == dict.fromkeys(BAD_CREDENTIALS, grpc.StatusCode.UNAUTHENTICATED)
    assert await snapshot(catalogue, world) == before


# Roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", CALLERS)
async def test_role_rules_for_every_action(catalogue: Catalogue, caller: str) -> None:
    """Each action gives the caller's expected status; refused actions change nothing and
    allowed ones that write take effect."""
    column = CALLERS.index(caller)
    actual: dict[str, tuple[grpc.StatusCode, bool]] = {}
    expected: dict[str, tuple[grpc.StatusCode, bool]] = {}
    for case, build in CASES.items():
        world = await make_world(catalogue)
        rpc, request = build(world)
        before = await snapshot(catalogue, world)
        code = await code_of(catalogue, rpc, request, bearer(caller))
        changed = await snapshot(catalogue, world) != before
        actual[case] = (code, changed)
        want = EXPECTED[case][column]
        expected[case] = (want, want is OK and case not in READ_ONLY)
    assert actual == expected


async def test_a_student_enrols_and_cancels_only_themself(catalogue: Catalogue) -> None:
    """ana enrols herself and cancels her own enrolment; ben's enrolment stays untouched."""
    world = await make_world(catalogue)
    student = bearer("student")
    enrolled = await catalogue.stub.EnrolStudent(
        pb.EnrolStudentRequest(activity_id=world.open.id, student_id="ana"), metadata=student
    )
    assert enrolled.created
    assert enrolled.enrolment.student_id == "ana"
    assert enrolled.enrolment.status == pb.ENROLMENT_STATUS_CONFIRMED
    cancelled = await catalogue.stub.CancelEnrolment(
        pb.CancelEnrolmentRequest(activity_id=world.published.id, student_id="ana"),
        metadata=student,
    )
    assert cancelled.enrolment.status == pb.ENROLMENT_STATUS_CANCELLED
    listed = await catalogue.stub.ListEnrolments(
        pb.ListEnrolmentsRequest(activity_id=world.published.id), metadata=OPERATOR
    )
    assert {(e.student_id, e.status) for e in listed.enrolments} == {
        ("ana", pb.ENROLMENT_STATUS_CANCELLED),
        ("ben", pb.ENROLMENT_STATUS_CONFIRMED),
    }


async def test_managers_complete_a_started_activity_and_others_may_not(
    catalogue: Catalogue,
) -> None:
    """Once started, operator, platform and the section's coordinator may complete an
    activity; another section's coordinator and students get PERMISSION_DENIED."""
    starts = datetime.now(UTC) + timedelta(seconds=2)
    ends = starts + timedelta(hours=1)
    made = await asyncio.gather(
        *(create(catalogue, True, starts_at=starts, ends_at=ends) for _ in range(3))
    )
    await asyncio.sleep((starts - datetime.now(UTC)).total_seconds() + 0.1)
    world = World(pb.Activity(), made[0], made[1])
    before = await snapshot(catalogue, world)
    for outsider in ("other_coordinator", "student", "other_student"):
        request = pb.CompleteActivityRequest(activity_id=made[0].id)
        assert await code_of(catalogue, "CompleteActivity", request, bearer(outsider)) == DENIED
    assert await snapshot(catalogue, world) == before
    for manager, activity in zip(("operator", "platform", "coordinator"), made, strict=True):
        response = await catalogue.stub.CompleteActivity(
            pb.CompleteActivityRequest(activity_id=activity.id), metadata=bearer(manager)
        )
        assert response.activity.state == pb.ACTIVITY_STATE_COMPLETED
        assert response.activity.version == activity.version + 1


# Validation ---------------------------------------------------------------------------------

LONG_ID = "01J" + "0" * 24  # 27 characters
LOWER_CASE_ID = "01jabcdefghjkmnpqrstvwxyz0"
UNKNOWN_STATUS = pb.EnrolmentStatus.ValueType(9)

BadRequest = tuple[str, Callable[[World], Message], str]

VALIDATION: dict[str, list[BadRequest]] = {
    "CreateActivity": [
        (
            "empty title",
            lambda w: pb.CreateActivityRequest(details=valid_details(title="")),
            "details.title",
        ),
        (
            "no details",
            lambda w: pb.CreateActivityRequest(),
            "details.section_id",
        ),
        (
            "request_id too long",
            lambda w: pb.CreateActivityRequest(details=valid_details(), request_id="r" * 129),
            "request_id",
        ),
    ],
    "GetActivity": [
        ("no activity_id", lambda w: pb.GetActivityRequest(), "activity_id"),
        ("malformed", lambda w: pb.GetActivityRequest(activity_id="act-1"), "activity_id"),
        ("lower case", lambda w: pb.GetActivityRequest(activity_id=LOWER_CASE_ID), "activity_id"),
        ("too long", lambda w: pb.GetActivityRequest(activity_id=LONG_ID), "activity_id"),
    ],
    "UpdateActivity": [
        (
            "malformed activity_id",
            lambda w: pb.UpdateActivityRequest(
                activity_id="act-1", expected_version=1, details=valid_details()
            ),
            "activity_id",
        ),
        (
            "expected_version zero",
            lambda w: pb.UpdateActivityRequest(
                activity_id=w.published.id, expected_version=0, details=valid_details()
            ),
            "expected_version",
        ),
        (
            "expected_version negative",
            lambda w: pb.UpdateActivityRequest(
                activity_id=w.published.id, expected_version=-2, details=valid_details()
            ),
            "expected_version",
        ),
        (
            "capacity zero",
            lambda w: pb.UpdateActivityRequest(
                activity_id=w.published.id,
                expected_version=w.published.version,
                details=valid_details(capacity=0),
            ),
            "details.capacity",
        ),
    ],
    "PublishActivity": [
        ("no activity_id", lambda w: pb.PublishActivityRequest(), "activity_id"),
        (
            "expected_version negative",
            lambda w: pb.PublishActivityRequest(activity_id=w.draft.id, expected_version=-1),
            "expected_version",
        ),
    ],
    "CancelActivity": [
        (
            "malformed activity_id",
            lambda w: pb.CancelActivityRequest(activity_id="act-1", reason="Storm"),
            "activity_id",
        ),
        (
            "no reason",
            lambda w: pb.CancelActivityRequest(activity_id=w.published.id),
            "reason",
        ),
        (
            "blank reason",
            lambda w: pb.CancelActivityRequest(activity_id=w.published.id, reason="  \n "),
            "reason",
        ),
        (
            "reason too long",
            lambda w: pb.CancelActivityRequest(activity_id=w.published.id, reason="x" * 501),
            "reason",
        ),
        (
            "control character in reason",
            lambda w: pb.CancelActivityRequest(activity_id=w.published.id, reason="Storm\x00"),
            "reason",
        ),
    ],
    "CompleteActivity": [
        ("no activity_id", lambda w: pb.CompleteActivityRequest(), "activity_id"),
        (
            "lower case",
            lambda w: pb.CompleteActivityRequest(activity_id=w.published.id.lower()),
            "activity_id",
        ),
    ],
    "ListActivities": [
        ("page_size 101", lambda w: pb.ListActivitiesRequest(page_size=101), "page_size"),
        ("page_size negative", lambda w: pb.ListActivitiesRequest(page_size=-1), "page_size"),
        ("forged page_token", lambda w: pb.ListActivitiesRequest(page_token="abc"), "page_token"),
        (
            "SDG 18",
            lambda w: pb.ListActivitiesRequest(filter=pb.ActivityFilter(sdgs=[18])),
            "filter.sdgs[0]",
        ),
        (
            "text_query too long",
            lambda w: pb.ListActivitiesRequest(filter=pb.ActivityFilter(text_query="a" * 201)),
            "filter.text_query",
        ),
    ],
    "EnrolStudent": [
        (
            "malformed activity_id",
            lambda w: pb.EnrolStudentRequest(activity_id="act-1", student_id="carla"),
            "activity_id",
        ),
        (
            "no student_id",
            lambda w: pb.EnrolStudentRequest(activity_id=w.open.id),
            "student_id",
        ),
        (
            "student_id with a space",
            lambda w: pb.EnrolStudentRequest(activity_id=w.open.id, student_id="carla x"),
            "student_id",
        ),
        (
            "student_id too long",
            lambda w: pb.EnrolStudentRequest(activity_id=w.open.id, student_id="c" * 129),
            "student_id",
        ),
    ],
    "CancelEnrolment": [
        (
            "malformed activity_id",
            lambda w: pb.CancelEnrolmentRequest(activity_id="act-1", student_id="ana"),
            "activity_id",
        ),
        (
            "malformed student_id",
            lambda w: pb.CancelEnrolmentRequest(activity_id=w.published.id, student_id="ana/x"),
            "student_id",
        ),
    ],
    "ListEnrolments": [
        ("no activity_id", lambda w: pb.ListEnrolmentsRequest(), "activity_id"),
        (
            "page_size 101",
            lambda w: pb.ListEnrolmentsRequest(activity_id=w.published.id, page_size=101),
            "page_size",
        ),
        (
            "unknown status",
            lambda w: pb.ListEnrolmentsRequest(
                activity_id=w.published.id, statuses=[UNKNOWN_STATUS]
            ),
            "statuses[0]",
        ),
        (
            "forged page_token",
            lambda w: pb.ListEnrolmentsRequest(activity_id=w.published.id, page_token="abc"),
            "page_token",
        ),
    ],
    "ListStudentEnrolments": [
        ("no student_id", lambda w: pb.ListStudentEnrolmentsRequest(), "student_id"),
        (
            "student_id with a space",
            lambda w: pb.ListStudentEnrolmentsRequest(student_id="ana x"),
            "student_id",
        ),
        (
            "page_size 101",
            lambda w: pb.ListStudentEnrolmentsRequest(student_id="ana", page_size=101),
            "page_size",
        ),
        (
            "unknown status",
            lambda w: pb.ListStudentEnrolmentsRequest(student_id="ana", statuses=[UNKNOWN_STATUS]),
            "statuses[0]",
        ),
        (
            "forged page_token",
            lambda w: pb.ListStudentEnrolmentsRequest(student_id="ana", page_token="abc"),
            "page_token",
        ),
    ],
    "MarkAttendance": [
        (
            "malformed activity_id",
            lambda w: pb.MarkAttendanceRequest(activity_id="act-1", student_id="ana"),
            "activity_id",
        ),
        (
            "no student_id",
            lambda w: pb.MarkAttendanceRequest(activity_id=w.published.id, attended=True),
            "student_id",
        ),
        (
            "student_id with a slash",
            lambda w: pb.MarkAttendanceRequest(activity_id=w.published.id, student_id="ana/x"),
            "student_id",
        ),
    ],
}


@pytest.mark.parametrize("rpc", RPCS)
async def test_bad_fields_are_invalid_argument_naming_the_field_and_store_nothing(
    catalogue: Catalogue, rpc: str
) -> None:
    """Even for the operator, a bad field is INVALID_ARGUMENT with a violation on that field,
    and nothing is stored."""
    world = await make_world(catalogue)
    before = await snapshot(catalogue, world)
    outcomes: dict[str, tuple[grpc.StatusCode, str | list[str]]] = {}
    expected: dict[str, tuple[grpc.StatusCode, str | list[str]]] = {}
    for label, build, field in VALIDATION[rpc]:
        error = await call(catalogue, rpc, build(world), OPERATOR)
        if error is None:
            outcomes[label] = (OK, [])
        else:
            violations = field_violations(error)
            outcomes[label] = (error.code(), field if field in violations else sorted(violations))
        expected[label] = (INVALID, field)
    assert outcomes == expected
    assert await snapshot(catalogue, world) == before


# Open endpoints -----------------------------------------------------------------------------


async def test_health_check_needs_no_token(catalogue: Catalogue) -> None:
    """grpc.health.v1 answers SERVING without a token, while the catalogue itself refuses."""
    async with channel_to(catalogue.running.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", SERVICE.full_name):
            response = await health.Check(health_pb2.HealthCheckRequest(service=service))
            assert response.status == health_pb2.HealthCheckResponse.SERVING
        with_bad_token = await health.Check(
            health_pb2.HealthCheckRequest(service=""),
            metadata=(("authorization", "Bearer token-of-nobody"),),
        )
        assert with_bad_token.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"))
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await catalogue.stub.ListActivities(pb.ListActivitiesRequest())
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_reflection_needs_no_token(catalogue: Catalogue) -> None:
    """Server reflection lists the services and serves the catalogue's descriptor untokened."""
    async with channel_to(catalogue.running.address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        call = stub.ServerReflectionInfo(
            iter(
                [
                    reflection_pb2.ServerReflectionRequest(list_services=""),
                    reflection_pb2.ServerReflectionRequest(
                        file_containing_symbol=SERVICE.full_name
                    ),
                ]
            )
        )
        responses = [response async for response in call]
    assert len(responses) == 2
    names = {s.name for s in responses[0].list_services_response.service}
    assert {SERVICE.full_name, "grpc.health.v1.Health"} <= names
    files = responses[1].file_descriptor_response.file_descriptor_proto
    assert files, responses[1]
