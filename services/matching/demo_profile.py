"""The demo student of the local stack (``demo-student``, whose dev token ``make run``
prints), so recommendations can be tried at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc

from socialerasmus.common.v1 import common_pb2 as common
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceStub

DEMO_STUDENT = "demo-student"


def demo_profile(now: datetime) -> pb.VolunteerProfile:
    """An Erasmus student from Poland hosted by ESN Valencia UPV for one semester."""
    profile = pb.VolunteerProfile(
        student_id=DEMO_STUDENT,
        host_section_id="esn-valencia-upv",
        home_country_code="pl",
        languages=[
            pb.LanguageSkill(code="pl", level=pb.LANGUAGE_LEVEL_NATIVE),
            pb.LanguageSkill(code="en", level=pb.LANGUAGE_LEVEL_C1),
            pb.LanguageSkill(code="es", level=pb.LANGUAGE_LEVEL_B1),
        ],
        interests=[
            pb.CauseInterest(cause=common.CAUSE_ENVIRONMENTAL_SUSTAINABILITY, weight=1.0),
            pb.CauseInterest(cause=common.CAUSE_SOCIAL_INCLUSION, weight=0.8),
            pb.CauseInterest(cause=common.CAUSE_EDUCATION_AND_YOUTH, weight=0.5),
            pb.CauseInterest(cause=common.CAUSE_CULTURE, weight=0.3),
        ],
        skills=["photography", "teamwork", "first aid"],
        motivation="I want to meet locals, practise Spanish and help with nature and people.",
        max_distance_km=60,
        time_zone="Europe/Madrid",
        suggestions_opt_in=True,
        week_editions=["2027-spring"],
    )
    profile.arrival.FromDatetime(now - timedelta(days=10))
    profile.departure.FromDatetime(now + timedelta(days=170))
    return profile


async def ensure_demo_profile(channel: grpc.aio.Channel, token: str) -> bool:
    """Create the demo profile unless it exists; True when created."""
    stub = MatchingServiceStub(channel)
    metadata = (("authorization", f"Bearer {token}"),)
    try:
        await stub.GetProfile(pb.GetProfileRequest(student_id=DEMO_STUDENT), metadata=metadata)
        return False
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
    profile = demo_profile(datetime.now(UTC))
    await stub.UpsertProfile(pb.UpsertProfileRequest(profile=profile), metadata=metadata)
    return True
