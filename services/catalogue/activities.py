"""The activity life cycle: draft, published, cancelled, completed. Pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from services.runtime.errors import FailedPrecondition
from socialerasmus.catalogue.v1.catalogue_pb2 import Activity, ActivityDetails, ActivityState

DRAFT = ActivityState.ACTIVITY_STATE_DRAFT
PUBLISHED = ActivityState.ACTIVITY_STATE_PUBLISHED
CANCELLED = ActivityState.ACTIVITY_STATE_CANCELLED
COMPLETED = ActivityState.ACTIVITY_STATE_COMPLETED

STATE_NAMES = {
    DRAFT: "draft",
    PUBLISHED: "published",
    CANCELLED: "cancelled",
    COMPLETED: "completed",
}


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def new_activity(activity_id: str, details: ActivityDetails, now: datetime) -> Activity:
    return Activity(
        id=activity_id,
        details=details,
        state=DRAFT,
        version=1,
        created_at=_stamp(now),
        updated_at=_stamp(now),
    )


def _next(activity: Activity, now: datetime) -> Activity:
    changed = Activity()
    changed.CopyFrom(activity)
    changed.version = activity.version + 1
    changed.updated_at.CopyFrom(_stamp(now))
    return changed


def _require_state(activity: Activity, allowed: tuple[int, ...], action: str) -> None:
    if activity.state not in allowed:
        raise FailedPrecondition(
            f"cannot {action} a {STATE_NAMES.get(activity.state, 'unknown')} activity"
        )


def _require_future(details: ActivityDetails, now: datetime, action: str) -> None:
    if details.starts_at.ToDatetime(tzinfo=UTC).timestamp() <= now.timestamp():
        raise FailedPrecondition(f"cannot {action} an activity that has already started")


def is_public(activity: Activity) -> bool:
    """Published once: students may see it, even cancelled. Never published: private."""
    return activity.HasField("published_at")


def updated(activity: Activity, details: ActivityDetails, now: datetime) -> Activity:
    """Replace the details of a draft or published activity."""
    _require_state(activity, (DRAFT, PUBLISHED), "update")
    if activity.state == PUBLISHED:
        _require_future(details, now, "move a published activity into the past; update")
    changed = _next(activity, now)
    changed.details.CopyFrom(details)
    return changed


def published(activity: Activity, now: datetime) -> Activity:
    _require_state(activity, (DRAFT,), "publish")
    _require_future(activity.details, now, "publish")
    changed = _next(activity, now)
    changed.state = PUBLISHED
    changed.published_at.CopyFrom(_stamp(now))
    return changed


def cancelled(activity: Activity, reason: str, now: datetime) -> Activity:
    _require_state(activity, (DRAFT, PUBLISHED), "cancel")
    changed = _next(activity, now)
    changed.state = CANCELLED
    changed.cancellation_reason = reason
    return changed


def completed(activity: Activity, now: datetime) -> Activity:
    _require_state(activity, (PUBLISHED,), "complete")
    if activity.details.starts_at.ToDatetime(tzinfo=UTC).timestamp() > now.timestamp():
        raise FailedPrecondition("cannot complete an activity before it starts")
    changed = _next(activity, now)
    changed.state = COMPLETED
    return changed
