"""gRPC adapter of matching: request in, use case, response out."""

from __future__ import annotations

from typing import Any

from services.matching.service import MatchingService
from services.runtime.interceptors import principal
from socialerasmus.matching.v1 import matching_pb2 as pb
from socialerasmus.matching.v1.matching_pb2_grpc import MatchingServiceServicer

Context = Any  # grpc.aio.ServicerContext (grpc ships no type information)


class MatchingApi(MatchingServiceServicer):
    def __init__(self, service: MatchingService) -> None:
        self.service = service

    async def UpsertProfile(  # noqa: N802  (gRPC method names)
        self, request: pb.UpsertProfileRequest, context: Context
    ) -> pb.UpsertProfileResponse:
        profile = await self.service.upsert_profile(principal(), request.profile)
        return pb.UpsertProfileResponse(profile=profile)

    async def GetProfile(  # noqa: N802
        self, request: pb.GetProfileRequest, context: Context
    ) -> pb.GetProfileResponse:
        profile = await self.service.get_profile(principal(), request.student_id)
        return pb.GetProfileResponse(profile=profile)

    async def EraseProfile(  # noqa: N802
        self, request: pb.EraseProfileRequest, context: Context
    ) -> pb.EraseProfileResponse:
        await self.service.erase_profile(principal(), request.student_id)
        return pb.EraseProfileResponse()

    async def RecordFeedback(  # noqa: N802
        self, request: pb.RecordFeedbackRequest, context: Context
    ) -> pb.RecordFeedbackResponse:
        await self.service.record_feedback(principal(), request.feedback)
        return pb.RecordFeedbackResponse()

    async def UpsertProfiles(  # noqa: N802
        self, request: pb.UpsertProfilesRequest, context: Context
    ) -> pb.UpsertProfilesResponse:
        profiles = await self.service.upsert_profiles(principal(), request.items)
        return pb.UpsertProfilesResponse(profiles=profiles)

    async def RecordFeedbackBatch(  # noqa: N802
        self, request: pb.RecordFeedbackBatchRequest, context: Context
    ) -> pb.RecordFeedbackBatchResponse:
        recorded = await self.service.record_feedback_batch(principal(), request.items)
        return pb.RecordFeedbackBatchResponse(recorded=recorded)

    async def Recommend(  # noqa: N802
        self, request: pb.RecommendRequest, context: Context
    ) -> pb.RecommendResponse:
        return await self.service.recommend(principal(), request)

    async def AllocateWeek(  # noqa: N802
        self, request: pb.AllocateWeekRequest, context: Context
    ) -> pb.AllocateWeekResponse:
        return await self.service.allocate_week(principal(), request)

    async def ListAllocation(  # noqa: N802
        self, request: pb.ListAllocationRequest, context: Context
    ) -> pb.ListAllocationResponse:
        return await self.service.list_allocation(principal(), request)

    async def GetModelState(  # noqa: N802
        self, request: pb.GetModelStateRequest, context: Context
    ) -> pb.GetModelStateResponse:
        return pb.GetModelStateResponse(state=await self.service.model_state(principal()))
