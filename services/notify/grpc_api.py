"""gRPC adapter of notify: request in, use case, response out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from services.notify.service import NotifyService
from services.notify.signing_in import SignInLinks
from services.runtime.interceptors import principal
from socialerasmus.notify.v1 import notify_pb2 as pb
from socialerasmus.notify.v1.notify_pb2_grpc import NotifyServiceServicer

Context = Any  # grpc.aio.ServicerContext (grpc ships no type information)


class NotifyApi(NotifyServiceServicer):
    def __init__(self, service: NotifyService, sign_in: SignInLinks) -> None:
        self.service = service
        self.sign_in = sign_in

    async def GetPreferences(  # noqa: N802  (gRPC method names)
        self, request: pb.GetPreferencesRequest, context: Context
    ) -> pb.GetPreferencesResponse:
        found = await self.service.get_preferences(principal(), request.student_id)
        return pb.GetPreferencesResponse(preferences=found)

    async def SetPreferences(  # noqa: N802
        self, request: pb.SetPreferencesRequest, context: Context
    ) -> pb.SetPreferencesResponse:
        stored = await self.service.set_preferences(principal(), request.preferences)
        return pb.SetPreferencesResponse(preferences=stored)

    async def Unsubscribe(  # noqa: N802
        self, request: pb.UnsubscribeRequest, context: Context
    ) -> pb.UnsubscribeResponse:
        return pb.UnsubscribeResponse(student_id=await self.service.unsubscribe(request.token))

    async def ListInbox(  # noqa: N802
        self, request: pb.ListInboxRequest, context: Context
    ) -> pb.ListInboxResponse:
        items, token = await self.service.list_inbox(
            principal(),
            request.student_id,
            request.unread_only,
            request.page_size,
            request.page_token,
        )
        return pb.ListInboxResponse(items=items, next_page_token=token)

    async def MarkRead(  # noqa: N802
        self, request: pb.MarkReadRequest, context: Context
    ) -> pb.MarkReadResponse:
        await self.service.mark_read(principal(), request.student_id, list(request.item_ids))
        return pb.MarkReadResponse()

    async def WatchInbox(  # noqa: N802
        self, request: pb.WatchInboxRequest, context: Context
    ) -> AsyncIterator[pb.WatchInboxResponse]:
        async for item in self.service.watch_inbox(principal(), request.student_id):
            yield pb.WatchInboxResponse(item=item)

    async def ListDeliveries(  # noqa: N802
        self, request: pb.ListDeliveriesRequest, context: Context
    ) -> pb.ListDeliveriesResponse:
        found = await self.service.deliveries(
            principal(), request.student_id, request.message_id, request.page_size
        )
        return pb.ListDeliveriesResponse(deliveries=found)

    async def SendSignInLink(  # noqa: N802
        self, request: pb.SendSignInLinkRequest, context: Context
    ) -> pb.SendSignInLinkResponse:
        minutes = await self.sign_in.send(
            principal(), request.email, request.student_id, request.return_path
        )
        return pb.SendSignInLinkResponse(link_minutes=minutes)

    async def RedeemSignInLink(  # noqa: N802
        self, request: pb.RedeemSignInLinkRequest, context: Context
    ) -> pb.RedeemSignInLinkResponse:
        student_id = await self.sign_in.redeem(principal(), request.token)
        return pb.RedeemSignInLinkResponse(student_id=student_id)
