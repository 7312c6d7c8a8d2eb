"""What changed between two versions of an activity's details: told to enrolled students."""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from socialerasmus.catalogue.v1.catalogue_pb2 import ActivityDetails

__all__ = ["changed_fields"]


def changed_fields(old: ActivityDetails, new: ActivityDetails) -> list[str]:
    """Top-level ActivityDetails field names whose value differs, in declaration order.

    A message field that is set on one side only counts as changed even when the set value is
    empty, so clearing ``location`` is reported.
    """
    return [
        fd.name
        for fd in ActivityDetails.DESCRIPTOR.fields
        if _field_value(old, fd) != _field_value(new, fd)
    ]


def _field_value(message: Message, fd: FieldDescriptor) -> object:
    if fd.message_type is not None and not fd.is_repeated and not message.HasField(fd.name):
        return None
    return getattr(message, fd.name)
