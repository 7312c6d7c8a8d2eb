"""``SocialErasmusClient``: typed async calls to catalogue, matching and notify."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncGenerator, Iterable
from typing import Self, TypeVar

import grpc
from google.protobuf.message import Message

from services.client.config import ClientConfig, Service
from services.client.errors import ClientError
from services.client.health import ServiceHealth, check
from services.client.retry import RetryPolicy, call_with_retries
from services.runtime.replicas import ROUND_ROBIN
from socialerasmus.catalogue.v1 import catalogue_pb2 as cat
from socialerasmus.matching.v1 import matching_pb2 as match
from socialerasmus.notify.v1 import notify_pb2 as notify

Reply = TypeVar("Reply", bound=Message)

MIN_RECONNECT_BACKOFF_MS = 100


class _Channels:
    """One lazily opened channel per service, shared by a client and its variants."""

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._open: dict[Service, grpc.aio.Channel] = {}

    def get(self, service: Service) -> grpc.aio.Channel:
        if service not in self._open:
            self._open[service] = grpc.aio.insecure_channel(
                self._config.address(service), options=_channel_options(self._config.retry)
            )
        return self._open[service]

    async def close(self) -> None:
        channels, self._open = list(self._open.values()), {}
        for channel in channels:
            await channel.close()


def _channel_options(retry: RetryPolicy) -> list[tuple[str, int | str]]:
    """Calls to every replica of the service in turn (:mod:`services.runtime.replicas`), and
    reconnecting as eagerly as the client retries: gRPC's own default waits a second or more
    before trying a refused address again, which would make early retries fail at once.
    (The minimum reconnect back-off stays at its default: it is also the connect timeout.)"""
    initial = max(MIN_RECONNECT_BACKOFF_MS, round(retry.initial_backoff_seconds * 1000))
    longest = max(initial, round(retry.max_backoff_seconds * 1000))
    return [
        ("grpc.initial_reconnect_backoff_ms", initial),
        ("grpc.max_reconnect_backoff_ms", longest),
        ROUND_ROBIN,
    ]


class SocialErasmusClient:
    """Async client of the three services. Use it as an async context manager, or call
    :meth:`close`. Every method raises :class:`ClientError` when the call fails.

    Each attempt of a call has ``config.deadline_seconds``; UNAVAILABLE is retried with
    exponential back-off (``config.retry``), DEADLINE_EXCEEDED only for reads.
    """

    def __init__(self, config: ClientConfig | None = None) -> None:
        self.config = config or ClientConfig()
        self._channels = _Channels(self.config)

    @classmethod
    def from_env(cls, token: str | None = None) -> SocialErasmusClient:
        """A client of the addresses in ``SE_*_ADDRESS``, authenticated with ``token`` or
        else ``SE_TOKEN``."""
        return cls(ClientConfig.from_env(token=token))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Closes the channels, also those of variants made by :meth:`with_options`."""
        await self._channels.close()

    def with_options(
        self,
        *,
        request_id: str | None = None,
        deadline_seconds: float | None = None,
        retry: RetryPolicy | None = None,
        metadata: Iterable[tuple[str, str]] | None = None,
        token: str | None = None,
    ) -> SocialErasmusClient:
        """A variant sharing this client's channels, with another request id, deadline,
        retry policy, extra metadata or token (a server acting for several callers, each
        with their own). Closing either closes both."""
        current = self.config
        config = dataclasses.replace(
            current,
            token=current.token if token is None else token,
            request_id=current.request_id if request_id is None else request_id,
            deadline_seconds=deadline_seconds or current.deadline_seconds,
            retry=retry or current.retry,
            metadata=current.metadata if metadata is None else tuple(metadata),
        )
        variant = SocialErasmusClient(config)
        variant._channels = self._channels  # the replaced one never opened a channel
        return variant

    def channel(self, service: Service) -> grpc.aio.Channel:
        """The channel to ``service``, for stubs this client does not wrap."""
        return self._channels.get(service)

    # --- Catalogue ------------------------------------------------------------------------

    async def create_activity(
        self, details: cat.ActivityDetails, *, idempotency_key: str | None = None
    ) -> cat.Activity:
        """A new DRAFT. Sent with a request id (``idempotency_key``, else a random one) so
        that a retried create returns the first activity instead of making a second."""
        request = cat.CreateActivityRequest(
            details=details, request_id=idempotency_key or uuid.uuid4().hex
        )
        reply = await self._unary(
            Service.CATALOGUE, "CreateActivity", request, cat.CreateActivityResponse
        )
        return reply.activity

    async def get_activity(self, activity_id: str) -> cat.Activity:
        request = cat.GetActivityRequest(activity_id=activity_id)
        reply = await self._unary(
            Service.CATALOGUE, "GetActivity", request, cat.GetActivityResponse, read=True
        )
        return reply.activity

    async def update_activity(
        self, activity_id: str, details: cat.ActivityDetails, expected_version: int
    ) -> cat.Activity:
        request = cat.UpdateActivityRequest(
            activity_id=activity_id, details=details, expected_version=expected_version
        )
        reply = await self._unary(
            Service.CATALOGUE, "UpdateActivity", request, cat.UpdateActivityResponse
        )
        return reply.activity

    async def publish_activity(self, activity_id: str, expected_version: int = 0) -> cat.Activity:
        request = cat.PublishActivityRequest(
            activity_id=activity_id, expected_version=expected_version
        )
        reply = await self._unary(
            Service.CATALOGUE, "PublishActivity", request, cat.PublishActivityResponse
        )
        return reply.activity

    async def cancel_activity(self, activity_id: str, reason: str) -> cat.Activity:
        request = cat.CancelActivityRequest(activity_id=activity_id, reason=reason)
        reply = await self._unary(
            Service.CATALOGUE, "CancelActivity", request, cat.CancelActivityResponse
        )
        return reply.activity

    async def complete_activity(self, activity_id: str) -> cat.Activity:
        request = cat.CompleteActivityRequest(activity_id=activity_id)
        reply = await self._unary(
            Service.CATALOGUE, "CompleteActivity", request, cat.CompleteActivityResponse
        )
        return reply.activity

    async def list_activities(
        self, filter: cat.ActivityFilter | None = None, *, page_size: int = 0, page_token: str = ""
    ) -> cat.ListActivitiesResponse:
        """One page; see :meth:`iter_activities` for all of them."""
        request = cat.ListActivitiesRequest(
            filter=filter, page_size=page_size, page_token=page_token
        )
        return await self._unary(
            Service.CATALOGUE, "ListActivities", request, cat.ListActivitiesResponse, read=True
        )

    async def iter_activities(
        self, filter: cat.ActivityFilter | None = None, *, page_size: int = 100
    ) -> AsyncGenerator[cat.Activity, None]:
        """Every activity matching ``filter``, page after page, ordered by start time."""
        page_token = ""
        while True:
            page = await self.list_activities(filter, page_size=page_size, page_token=page_token)
            for activity in page.activities:
                yield activity
            page_token = page.next_page_token
            if not page_token:
                return

    async def enrol(self, activity_id: str, student_id: str) -> cat.EnrolStudentResponse:
        """CONFIRMED while seats remain, else WAITLISTED; enrolling twice returns the first
        enrolment with ``created`` false."""
        request = cat.EnrolStudentRequest(activity_id=activity_id, student_id=student_id)
        return await self._unary(
            Service.CATALOGUE, "EnrolStudent", request, cat.EnrolStudentResponse
        )

    async def cancel_enrolment(
        self, activity_id: str, student_id: str
    ) -> cat.CancelEnrolmentResponse:
        request = cat.CancelEnrolmentRequest(activity_id=activity_id, student_id=student_id)
        return await self._unary(
            Service.CATALOGUE, "CancelEnrolment", request, cat.CancelEnrolmentResponse
        )

    async def list_enrolments(
        self,
        activity_id: str,
        statuses: Iterable[cat.EnrolmentStatus.ValueType] = (),
        *,
        page_size: int = 0,
        page_token: str = "",
    ) -> cat.ListEnrolmentsResponse:
        request = cat.ListEnrolmentsRequest(
            activity_id=activity_id, statuses=statuses, page_size=page_size, page_token=page_token
        )
        return await self._unary(
            Service.CATALOGUE, "ListEnrolments", request, cat.ListEnrolmentsResponse, read=True
        )

    async def list_student_enrolments(
        self,
        student_id: str,
        statuses: Iterable[cat.EnrolmentStatus.ValueType] = (),
        *,
        page_size: int = 0,
        page_token: str = "",
    ) -> cat.ListStudentEnrolmentsResponse:
        """One page of a student's enrolments across activities, each with its activity; see
        :meth:`iter_student_enrolments` for all of them."""
        request = cat.ListStudentEnrolmentsRequest(
            student_id=student_id, statuses=statuses, page_size=page_size, page_token=page_token
        )
        return await self._unary(
            Service.CATALOGUE,
            "ListStudentEnrolments",
            request,
            cat.ListStudentEnrolmentsResponse,
            read=True,
        )

    async def iter_student_enrolments(
        self,
        student_id: str,
        statuses: Iterable[cat.EnrolmentStatus.ValueType] = (),
        *,
        page_size: int = 100,
    ) -> AsyncGenerator[cat.StudentEnrolment, None]:
        """Every enrolment of the student in ``statuses`` (all when empty), in the order they
        were made, page after page."""
        wanted = list(statuses)
        page_token = ""
        while True:
            page = await self.list_student_enrolments(
                student_id, wanted, page_size=page_size, page_token=page_token
            )
            for place in page.enrolments:
                yield place
            page_token = page.next_page_token
            if not page_token:
                return

    async def mark_attendance(
        self, activity_id: str, student_id: str, attended: bool
    ) -> cat.MarkAttendanceResponse:
        """Whether a confirmed student came to an activity that has started; marking the
        same again changes nothing (``changed`` false), so the call is safe to repeat."""
        request = cat.MarkAttendanceRequest(
            activity_id=activity_id, student_id=student_id, attended=attended
        )
        return await self._unary(
            Service.CATALOGUE, "MarkAttendance", request, cat.MarkAttendanceResponse, read=True
        )

    # --- Matching -------------------------------------------------------------------------

    async def upsert_profile(self, profile: match.VolunteerProfile) -> match.VolunteerProfile:
        request = match.UpsertProfileRequest(profile=profile)
        reply = await self._unary(
            Service.MATCHING, "UpsertProfile", request, match.UpsertProfileResponse
        )
        return reply.profile

    async def upsert_profiles(
        self, profiles: Iterable[match.VolunteerProfile]
    ) -> list[match.VolunteerProfile]:
        """Up to 500 profiles of distinct students in one call, all or none; a refusal
        names the items (``items[3].student_id``)."""
        request = match.UpsertProfilesRequest(items=profiles)
        reply = await self._unary(
            Service.MATCHING, "UpsertProfiles", request, match.UpsertProfilesResponse
        )
        return list(reply.profiles)

    async def get_profile(self, student_id: str) -> match.VolunteerProfile:
        request = match.GetProfileRequest(student_id=student_id)
        reply = await self._unary(
            Service.MATCHING, "GetProfile", request, match.GetProfileResponse, read=True
        )
        return reply.profile

    async def erase_profile(self, student_id: str) -> None:
        request = match.EraseProfileRequest(student_id=student_id)
        await self._unary(Service.MATCHING, "EraseProfile", request, match.EraseProfileResponse)

    async def record_feedback(self, feedback: match.Feedback) -> None:
        request = match.RecordFeedbackRequest(feedback=feedback)
        await self._unary(Service.MATCHING, "RecordFeedback", request, match.RecordFeedbackResponse)

    async def record_feedback_batch(self, items: Iterable[match.Feedback]) -> int:
        """Up to 500 feedback events in one call, all or none; returns how many were
        recorded. A refusal names the items (field violations, or erased students)."""
        request = match.RecordFeedbackBatchRequest(items=items)
        reply = await self._unary(
            Service.MATCHING, "RecordFeedbackBatch", request, match.RecordFeedbackBatchResponse
        )
        return reply.recorded

    async def recommend(
        self, student_id: str, k: int = 0, filter: match.RecommendFilter | None = None
    ) -> list[match.Recommendation]:
        """Up to ``k`` (0 means 10) activities for the student, best first."""
        request = match.RecommendRequest(student_id=student_id, k=k, filter=filter)
        reply = await self._unary(
            Service.MATCHING, "Recommend", request, match.RecommendResponse, read=True
        )
        return list(reply.recommendations)

    async def allocate_week(
        self, week_edition: str, max_places_per_student: int = 0
    ) -> match.AllocateWeekResponse:
        """Proposes places for the students who opted in to ``week_edition``. A large
        edition can take a while: give this call a longer deadline through
        :meth:`with_options`."""
        request = match.AllocateWeekRequest(
            week_edition=week_edition, max_places_per_student=max_places_per_student
        )
        return await self._unary(
            Service.MATCHING, "AllocateWeek", request, match.AllocateWeekResponse
        )

    async def list_allocation(
        self, allocation_id: str, *, page_size: int = 0, page_token: str = ""
    ) -> match.ListAllocationResponse:
        """One page of a stored Week allocation: its assignments, then its unplaced students
        with the reason of each."""
        request = match.ListAllocationRequest(
            allocation_id=allocation_id, page_size=page_size, page_token=page_token
        )
        return await self._unary(
            Service.MATCHING, "ListAllocation", request, match.ListAllocationResponse, read=True
        )

    async def model_state(self) -> match.ModelState:
        """The ranking model serving on the matching replica that answers."""
        reply = await self._unary(
            Service.MATCHING,
            "GetModelState",
            match.GetModelStateRequest(),
            match.GetModelStateResponse,
            read=True,
        )
        return reply.state

    # --- Notify ---------------------------------------------------------------------------

    async def get_preferences(self, student_id: str) -> notify.Preferences:
        request = notify.GetPreferencesRequest(student_id=student_id)
        reply = await self._unary(
            Service.NOTIFY, "GetPreferences", request, notify.GetPreferencesResponse, read=True
        )
        return reply.preferences

    async def set_preferences(self, preferences: notify.Preferences) -> notify.Preferences:
        request = notify.SetPreferencesRequest(preferences=preferences)
        reply = await self._unary(
            Service.NOTIFY, "SetPreferences", request, notify.SetPreferencesResponse
        )
        return reply.preferences

    async def unsubscribe(self, token: str) -> str:
        """Unsubscribe with the signed token of a message's link (no bearer token needed);
        returns the student's id."""
        request = notify.UnsubscribeRequest(token=token)
        reply = await self._unary(
            Service.NOTIFY, "Unsubscribe", request, notify.UnsubscribeResponse
        )
        return reply.student_id

    async def send_sign_in_link(
        self, *, email: str = "", student_id: str = "", return_path: str = ""
    ) -> int:
        """Ask notify to mail a sign-in link to the student of ``email`` (or ``student_id``);
        returns how many minutes a link works. The answer is the same whether or not anyone
        has the address (platforms and operators only)."""
        request = notify.SendSignInLinkRequest(
            email=email, student_id=student_id, return_path=return_path
        )
        reply = await self._unary(
            Service.NOTIFY, "SendSignInLink", request, notify.SendSignInLinkResponse
        )
        return reply.link_minutes

    async def redeem_sign_in_link(self, token: str) -> str:
        """The student a sign-in link signs in; FAILED_PRECONDITION the second time,
        INVALID_ARGUMENT for a token that is not one or has expired."""
        request = notify.RedeemSignInLinkRequest(token=token)
        reply = await self._unary(
            Service.NOTIFY, "RedeemSignInLink", request, notify.RedeemSignInLinkResponse
        )
        return reply.student_id

    async def list_inbox(
        self,
        student_id: str,
        *,
        unread_only: bool = False,
        page_size: int = 0,
        page_token: str = "",
    ) -> notify.ListInboxResponse:
        """One page of the student's inbox, newest first."""
        request = notify.ListInboxRequest(
            student_id=student_id,
            unread_only=unread_only,
            page_size=page_size,
            page_token=page_token,
        )
        return await self._unary(
            Service.NOTIFY, "ListInbox", request, notify.ListInboxResponse, read=True
        )

    async def list_deliveries(
        self, student_id: str, *, message_id: str = "", page_size: int = 0
    ) -> list[notify.Delivery]:
        """Where each of the student's recent messages stands on each channel (or one
        message's, with ``message_id``), most recently updated first."""
        request = notify.ListDeliveriesRequest(
            student_id=student_id, message_id=message_id, page_size=page_size
        )
        reply = await self._unary(
            Service.NOTIFY, "ListDeliveries", request, notify.ListDeliveriesResponse, read=True
        )
        return list(reply.deliveries)

    async def mark_read(self, student_id: str, item_ids: Iterable[str]) -> None:
        request = notify.MarkReadRequest(student_id=student_id, item_ids=item_ids)
        await self._unary(Service.NOTIFY, "MarkRead", request, notify.MarkReadResponse)

    async def watch_inbox(self, student_id: str) -> AsyncGenerator[notify.InboxItem, None]:
        """Each new inbox item as it arrives, until the caller stops iterating. Neither
        retried nor bounded by the deadline."""
        call = self.channel(Service.NOTIFY).unary_stream(
            f"/{Service.NOTIFY.grpc_name}/WatchInbox",
            request_serializer=notify.WatchInboxRequest.SerializeToString,
            response_deserializer=notify.WatchInboxResponse.FromString,
        )(notify.WatchInboxRequest(student_id=student_id), metadata=self.config.call_metadata())
        try:
            async for reply in call:
                yield reply.item
        except grpc.aio.AioRpcError as error:
            address = self.config.address(Service.NOTIFY)
            raise ClientError.from_rpc_error(error, Service.NOTIFY, address) from error
        finally:
            call.cancel()

    # --- Health ---------------------------------------------------------------------------

    async def health(self, *services: Service) -> list[ServiceHealth]:
        """The health of ``services`` (default: all three), asked at once; never raises."""
        chosen = services or tuple(Service)
        checks = (
            check(self.channel(s), s, self.config.address(s), self.config.deadline_seconds)
            for s in chosen
        )
        return list(await asyncio.gather(*checks))

    # --- Calls ----------------------------------------------------------------------------

    async def _unary(
        self,
        service: Service,
        method: str,
        request: Message,
        reply_type: type[Reply],
        *,
        read: bool = False,
    ) -> Reply:
        """One unary call with deadline, metadata and retries; ``read`` marks it idempotent."""
        rpc = self.channel(service).unary_unary(
            f"/{service.grpc_name}/{method}",
            request_serializer=type(request).SerializeToString,
            response_deserializer=reply_type.FromString,
        )
        metadata = self.config.call_metadata()
        attempts = 0

        async def attempt() -> Reply:
            nonlocal attempts
            attempts += 1
            reply: Reply = await rpc(
                request, timeout=self.config.deadline_seconds, metadata=metadata
            )
            return reply

        try:
            return await call_with_retries(attempt, self.config.retry, idempotent=read)
        except grpc.aio.AioRpcError as error:
            address = self.config.address(service)
            raise ClientError.from_rpc_error(error, service, address, attempts) from error
