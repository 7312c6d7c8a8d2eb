"""English: the reference catalogue; every other language falls back to it."""

from __future__ import annotations

from typing import Final

from services.kernel.languages import LANGUAGE_NAMES
from services.notify.locales import Catalogue, plural_one_other

PHRASES: Final[dict[str, str]] = {
    # Shared
    "colon": ": ",
    "greeting": "Hi,",
    "greeting.named": "Hi {name},",
    "signoff": "Best wishes,",
    "team": "Your SocialErasmus team at ESN",
    "label.when": "When",
    "label.where": "Where",
    "label.causes": "Causes",
    "label.online": "Online",
    "label.local_time": "Local time",
    "label.why_suggested": "Why we suggest it",
    "label.reason": "Reason given by the organisers",
    "label.changed": "What changed",
    "label.view_activity": "See the activity",
    "footer.why.suggestion": (
        "You get this message because you asked SocialErasmus to suggest volunteering "
        "activities that match your interests."
    ),
    "footer.why.digest": (
        "You get this message because you chose to receive your SocialErasmus suggestions "
        "as a regular digest."
    ),
    "footer.why.activity": (
        "You get this message because you signed up for this SocialErasmus activity."
    ),
    "footer.why.sign_in": (
        "You get this message because a sign-in link was asked for with your address."
    ),
    "sign_in.subject": "Your SocialErasmus sign-in link",
    "sign_in.heading": "Sign in to SocialErasmus",
    "sign_in.text": (
        "Use the button below to sign in to SocialErasmus. The link works once, for {minutes} "
        "minutes, and only for you: do not forward it."
    ),
    "sign_in.cta": "Sign in to SocialErasmus",
    "sign_in.ignore": (
        "If you did not ask to sign in, you can ignore this message: nobody can sign in without it."
    ),
    "footer.unsubscribe": "Unsubscribe",
    "footer.manage": "Manage your notification settings",
    "footer.transactional": (
        "Messages about the activities you signed up for come even if you unsubscribed from "
        "suggestions."
    ),
    "footer.about": (
        "SocialErasmus is the volunteering programme of the Erasmus Student Network (ESN) "
        "for international students."
    ),
    # ESN's six causes, as ESN writes them (services.kernel.causes.CAUSE_LABELS)
    "cause.1": "Culture",
    "cause.2": "Education & Youth",
    "cause.3": "Environmental Sustainability",
    "cause.4": "Health & Well-being",
    "cause.5": "Skills & Employability",
    "cause.6": "Social Inclusion",
    # ActivityDetails fields, for "what changed"
    "field.title": "Title",
    "field.description": "Description",
    "field.goal": "Goal",
    "field.type": "Type of activity",
    "field.causes": "Causes",
    "field.sdgs": "Sustainable Development Goals",
    "field.objectives": "Objectives",
    "field.section_id": "Organising section",
    "field.co_organiser_section_ids": "Co-organisers",
    "field.starts_at": "Start",
    "field.ends_at": "End",
    "field.time_zone": "Time zone",
    "field.location": "Place",
    "field.capacity": "Number of places",
    "field.languages": "Working languages",
    "field.skills_wanted": "Skills wanted",
    "field.accessibility_notes": "Accessibility",
    "field.week_edition": "SocialErasmus Week",
    # suggestion
    "suggestion.subject": "A volunteering activity for you: {title}",
    "suggestion.heading": "We found an activity for you",
    "suggestion.intro": (
        "This SocialErasmus activity matches your interests. Join in and make a difference "
        "in your host community!"
    ),
    "suggestion.cta": "See the activity and sign up",
    # digest
    "digest.subject.one": "Your SocialErasmus digest: {count} activity for you",
    "digest.subject.other": "Your SocialErasmus digest: {count} activities for you",
    "digest.heading": "Your SocialErasmus picks",
    "digest.intro.one": "Here is a volunteering activity that matches your interests.",
    "digest.intro.other": "Here are {count} volunteering activities that match your interests.",
    # enrolment_confirmed
    "enrolment_confirmed.subject": "Your place is confirmed: {title}",
    "enrolment_confirmed.heading": "Your place is confirmed",
    "enrolment_confirmed.intro": (
        "Thank you for volunteering! Your place in this SocialErasmus activity is confirmed."
    ),
    "enrolment_confirmed.hint": (
        "If you can no longer take part, please cancel your enrolment so that someone on "
        "the waitlist can take your place."
    ),
    "enrolment_confirmed.cta": "See your activity",
    # enrolment_waitlisted
    "enrolment_waitlisted.subject": "You are on the waitlist: {title}",
    "enrolment_waitlisted.heading": "You are on the waitlist",
    "enrolment_waitlisted.intro": (
        "This activity is full at the moment, so we have put you on the waitlist."
    ),
    "enrolment_waitlisted.position": "Your position on the waitlist: {position}",
    "enrolment_waitlisted.hint": (
        "If a place becomes free, you move up automatically and we will let you know straight away."
    ),
    "enrolment_waitlisted.cta": "See the activity",
    # enrolment_promoted
    "enrolment_promoted.subject": "A place opened up for you: {title}",
    "enrolment_promoted.heading": "Good news: you are in!",
    "enrolment_promoted.intro": (
        "A place became free and you have moved up from the waitlist. Your place in this "
        "activity is now confirmed."
    ),
    "enrolment_promoted.hint": (
        "If you can no longer take part, please cancel your enrolment so that the next "
        "person on the waitlist can take your place."
    ),
    "enrolment_promoted.cta": "See your activity",
    # reminder
    "reminder.subject": "Reminder: {title}",
    "reminder.heading": "See you soon!",
    "reminder.intro": "A quick reminder: your SocialErasmus activity is coming up soon.",
    "reminder.hint": (
        "Can't make it after all? Please cancel your enrolment so that someone else can "
        "take your place."
    ),
    "reminder.cta": "See the details",
    # activity_cancelled
    "activity_cancelled.subject": "Cancelled: {title}",
    "activity_cancelled.heading": "This activity has been cancelled",
    "activity_cancelled.intro": (
        "We are sorry: the organising ESN section has cancelled this activity."
    ),
    "activity_cancelled.hint": (
        "You don't need to do anything. Many other SocialErasmus activities are waiting for you!"
    ),
    "activity_cancelled.cta": "See the details",
    # activity_changed
    "activity_changed.subject": "Changes to {title}",
    "activity_changed.heading": "This activity has changed",
    "activity_changed.intro": (
        "The organisers have updated an activity you signed up for. Please check the details below."
    ),
    "activity_changed.hint": (
        "If the new details no longer suit you, please cancel your enrolment so that "
        "someone else can take your place."
    ),
    "activity_changed.cta": "See the activity",
    # Why a suggestion: reasons and facts (services.notify.reasons)
    "separator": "; ",
    "reason.cause": "{causes}, like you asked",
    "reason.motivation": "close to your motivation",
    "reason.skills": "matches your skills: {skills}",
    "reason.distance": "{distance} km away",
    "reason.online": "online",
    "reason.seats_left.one": "{count} seat left",
    "reason.seats_left.other": "{count} seats left",
    "reason.full": "full, waitlist open",
    "reason.departure": "one of your last chances before you leave",
    "reason.similar_students": "students like you joined",
    "fact.languages": "in {languages}",
    "fact.start": "{weekday} {time}",
}

CATALOGUE: Final = Catalogue(
    code="en",
    phrases=PHRASES,
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    plural=plural_one_other,
    date_format="{weekday} {day} {month}",
    range_format="{date}, {start}\u2013{end} {zone}",
    span_format="{start_date}, {start} \u2013 {end_date}, {end} {zone}",
    moment_format="{date}, {start} {zone}",
    languages=LANGUAGE_NAMES,
)
