"""The confirmation's calendar file: the activity's event, under the UID every source uses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from services.kernel.ics import event_uid
from services.notify.calendar_file import calendar_file
from services.notify.email_channel import EmailChannel
from services.notify.messages import ActivityFacts, MessageKind
from services.runtime.smtp import SmtpSettings

START = datetime(2027, 4, 10, 8, tzinfo=UTC)
BEACH = ActivityFacts(
    activity_id="01JBEACH",
    title="Beach clean-up",
    starts_at=START,
    ends_at=START + timedelta(hours=3),
    time_zone="Europe/Madrid",
    city="Valencia",
    country_code="es",
    online=False,
    causes=(3,),
    venue="Playa de la Malvarrosa",
    url="http://127.0.0.1:8000/activities/01JBEACH",
)


def test_messages_that_give_a_place_carry_the_event() -> None:
    for kind in (MessageKind.ENROLMENT_CONFIRMED, MessageKind.ENROLMENT_PROMOTED):
        attached = calendar_file(kind, BEACH, START - timedelta(days=3))
        assert attached is not None
        name, data = attached
        assert name == "socialerasmus-01JBEACH.ics"
        [event] = icalendar.Calendar.from_ical(data).walk("VEVENT")
        assert str(event["uid"]) == event_uid("01JBEACH")
        assert event.decoded("dtstart") == START
        assert str(event["location"]) == "Playa de la Malvarrosa, Valencia"


def test_other_messages_carry_none() -> None:
    for kind in (MessageKind.SUGGESTION, MessageKind.ENROLMENT_WAITLISTED, MessageKind.REMINDER):
        assert calendar_file(kind, BEACH, START) is None


def test_the_mail_attaches_it_beside_text_and_html() -> None:
    channel = EmailChannel(
        SmtpSettings("127.0.0.1", 25, None, None, starttls=False, sender="a@b.c")
    )
    message = channel.build_message(
        "ana@students.example",
        "Your place is confirmed",
        text="Hi",
        html="<p>Hi</p>",
        message_id="m1",
        list_unsubscribe_url="",
        calendar=calendar_file(MessageKind.ENROLMENT_CONFIRMED, BEACH, START),
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "socialerasmus-01JBEACH.ics"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
