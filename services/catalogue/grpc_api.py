"""gRPC adapter of the catalogue: request in, use case, response out."""

from __future__ import annotations

from typing import Any

from services.catalogue.service import CatalogueService
from services.runtime.interceptors import principal
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.catalogue.v1.catalogue_pb2_grpc import CatalogueServiceServicer

Context = Any  # grpc.aio.ServicerContext (grpc ships no type information)


class CatalogueApi(CatalogueServiceServicer):
    def __init__(self, service: CatalogueService) -> None:
        self.service = service

    async def CreateActivity(  # noqa: N802  (gRPC method names)
        self, request: pb.CreateActivityRequest, context: Context
    ) -> pb.CreateActivityResponse:
        activity = await self.service.create(principal(), request.details, request.request_id)
        return pb.CreateActivityResponse(activity=activity)

    async def GetActivity(  # noqa: N802
        self, request: pb.GetActivityRequest, context: Context
    ) -> pb.GetActivityResponse:
        return pb.GetActivityResponse(
            activity=await self.service.get(principal(), request.activity_id)
        )

    async def UpdateActivity(  # noqa: N802
        self, request: pb.UpdateActivityRequest, context: Context
    ) -> pb.UpdateActivityResponse:
        activity = await self.service.update(
            principal(), request.activity_id, request.expected_version, request.details
        )
        return pb.UpdateActivityResponse(activity=activity)

    async def PublishActivity(  # noqa: N802
        self, request: pb.PublishActivityRequest, context: Context
    ) -> pb.PublishActivityResponse:
        activity = await self.service.publish(
            principal(), request.activity_id, request.expected_version
        )
        return pb.PublishActivityResponse(activity=activity)

    async def CancelActivity(  # noqa: N802
        self, request: pb.CancelActivityRequest, context: Context
    ) -> pb.CancelActivityResponse:
        activity = await self.service.cancel(principal(), request.activity_id, request.reason)
        return pb.CancelActivityResponse(activity=activity)

    async def CompleteActivity(  # noqa: N802
        self, request: pb.CompleteActivityRequest, context: Context
    ) -> pb.CompleteActivityResponse:
        activity = await self.service.complete(principal(), request.activity_id)
        return pb.CompleteActivityResponse(activity=activity)

    async def ListActivities(  # noqa: N802
        self, request: pb.ListActivitiesRequest, context: Context
    ) -> pb.ListActivitiesResponse:
        found, token = await self.service.list_activities(
            principal(), request.filter, request.page_size, request.page_token
        )
        return pb.ListActivitiesResponse(activities=found, next_page_token=token)

    async def EnrolStudent(  # noqa: N802
        self, request: pb.EnrolStudentRequest, context: Context
    ) -> pb.EnrolStudentResponse:
        outcome = await self.service.enrol(principal(), request.activity_id, request.student_id)
        return pb.EnrolStudentResponse(enrolment=outcome.enrolment, created=outcome.created)

    async def CancelEnrolment(  # noqa: N802
        self, request: pb.CancelEnrolmentRequest, context: Context
    ) -> pb.CancelEnrolmentResponse:
        cancelled, promoted = await self.service.cancel_enrolment(
            principal(), request.activity_id, request.student_id
        )
        return pb.CancelEnrolmentResponse(enrolment=cancelled, promoted=promoted)

    async def ListEnrolments(  # noqa: N802
        self, request: pb.ListEnrolmentsRequest, context: Context
    ) -> pb.ListEnrolmentsResponse:
        found, token = await self.service.list_enrolments(
            principal(),
            request.activity_id,
            list(request.statuses),
            request.page_size,
            request.page_token,
        )
        return pb.ListEnrolmentsResponse(enrolments=found, next_page_token=token)

    async def MarkAttendance(  # noqa: N802
        self, request: pb.MarkAttendanceRequest, context: Context
    ) -> pb.MarkAttendanceResponse:
        enrolment, changed = await self.service.mark_attendance(
            principal(), request.activity_id, request.student_id, request.attended
        )
        return pb.MarkAttendanceResponse(enrolment=enrolment, changed=changed)

    async def ListStudentEnrolments(  # noqa: N802
        self, request: pb.ListStudentEnrolmentsRequest, context: Context
    ) -> pb.ListStudentEnrolmentsResponse:
        found, token = await self.service.list_student_enrolments(
            principal(),
            request.student_id,
            list(request.statuses),
            request.page_size,
            request.page_token,
        )
        return pb.ListStudentEnrolmentsResponse(enrolments=found, next_page_token=token)
