"""Realistic SocialErasmus activities of real ESN sections, for local runs, demos and tests.

Pure and deterministic: the same sections, count, ``today`` and seed give the same activities,
and a longer list starts with the shorter one (activity ``i`` does not depend on ``count``), so
seeding with request ids ``seed-{i}`` stays idempotent when ``--count`` grows.
"""

# The Turkish texts below hold the dotless i (U+0131), which ruff flags as a look-alike of "i".
# ruff: noqa: RUF001

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TypeAlias
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.ids import SECTION_ID_PATTERN
from services.kernel.sections import Section
from socialerasmus.catalogue.v1 import catalogue_pb2
from socialerasmus.common.v1 import common_pb2

__all__ = ["demo_activities", "language_of", "time_zone_of", "upcoming_weeks"]

CauseValue: TypeAlias = common_pb2.Cause.ValueType
TypeValue: TypeAlias = catalogue_pb2.ActivityType.ValueType
ObjectiveValue: TypeAlias = catalogue_pb2.Objective.ValueType
Days: TypeAlias = Literal["weekday", "weekend", "any"]

_CULTURE = common_pb2.CAUSE_CULTURE
_EDUCATION = common_pb2.CAUSE_EDUCATION_AND_YOUTH
_ENVIRONMENT = common_pb2.CAUSE_ENVIRONMENTAL_SUSTAINABILITY
_HEALTH = common_pb2.CAUSE_HEALTH_AND_WELLBEING
_SKILLS = common_pb2.CAUSE_SKILLS_AND_EMPLOYABILITY
_INCLUSION = common_pb2.CAUSE_SOCIAL_INCLUSION
CAUSES: tuple[CauseValue, ...] = (
    _CULTURE,
    _EDUCATION,
    _ENVIRONMENT,
    _HEALTH,
    _SKILLS,
    _INCLUSION,
)

_CITIZENSHIP = catalogue_pb2.OBJECTIVE_FOSTER_ACTIVE_CITIZENSHIP_AND_VOLUNTEERING
_LANGUAGE = catalogue_pb2.OBJECTIVE_SUPPORT_LANGUAGE_LEARNING
_INTEGRATION = catalogue_pb2.OBJECTIVE_SOCIAL_AND_CULTURAL_INTEGRATION_IN_LOCAL_COMMUNITY
_RECOGNITION = catalogue_pb2.OBJECTIVE_RECOGNITION_OF_SKILLS
_AWARENESS = catalogue_pb2.OBJECTIVE_RAISE_AWARENESS
_DIALOGUE = catalogue_pb2.OBJECTIVE_FOSTER_INTERCULTURAL_DIALOGUE

ONLINE_SHARE = 0.10
"""About this share of activities happens online."""
LOCAL_LANGUAGE_SHARE = 0.4
"""Where a translation exists, this share of a section's activities is written in its language."""
HORIZON_DAYS = 180
"""Activities outside the Weeks start within this many days after ``today``."""
_WEEK_EVERY = 5
"""Every fifth activity belongs to a SocialErasmus Week, alternating spring and autumn."""
_REUSE_SECTION_SHARE = 0.2
"""Share of activities given to a section that already has one (active sections run several)."""
_CO_ORGANISED_SHARE = 0.15
"""Share of activities co-organised with another section of the same city, where there is one."""

_ONLINE_VENUE = "Online (video call link sent to enrolled participants)"
_ONLINE_ACCESS = "Online; captions are switched on and slides are shared in advance."


@dataclass(frozen=True, slots=True)
class _Template:
    """One kind of activity. ``title``, ``description`` and ``goal`` may use {city}, {section}."""

    key: str
    causes: tuple[CauseValue, ...]
    """The first is the cause the template stands for."""
    type: TypeValue
    sdgs: tuple[int, ...]
    objectives: tuple[ObjectiveValue, ...]
    title: str
    description: str
    goal: str
    skills: tuple[str, ...]
    venue: str
    accessibility: str
    days: Days
    start_hours: tuple[int, ...]
    """Local start hours that suit the activity."""
    durations: tuple[float, ...]
    """Hours, 2 to 6."""
    capacity: tuple[int, int]
    """Inclusive range, within 8 to 60."""
    online: bool = False


@dataclass(frozen=True, slots=True)
class _Translation:
    """A title and description in a section's own language for one template."""

    template: str
    title: str
    description: str


_TEMPLATES: tuple[_Template, ...] = (
    # --- Culture ---
    _Template(
        key="museum-accessibility",
        causes=(_CULTURE, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(10, 11),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Museum accessibility day in {city}",
        description=(
            "Help a local museum welcome visitors with disabilities: guide tactile and "
            "easy-to-read tours, assist wheelchair users and staff the welcome desk. The "
            "museum's education team gives a short briefing before the doors open."
        ),
        goal="Open the city's cultural heritage to every visitor, whatever their abilities.",
        skills=("guiding groups", "clear communication", "patience", "sign language"),
        venue="City museum, main entrance",
        accessibility="Step-free venue with lifts; accessible toilets on the ground floor.",
        days="weekend",
        start_hours=(10, 11),
        durations=(3, 4),
        capacity=(8, 20),
    ),
    _Template(
        key="heritage-care",
        causes=(_CULTURE,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(11,),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Heritage site care day in {city}",
        description=(
            "Join a local heritage association to look after a historic site: clear "
            "vegetation, clean stonework under supervision and repaint benches and signs. "
            "Tools, gloves and a light lunch are provided."
        ),
        goal=(
            "Protect a piece of local heritage and connect exchange students with the "
            "people who look after it."
        ),
        skills=("manual work", "teamwork", "attention to detail"),
        venue="Historic centre, meeting point at the heritage association's office",
        accessibility="Outdoor work on uneven ground; sturdy shoes needed.",
        days="weekend",
        start_hours=(9, 10),
        durations=(3, 4, 5),
        capacity=(10, 30),
    ),
    _Template(
        key="intercultural-cooking",
        causes=(_CULTURE, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_CULTURAL_EVENT,
        sdgs=(10, 11),
        objectives=(_DIALOGUE, _INTEGRATION),
        title="Cook together: intercultural dinner in {city}",
        description=(
            "Exchange students, newcomers and neighbours cook dishes from their home "
            "countries side by side and share one long table. Bring a recipe from home; "
            "the community centre provides the kitchen and the ingredients."
        ),
        goal="Build friendships across cultures around food and make newcomers feel at home.",
        skills=("cooking", "hosting", "storytelling"),
        venue="Neighbourhood community centre, shared kitchen",
        accessibility="Step-free kitchen on the ground floor; vegetarian and halal options.",
        days="any",
        start_hours=(18, 19),
        durations=(3,),
        capacity=(12, 30),
    ),
    _Template(
        key="library-story-hour",
        causes=(_CULTURE, _EDUCATION),
        type=catalogue_pb2.ACTIVITY_TYPE_CULTURAL_EVENT,
        sdgs=(4, 10),
        objectives=(_LANGUAGE, _DIALOGUE),
        title="Multilingual story hour at the {city} city library",
        description=(
            "Read picture books aloud in your mother tongue to children and their parents, "
            "then run a craft activity about your home country. Families with many language "
            "backgrounds come to hear stories in their own language."
        ),
        goal="Show children that every language is welcome and spark their curiosity.",
        skills=("reading aloud", "working with children", "crafts"),
        venue="City library, children's section",
        accessibility="Step-free access; a quiet room is available.",
        days="weekend",
        start_hours=(10, 11, 15),
        durations=(2,),
        capacity=(8, 15),
    ),
    _Template(
        key="heritage-translate-a-thon",
        causes=(_CULTURE,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(4, 11),
        objectives=(_LANGUAGE, _RECOGNITION),
        title="Online translate-a-thon for small museums and heritage sites",
        description=(
            "Translate visitor guides, audio-guide scripts and website texts of small museums "
            "around {city} into your mother tongue, in teams with proofreading by native "
            "speakers. A short training on translation tools opens the session."
        ),
        goal="Make local heritage readable for international visitors in their own languages.",
        skills=("translation", "proofreading", "writing"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="any",
        start_hours=(17, 18),
        durations=(2, 3),
        capacity=(10, 40),
        online=True,
    ),
    # --- Education & Youth ---
    _Template(
        key="erasmus-in-schools",
        causes=(_EDUCATION, _CULTURE),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(4, 10),
        objectives=(_DIALOGUE, _AWARENESS, _LANGUAGE),
        title="Erasmus in Schools: classroom visits in {city}",
        description=(
            "Visit a local secondary school in small teams, present your home country and "
            "university, and run games about languages and mobility with the pupils. "
            "{section} provides the presentation kit and a briefing with the teachers."
        ),
        goal="Inspire pupils to learn languages and to consider a mobility of their own.",
        skills=("public speaking", "presentation", "working with teenagers"),
        venue="Local secondary school (address shared after enrolment)",
        accessibility="School building with a lift; teachers stay with the group.",
        days="weekday",
        start_hours=(9, 10),
        durations=(2, 3),
        capacity=(8, 20),
    ),
    _Template(
        key="homework-club",
        causes=(_EDUCATION, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(4, 10),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Homework club for children in {city}",
        description=(
            "Help primary-school children with homework, reading and maths at a "
            "neighbourhood youth centre, together with its educators. Many of the children "
            "grow up with two languages: patience matters more than perfect local language."
        ),
        goal="Give children from disadvantaged neighbourhoods a fairer start at school.",
        skills=("tutoring", "maths", "patience", "working with children"),
        venue="Neighbourhood youth centre",
        accessibility="Ground floor, step-free.",
        days="weekday",
        start_hours=(15, 16),
        durations=(2,),
        capacity=(8, 15),
    ),
    _Template(
        key="science-day",
        causes=(_EDUCATION,),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(4, 5),
        objectives=(_CITIZENSHIP, _RECOGNITION),
        title="Science day for kids with a {city} youth club",
        description=(
            "Run simple, hands-on experiments (volcanoes, water filters, paper bridges) with "
            "children aged 8 to 12. Students of every field are welcome; each station comes "
            "with step-by-step instructions."
        ),
        goal="Make science fun and encourage girls and boys alike to explore STEM.",
        skills=("science communication", "working with children", "creativity"),
        venue="Youth club hall",
        accessibility="Step-free hall; all materials are non-toxic.",
        days="weekend",
        start_hours=(10, 14),
        durations=(3,),
        capacity=(10, 25),
    ),
    _Template(
        key="youth-mobility-talk",
        causes=(_EDUCATION,),
        type=catalogue_pb2.ACTIVITY_TYPE_TALK_OR_CONFERENCE,
        sdgs=(4, 10),
        objectives=(_AWARENESS, _DIALOGUE),
        title="Study abroad? Ask us! Youth centre talk in {city}",
        description=(
            "Share your exchange story with young people at a youth centre: how you chose "
            "your destination, how Erasmus+ grants work and what surprised you most. Short "
            "talks first, then questions in small groups."
        ),
        goal="Make mobility feel possible for young people who never thought of going abroad.",
        skills=("public speaking", "storytelling", "mentoring"),
        venue="Municipal youth centre",
        accessibility="Step-free room with an induction loop.",
        days="weekday",
        start_hours=(17, 18),
        durations=(2,),
        capacity=(8, 20),
    ),
    _Template(
        key="online-homework-help",
        causes=(_EDUCATION, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(4, 10),
        objectives=(_LANGUAGE, _CITIZENSHIP),
        title="Online homework help for refugee teenagers",
        description=(
            "Support teenagers who recently arrived in {city} with English, maths and school "
            "projects in one-to-one video sessions coordinated by a refugee-support NGO. A "
            "safeguarding briefing comes before the first session."
        ),
        goal="Help young refugees keep up at school while they learn a new language.",
        skills=("tutoring", "English", "maths", "empathy"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="weekday",
        start_hours=(17, 18),
        durations=(2,),
        capacity=(8, 30),
        online=True,
    ),
    # --- Environmental Sustainability ---
    _Template(
        key="park-clean-up",
        causes=(_ENVIRONMENT,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(11, 14, 15),
        objectives=(_CITIZENSHIP, _AWARENESS),
        title="Park and riverside clean-up in {city}",
        description=(
            "Collect and sort litter along the river banks and green areas with the city's "
            "environmental volunteers. Gloves, bags and grabbers are provided; we weigh what "
            "we collect and share the results with the city."
        ),
        goal="Leave the city's green spaces cleaner and raise awareness of litter in nature.",
        skills=("teamwork", "physical stamina", "waste sorting"),
        venue="Riverside park, main entrance",
        accessibility="Outdoors on mostly flat paths; wear clothes that can get dirty.",
        days="weekend",
        start_hours=(9, 10),
        durations=(2, 3),
        capacity=(15, 60),
    ),
    _Template(
        key="tree-planting",
        causes=(_ENVIRONMENT,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(13, 15),
        objectives=(_CITIZENSHIP, _AWARENESS),
        title="Tree planting with the {city} parks department",
        description=(
            "Plant native trees and shrubs in a new urban woodland with the city's gardeners, "
            "who show how to plant and protect young trees. Every participant plants at least "
            "one tree."
        ),
        goal="Grow the city's green cover and act on climate change locally.",
        skills=("gardening", "physical stamina", "teamwork"),
        venue="Urban woodland site (map sent after enrolment)",
        accessibility="Uneven ground; tools and gloves provided; sturdy shoes needed.",
        days="weekend",
        start_hours=(9, 10),
        durations=(3, 4),
        capacity=(15, 60),
    ),
    _Template(
        key="plogging",
        causes=(_ENVIRONMENT, _HEALTH),
        type=catalogue_pb2.ACTIVITY_TYPE_SPORT_EVENT,
        sdgs=(3, 11, 12),
        objectives=(_CITIZENSHIP, _AWARENESS),
        title="Plogging in {city}: jog and pick up litter",
        description=(
            "Plogging combines jogging with picking up litter. We run an easy 5 km loop in "
            "small groups at a chatty pace, stop to collect waste, and finish with stretching "
            "and a photo of the haul."
        ),
        goal="Stay fit while keeping the city clean, and show that small actions add up.",
        skills=("running", "teamwork"),
        venue="Meeting point at the main square",
        accessibility="Easy pace and walkers welcome; outdoor route.",
        days="weekend",
        start_hours=(9, 10),
        durations=(2,),
        capacity=(10, 40),
    ),
    _Template(
        key="repair-cafe",
        causes=(_ENVIRONMENT, _SKILLS),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(12, 13),
        objectives=(_RECOGNITION, _AWARENESS),
        title="Repair café in {city}: fix bikes, clothes and gadgets",
        description=(
            "Help neighbours repair what they would otherwise throw away: bikes, clothes, "
            "small appliances and phones. Volunteer repairers teach you their tricks while "
            "you host the tables and register the items."
        ),
        goal="Cut waste by giving broken things a second life and share repair skills.",
        skills=("bike repair", "sewing", "electronics", "customer service"),
        venue="Community centre workshop room",
        accessibility="Step-free; tools are handled under supervision.",
        days="weekend",
        start_hours=(13, 14),
        durations=(3, 4),
        capacity=(10, 25),
    ),
    _Template(
        key="community-garden",
        causes=(_ENVIRONMENT, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(2, 11, 15),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Community garden day in {city}",
        description=(
            "Sow, weed, build raised beds and harvest vegetables in a community garden run "
            "by neighbours of all ages. Part of the harvest goes to a local food bank."
        ),
        goal="Grow food locally, green the neighbourhood and meet the people who live there.",
        skills=("gardening", "carpentry", "teamwork"),
        venue="Community garden (map sent after enrolment)",
        accessibility="Raised beds reachable from a wheelchair; outdoor work.",
        days="weekend",
        start_hours=(10, 14),
        durations=(3,),
        capacity=(8, 25),
    ),
    _Template(
        key="green-erasmus-online",
        causes=(_ENVIRONMENT, _EDUCATION),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(12, 13),
        objectives=(_AWARENESS, _RECOGNITION),
        title="Green Erasmus: online workshop on sustainable travel and living",
        description=(
            "Work out the carbon footprint of your exchange, compare greener ways to travel "
            "home and around Europe, and make a plan for a more sustainable semester in "
            "{city}. Hosted by {section} with a local environmental NGO."
        ),
        goal="Help exchange students shrink the environmental footprint of their mobility.",
        skills=("research", "sustainability"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="any",
        start_hours=(18, 19),
        durations=(2,),
        capacity=(10, 60),
        online=True,
    ),
    # --- Health & Well-being ---
    _Template(
        key="blood-drive",
        causes=(_HEALTH,),
        type=catalogue_pb2.ACTIVITY_TYPE_AWARENESS_CAMPAIGN,
        sdgs=(3,),
        objectives=(_AWARENESS, _CITIZENSHIP),
        title="Blood donation drive on campus in {city}",
        description=(
            "Help the regional blood service run a donation day on campus: welcome donors, "
            "explain the process in several languages and hand out snacks afterwards. "
            "Eligible volunteers can donate themselves; nobody has to."
        ),
        goal="Bring more students, local and international, to donate blood regularly.",
        skills=("welcoming people", "languages", "organisation"),
        venue="University campus, main hall",
        accessibility="Step-free hall; first-aid staff on site.",
        days="weekday",
        start_hours=(9, 10),
        durations=(4, 5, 6),
        capacity=(10, 30),
    ),
    _Template(
        key="elderly-home-visit",
        causes=(_HEALTH, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(3, 10),
        objectives=(_INTEGRATION, _LANGUAGE, _DIALOGUE),
        title="Afternoon at an elderly home in {city}",
        description=(
            "Spend an afternoon with the residents of a care home: board games, music, "
            "conversation and photos from your home country. The care staff introduce you to "
            "the residents and stay with the group."
        ),
        goal="Bring company to older people who rarely get visitors and connect generations.",
        skills=("conversation", "music", "empathy", "patience"),
        venue="Care home (address shared after enrolment)",
        accessibility="Step-free building; calm, quiet atmosphere.",
        days="any",
        start_hours=(14, 15),
        durations=(2, 3),
        capacity=(8, 15),
    ),
    _Template(
        key="charity-run",
        causes=(_HEALTH,),
        type=catalogue_pb2.ACTIVITY_TYPE_CHARITY_FUNDRAISING,
        sdgs=(3, 10),
        objectives=(_CITIZENSHIP, _AWARENESS),
        title="Charity run in {city} for a local health NGO",
        description=(
            "Run or walk 5 km to raise funds for a local NGO that supports patients and their "
            "families. Volunteers are needed at registration, along the route and at the "
            "finish; runners collect sponsorship before the day."
        ),
        goal="Raise money and visibility for local health charities.",
        skills=("event organisation", "running", "fundraising"),
        venue="City park, start and finish area",
        accessibility="A walking route is available.",
        days="weekend",
        start_hours=(9, 10),
        durations=(3, 4),
        capacity=(20, 60),
    ),
    _Template(
        key="responsible-party",
        causes=(_HEALTH,),
        type=catalogue_pb2.ACTIVITY_TYPE_AWARENESS_CAMPAIGN,
        sdgs=(3,),
        objectives=(_AWARENESS, _CITIZENSHIP),
        title="Responsible Party: safer nightlife night in {city}",
        description=(
            "ESN's Responsible Party campaign promotes responsible drinking. Staff an info "
            "stand at a student party: hand out water and information on alcohol, consent and "
            "getting home safely, and run a quiz with prizes."
        ),
        goal="Reduce harmful drinking among students and make nightlife safer.",
        skills=("peer education", "communication"),
        venue="Partner student club (address shared after enrolment)",
        accessibility="Evening event with loud music; a quiet area is available.",
        days="weekday",
        start_hours=(20,),
        durations=(3, 4),
        capacity=(8, 20),
    ),
    _Template(
        key="wellbeing-online",
        causes=(_HEALTH,),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(3,),
        objectives=(_AWARENESS, _RECOGNITION),
        title="Feeling at home abroad: online well-being workshop",
        description=(
            "A psychologist from a partner organisation leads a session on homesickness, "
            "stress and culture shock, with practical tools and peer exchange in small "
            "breakout rooms. What you share stays in the room."
        ),
        goal="Support the mental health of exchange students during their stay.",
        skills=("active listening", "peer support"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="any",
        start_hours=(18,),
        durations=(2,),
        capacity=(10, 40),
        online=True,
    ),
    # --- Skills & Employability ---
    _Template(
        key="cv-clinic",
        causes=(_SKILLS, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_WORKSHOP,
        sdgs=(4, 8),
        objectives=(_RECOGNITION, _CITIZENSHIP),
        title="CV workshop with local NGOs in {city}",
        description=(
            "Together with career coaches of local NGOs, help young jobseekers and newcomers "
            "write their CVs and cover letters in English and other languages. A short "
            "briefing on what local employers look for opens the evening."
        ),
        goal="Open doors to work for young jobseekers and newcomers.",
        skills=("writing", "career advice", "English"),
        venue="NGO office, training room",
        accessibility="Step-free; laptops provided.",
        days="weekday",
        start_hours=(17, 18),
        durations=(2, 3),
        capacity=(8, 20),
    ),
    _Template(
        key="mock-interviews",
        causes=(_SKILLS, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(8, 10),
        objectives=(_RECOGNITION, _INTEGRATION),
        title="Job interview practice with refugees and migrants in {city}",
        description=(
            "Play the interviewer in mock job interviews for refugees and migrants preparing "
            "for the local job market, then give friendly feedback with a checklist from a "
            "migrant-support organisation."
        ),
        goal="Build the confidence of newcomers looking for their first job in the city.",
        skills=("interviewing", "giving feedback", "empathy"),
        venue="Migrant-support centre",
        accessibility="Step-free building.",
        days="weekday",
        start_hours=(17, 18),
        durations=(2, 3),
        capacity=(8, 20),
    ),
    _Template(
        key="digital-skills-seniors",
        causes=(_SKILLS, _INCLUSION),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(4, 10),
        objectives=(_RECOGNITION, _INTEGRATION),
        title="Digital skills café for seniors in {city}",
        description=(
            "Sit down one to one with older people and help them with smartphones, video calls "
            "with family, online banking and spotting scams. The public library hosts the café "
            "and lends tablets."
        ),
        goal="Close the digital gap so that older people stay connected.",
        skills=("digital literacy", "teaching", "patience"),
        venue="Public library, meeting room",
        accessibility="Step-free; large-print handouts.",
        days="weekday",
        start_hours=(10, 15),
        durations=(2,),
        capacity=(8, 15),
    ),
    _Template(
        key="volunteering-fair",
        causes=(_SKILLS,),
        type=catalogue_pb2.ACTIVITY_TYPE_SOCIAL_EVENT,
        sdgs=(8, 17),
        objectives=(_CITIZENSHIP, _RECOGNITION),
        title="Volunteering fair: meet the NGOs of {city}",
        description=(
            "Help run a fair where local NGOs present their volunteering opportunities to "
            "students: set up stands, guide visitors, translate between NGO staff and "
            "international students, and collect feedback."
        ),
        goal="Connect students with long-term volunteering and the skills it builds.",
        skills=("event organisation", "translation", "networking"),
        venue="University main hall",
        accessibility="Step-free hall.",
        days="weekday",
        start_hours=(11, 12),
        durations=(4, 5),
        capacity=(15, 40),
    ),
    _Template(
        key="skills-recognition-online",
        causes=(_SKILLS,),
        type=catalogue_pb2.ACTIVITY_TYPE_TRAINING,
        sdgs=(4, 8),
        objectives=(_RECOGNITION,),
        title="Online training: turn volunteering into recognised skills",
        description=(
            "Learn to describe what you learnt through volunteering with Europass and "
            "Youthpass-style tools and to show it on your CV. Ends with a peer review of each "
            "other's descriptions. Organised by {section}."
        ),
        goal="Help volunteers get their skills recognised by employers and universities.",
        skills=("self-reflection", "writing"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="any",
        start_hours=(18,),
        durations=(2,),
        capacity=(10, 60),
        online=True,
    ),
    # --- Social Inclusion ---
    _Template(
        key="language-cafe-refugees",
        causes=(_INCLUSION, _CULTURE),
        type=catalogue_pb2.ACTIVITY_TYPE_SOCIAL_EVENT,
        sdgs=(4, 10),
        objectives=(_LANGUAGE, _INTEGRATION, _DIALOGUE),
        title="Language café with refugees in {city}",
        description=(
            "Sit at a themed table and chat in the local language, in English or in your own "
            "with refugees and asylum seekers who are learning the language. Games and "
            "conversation cards keep things going; no teaching experience needed."
        ),
        goal="Help newcomers practise the language and make friends in their new city.",
        skills=("conversation", "languages", "empathy"),
        venue="Café of a refugee-support association",
        accessibility="Step-free; a children's corner is available.",
        days="weekday",
        start_hours=(18, 19),
        durations=(2,),
        capacity=(10, 30),
    ),
    _Template(
        key="food-bank",
        causes=(_INCLUSION,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(1, 2, 12),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Food bank sorting shift in {city}",
        description=(
            "Sort donated food, check expiry dates and pack parcels for families in need at "
            "the regional food bank's warehouse. The food bank team explains the hygiene rules "
            "at the start."
        ),
        goal="Get food to families in need and cut food waste.",
        skills=("teamwork", "organisation", "physical stamina"),
        venue="Food bank warehouse",
        accessibility="Step-free warehouse; some lifting of boxes.",
        days="any",
        start_hours=(9, 14),
        durations=(3, 4),
        capacity=(10, 30),
    ),
    _Template(
        key="soup-kitchen",
        causes=(_INCLUSION,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(1, 2, 10),
        objectives=(_CITIZENSHIP, _INTEGRATION),
        title="Serving dinner at a soup kitchen in {city}",
        description=(
            "Prepare and serve a warm meal for people experiencing homelessness with the "
            "volunteers of a local charity, then help clean up. A friendly, respectful chat at "
            "the table matters as much as the food."
        ),
        goal="Offer a warm meal and some company to people living on the streets.",
        skills=("cooking", "hospitality", "empathy"),
        venue="Charity canteen (address shared after enrolment)",
        accessibility="Ground-floor kitchen; mostly standing work.",
        days="any",
        start_hours=(17, 18),
        durations=(3,),
        capacity=(8, 15),
    ),
    _Template(
        key="inclusive-sports",
        causes=(_INCLUSION, _HEALTH),
        type=catalogue_pb2.ACTIVITY_TYPE_SPORT_EVENT,
        sdgs=(3, 10),
        objectives=(_INTEGRATION, _CITIZENSHIP),
        title="Inclusive sports day with a {city} disability sports club",
        description=(
            "Try wheelchair basketball, blind football and sitting volleyball with athletes "
            "of a local disability sports club, then help run mixed teams in a friendly "
            "tournament."
        ),
        goal="Break down barriers between people with and without disabilities through sport.",
        skills=("sport", "teamwork", "refereeing"),
        venue="Municipal sports hall",
        accessibility="Fully accessible hall and changing rooms.",
        days="weekend",
        start_hours=(10, 14),
        durations=(3, 4),
        capacity=(16, 40),
    ),
    _Template(
        key="clothes-collection",
        causes=(_INCLUSION, _ENVIRONMENT),
        type=catalogue_pb2.ACTIVITY_TYPE_CHARITY_FUNDRAISING,
        sdgs=(1, 10, 12),
        objectives=(_CITIZENSHIP, _AWARENESS),
        title="Clothes and hygiene kit collection for a {city} shelter",
        description=(
            "Collect, sort and pack clothes, blankets and hygiene products donated by "
            "students at the {section} collection point, then bring them to a shelter for "
            "people without a home."
        ),
        goal="Help people without a home with what they need most.",
        skills=("organisation", "logistics", "teamwork"),
        venue="University campus, collection point at the student union",
        accessibility="Step-free; some carrying of bags.",
        days="any",
        start_hours=(11, 14),
        durations=(3, 4),
        capacity=(8, 20),
    ),
    _Template(
        key="online-conversation-partners",
        causes=(_INCLUSION,),
        type=catalogue_pb2.ACTIVITY_TYPE_VOLUNTEERING,
        sdgs=(4, 10),
        objectives=(_LANGUAGE, _DIALOGUE),
        title="Online conversation partners for newcomers",
        description=(
            "Pair up over video with a newcomer to {city} who is learning English and chat "
            "about daily life, culture and plans for the future. A local integration NGO "
            "matches the pairs and suggests topics for each session."
        ),
        goal="Give newcomers regular conversation practice and a friendly contact.",
        skills=("English", "conversation", "empathy"),
        venue=_ONLINE_VENUE,
        accessibility=_ONLINE_ACCESS,
        days="any",
        start_hours=(18, 19),
        durations=(2,),
        capacity=(8, 40),
        online=True,
    ),
)

# One translated in-person activity per cause and language. Titles avoid {city} where the
# language would inflect the city's name.
_TRANSLATIONS: dict[str, tuple[_Translation, ...]] = {
    "es": (
        _Translation(
            "museum-accessibility",
            "Jornada de accesibilidad en un museo de {city}",
            "Ayuda a un museo local a recibir a visitantes con discapacidad: visitas táctiles "
            "y de lectura fácil, apoyo a usuarios de silla de ruedas y atención en la entrada. "
            "El equipo educativo del museo os dará una breve formación antes de empezar.",
        ),
        _Translation(
            "erasmus-in-schools",
            "Erasmus in Schools: visitas a institutos de {city}",
            "Visita en pequeños grupos un instituto de la ciudad, presenta tu país y tu "
            "universidad y organiza juegos sobre idiomas y movilidad con el alumnado. "
            "{section} aporta los materiales y una reunión previa con el profesorado.",
        ),
        _Translation(
            "park-clean-up",
            "Limpieza de parques y riberas en {city}",
            "Recoge y separa residuos en las orillas del río y las zonas verdes junto a los "
            "voluntarios ambientales del ayuntamiento. Se facilitan guantes, bolsas y pinzas; "
            "al final pesamos lo recogido y compartimos los resultados con la ciudad.",
        ),
        _Translation(
            "blood-drive",
            "Maratón de donación de sangre en el campus",
            "Ayuda al centro regional de transfusión a organizar una jornada de donación en el "
            "campus: recibe a los donantes, explica el proceso en varios idiomas y reparte "
            "algo de comer después. Quien cumpla los requisitos puede donar; nadie está "
            "obligado.",
        ),
        _Translation(
            "cv-clinic",
            "Taller de currículum con ONG locales",
            "Junto a orientadores laborales de ONG locales, ayuda a jóvenes en busca de empleo "
            "y a personas recién llegadas a redactar su currículum y su carta de presentación "
            "en inglés y otros idiomas.",
        ),
        _Translation(
            "language-cafe-refugees",
            "Café de idiomas con personas refugiadas en {city}",
            "Siéntate en una mesa temática y conversa en español, en inglés o en tu idioma con "
            "personas refugiadas y solicitantes de asilo que están aprendiendo el idioma. "
            "Juegos y tarjetas de conversación ayudan a romper el hielo; no hace falta "
            "experiencia docente.",
        ),
    ),
    "it": (
        _Translation(
            "heritage-care",
            "Giornata di cura del patrimonio a {city}",
            "Insieme a un'associazione locale ci prendiamo cura di un sito storico: "
            "togliamo la vegetazione, puliamo la pietra sotto supervisione e riverniciamo "
            "panchine e cartelli. Attrezzi, guanti e un pranzo leggero sono forniti.",
        ),
        _Translation(
            "homework-club",
            "Doposcuola per bambini a {city}",
            "Aiuta i bambini della scuola primaria con i compiti, la lettura e la matematica "
            "in un centro giovanile di quartiere, insieme agli educatori. Molti bambini "
            "crescono con due lingue: la pazienza conta più di un italiano perfetto.",
        ),
        _Translation(
            "tree-planting",
            "Piantiamo alberi con il Comune di {city}",
            "Pianta alberi e arbusti autoctoni in un nuovo bosco urbano insieme ai giardinieri "
            "comunali, che mostrano come mettere a dimora e proteggere le giovani piante. Ogni "
            "partecipante pianta almeno un albero.",
        ),
        _Translation(
            "elderly-home-visit",
            "Un pomeriggio in una casa di riposo a {city}",
            "Passa un pomeriggio con gli ospiti di una casa di riposo tra giochi da tavolo, "
            "musica, chiacchiere e foto del tuo paese. Il personale vi presenta agli ospiti e "
            "resta con il gruppo.",
        ),
        _Translation(
            "digital-skills-seniors",
            "Caffè digitale per anziani a {city}",
            "Aiuta una persona anziana, uno a uno, a usare lo smartphone, fare videochiamate "
            "con la famiglia, usare l'home banking e riconoscere le truffe online. La "
            "biblioteca ospita l'incontro e mette a disposizione i tablet.",
        ),
        _Translation(
            "food-bank",
            "Turno al banco alimentare di {city}",
            "Smista gli alimenti donati, controlla le scadenze e prepara i pacchi per le "
            "famiglie in difficoltà nel magazzino del banco alimentare. All'inizio il "
            "personale spiega le regole igieniche.",
        ),
    ),
    "de": (
        _Translation(
            "intercultural-cooking",
            "Interkultureller Kochabend im Stadtteilzentrum",
            "Austauschstudierende, Neuangekommene und Nachbarn kochen Gerichte aus ihren "
            "Herkunftsländern und essen gemeinsam an einer langen Tafel. Bring ein Rezept von "
            "zu Hause mit; Küche und Zutaten stellt das Stadtteilzentrum.",
        ),
        _Translation(
            "science-day",
            "Forschertag für Kinder im Jugendclub",
            "Mach mit Kindern von 8 bis 12 Jahren einfache Experimente: Vulkane, Wasserfilter "
            "und Brücken aus Papier. Studierende aller Fächer sind willkommen; jede Station "
            "hat eine Schritt-für-Schritt-Anleitung.",
        ),
        _Translation(
            "repair-cafe",
            "Repair-Café: Fahrräder, Kleidung und Geräte reparieren",
            "Hilf Nachbarinnen und Nachbarn, Dinge zu reparieren, die sonst im Müll landen "
            "würden: Fahrräder, Kleidung, kleine Haushaltsgeräte und Handys. Ehrenamtliche "
            "Reparateure zeigen dir ihre Tricks.",
        ),
        _Translation(
            "charity-run",
            "Spendenlauf für eine Gesundheitsinitiative",
            "Lauf oder geh 5 km, um Spenden für eine lokale Organisation zu sammeln, die "
            "Patientinnen, Patienten und ihre Familien unterstützt. Helfende werden bei der "
            "Anmeldung, an der Strecke und im Ziel gebraucht.",
        ),
        _Translation(
            "mock-interviews",
            "Bewerbungstraining mit Geflüchteten",
            "Führe Probe-Vorstellungsgespräche mit Geflüchteten und Zugewanderten und gib "
            "ihnen anschließend freundliches Feedback anhand einer Checkliste einer lokalen "
            "Beratungsstelle.",
        ),
        _Translation(
            "soup-kitchen",
            "Essensausgabe für wohnungslose Menschen",
            "Bereite mit den Ehrenamtlichen einer lokalen Hilfsorganisation eine warme "
            "Mahlzeit für wohnungslose Menschen zu, gib sie aus und hilf beim Aufräumen. Ein "
            "respektvolles Gespräch am Tisch ist genauso wichtig wie das Essen.",
        ),
    ),
    "fr": (
        _Translation(
            "library-story-hour",
            "Heure du conte multilingue à la bibliothèque",
            "Lis des albums à voix haute dans ta langue maternelle pour des enfants et leurs "
            "parents, puis anime un atelier créatif sur ton pays. Des familles de nombreuses "
            "langues viennent écouter des histoires dans la leur.",
        ),
        _Translation(
            "youth-mobility-talk",
            "Partir étudier à l'étranger ? Rencontre à la maison des jeunes",
            "Raconte ton expérience d'échange à des jeunes : comment tu as choisi ta "
            "destination, comment fonctionnent les bourses Erasmus+ et ce qui t'a le plus "
            "surpris. Courtes interventions, puis questions en petits groupes.",
        ),
        _Translation(
            "community-garden",
            "Journée au jardin partagé",
            "Semer, désherber, construire des bacs surélevés et récolter des légumes dans un "
            "jardin partagé animé par des habitants de tous âges. Une partie de la récolte est "
            "donnée à une banque alimentaire locale.",
        ),
        _Translation(
            "responsible-party",
            "Responsible Party : soirée de prévention",
            "La campagne Responsible Party d'ESN promeut une consommation d'alcool "
            "responsable. Tiens un stand lors d'une soirée étudiante : distribue de l'eau et "
            "des informations sur l'alcool, le consentement et le retour en sécurité, et anime "
            "un quiz.",
        ),
        _Translation(
            "volunteering-fair",
            "Forum du bénévolat : rencontre les associations locales",
            "Aide à organiser un forum où les associations locales présentent leurs missions "
            "de bénévolat aux étudiants : montage des stands, accueil des visiteurs, "
            "traduction entre associations et étudiants internationaux.",
        ),
        _Translation(
            "clothes-collection",
            "Collecte de vêtements pour un centre d'hébergement",
            "Collecte, trie et emballe des vêtements, des couvertures et des produits "
            "d'hygiène donnés par les étudiants, puis apporte-les à un centre d'hébergement "
            "pour personnes sans abri.",
        ),
    ),
    "pt": (
        _Translation(
            "museum-accessibility",
            "Dia da acessibilidade num museu local",
            "Ajuda um museu local a receber visitantes com deficiência: visitas táteis e em "
            "leitura fácil, apoio a utilizadores de cadeira de rodas e acolhimento à entrada. "
            "A equipa educativa do museu dá uma breve formação antes do início.",
        ),
        _Translation(
            "erasmus-in-schools",
            "Erasmus in Schools: visitas a escolas secundárias",
            "Visita uma escola secundária em pequenas equipas, apresenta o teu país e a tua "
            "universidade e dinamiza jogos sobre línguas e mobilidade com os alunos. Os "
            "materiais e uma reunião prévia com os professores são da {section}.",
        ),
        _Translation(
            "park-clean-up",
            "Limpeza de parques e margens de rio",
            "Recolhe e separa lixo nas margens do rio e nos espaços verdes com os voluntários "
            "ambientais da câmara municipal. São fornecidas luvas, sacos e pinças; no fim "
            "pesamos o que recolhemos.",
        ),
        _Translation(
            "blood-drive",
            "Campanha de dádiva de sangue no campus",
            "Ajuda o serviço regional de sangue a organizar um dia de dádiva no campus: "
            "acolhe os dadores, explica o processo em várias línguas e distribui um lanche no "
            "fim. Quem puder pode doar; ninguém é obrigado.",
        ),
        _Translation(
            "cv-clinic",
            "Oficina de currículos com ONG locais",
            "Com orientadores de carreira de ONG locais, ajuda jovens à procura de emprego e "
            "pessoas recém-chegadas a escrever o currículo e a carta de apresentação em inglês "
            "e noutras línguas.",
        ),
        _Translation(
            "food-bank",
            "Turno de triagem no banco alimentar",
            "Separa os alimentos doados, verifica os prazos de validade e prepara cabazes para "
            "famílias carenciadas no armazém do banco alimentar. A equipa explica as regras de "
            "higiene no início.",
        ),
    ),
    "pl": (
        _Translation(
            "heritage-care",
            "Dzień opieki nad lokalnym zabytkiem",
            "Razem z lokalnym stowarzyszeniem dbamy o zabytkowe miejsce: usuwamy roślinność, "
            "pod okiem fachowców czyścimy kamień i odnawiamy ławki oraz tablice. Zapewniamy "
            "narzędzia, rękawice i lekki posiłek.",
        ),
        _Translation(
            "homework-club",
            "Świetlica: pomoc w odrabianiu lekcji dla dzieci",
            "Pomagaj dzieciom ze szkoły podstawowej w odrabianiu lekcji, czytaniu i "
            "matematyce w osiedlowym centrum młodzieżowym, razem z jego wychowawcami. "
            "Cierpliwość liczy się bardziej niż perfekcyjny polski.",
        ),
        _Translation(
            "tree-planting",
            "Sadzenie drzew z miejskimi ogrodnikami",
            "Sadź rodzime drzewa i krzewy w nowym miejskim lesie razem z ogrodnikami, którzy "
            "pokażą, jak sadzić i chronić młode drzewa. Każdy uczestnik posadzi co najmniej "
            "jedno drzewo.",
        ),
        _Translation(
            "elderly-home-visit",
            "Popołudnie w domu seniora",
            "Spędź popołudnie z mieszkańcami domu opieki: gry planszowe, muzyka, rozmowy i "
            "zdjęcia z twojego kraju. Opiekunowie przedstawią was mieszkańcom i zostaną z "
            "grupą.",
        ),
        _Translation(
            "digital-skills-seniors",
            "Cyfrowa kawiarenka dla seniorów",
            "Usiądź z osobą starszą i pomóż jej korzystać ze smartfona, rozmawiać z rodziną "
            "przez wideo, korzystać z bankowości internetowej i rozpoznawać oszustwa. "
            "Biblioteka udostępnia salę i tablety.",
        ),
        _Translation(
            "language-cafe-refugees",
            "Kawiarenka językowa z uchodźcami",
            "Usiądź przy tematycznym stoliku i rozmawiaj po polsku, po angielsku lub w swoim "
            "języku z uchodźcami, którzy uczą się polskiego. Gry i karty z pytaniami pomagają "
            "przełamać lody; doświadczenie w nauczaniu nie jest potrzebne.",
        ),
    ),
    "tr": (
        _Translation(
            "library-story-hour",
            "Kütüphanede çok dilli masal saati",
            "Çocuklara ve ailelerine kendi ana dilinde resimli kitaplar oku, ardından ülkeni "
            "tanıtan bir el sanatları etkinliği düzenle. Farklı dilleri konuşan aileler "
            "masalları kendi dillerinde dinlemeye geliyor.",
        ),
        _Translation(
            "erasmus-in-schools",
            "Erasmus in Schools: lise ziyaretleri",
            "Küçük gruplar hâlinde bir liseyi ziyaret et, ülkeni ve üniversiteni tanıt, "
            "öğrencilerle diller ve hareketlilik üzerine oyunlar oyna. Sunum materyallerini ve "
            "öğretmenlerle ön görüşmeyi {section} sağlıyor.",
        ),
        _Translation(
            "park-clean-up",
            "Park ve kıyı temizliği",
            "Belediyenin çevre gönüllüleriyle birlikte kıyıda ve yeşil alanlarda çöp topla ve "
            "ayrıştır. Eldiven, çöp torbası ve maşa sağlanıyor; topladıklarımızı tartıp "
            "sonuçları paylaşıyoruz.",
        ),
        _Translation(
            "blood-drive",
            "Kampüste kan bağışı kampanyası",
            "Bölgedeki kan merkezinin kampüste düzenlediği bağış gününe destek ol: "
            "bağışçıları karşıla, süreci farklı dillerde anlat ve bağıştan sonra ikram dağıt. "
            "Uygun olan gönüllüler kan bağışlayabilir; kimse zorunlu değil.",
        ),
        _Translation(
            "mock-interviews",
            "Mültecilerle iş görüşmesi provası",
            "Mülteci ve göçmenlerin iş görüşmelerine hazırlanmasına yardım et: görüşmeci "
            "rolünü üstlen, ardından yerel bir göçmen destek derneğinin kontrol listesiyle "
            "nazik geri bildirim ver.",
        ),
        _Translation(
            "soup-kitchen",
            "Aşevinde yemek dağıtımı",
            "Yerel bir yardım derneğinin gönüllüleriyle birlikte ihtiyaç sahipleri için sıcak "
            "yemek hazırla, dağıt ve ardından toparlanmaya yardım et. Masada kurulan saygılı "
            "bir sohbet, yemek kadar önemli.",
        ),
    ),
    "nl": (
        _Translation(
            "intercultural-cooking",
            "Interculturele kookavond in het buurthuis",
            "Uitwisselingsstudenten, nieuwkomers en buurtbewoners koken samen gerechten uit "
            "hun thuisland en eten aan één lange tafel. Neem een recept van thuis mee; het "
            "buurthuis zorgt voor de keuken en de ingrediënten.",
        ),
        _Translation(
            "science-day",
            "Wetenschapsdag voor kinderen in de jeugdclub",
            "Doe eenvoudige proefjes met kinderen van 8 tot 12 jaar: vulkanen, waterfilters en "
            "papieren bruggen. Studenten van elke richting zijn welkom; elke post heeft een "
            "stappenplan.",
        ),
        _Translation(
            "repair-cafe",
            "Repair Café: fietsen, kleding en apparaten repareren",
            "Help buurtbewoners spullen te repareren die anders worden weggegooid: fietsen, "
            "kleding, kleine apparaten en telefoons. Vrijwillige reparateurs leren je hun "
            "trucs.",
        ),
        _Translation(
            "charity-run",
            "Goededoelenloop voor een lokale gezondheidsorganisatie",
            "Loop of wandel 5 km om geld in te zamelen voor een lokale organisatie die "
            "patiënten en hun families steunt. Vrijwilligers zijn nodig bij de inschrijving, "
            "langs het parcours en aan de finish.",
        ),
        _Translation(
            "cv-clinic",
            "Cv-workshop met lokale ngo's",
            "Help samen met loopbaancoaches van lokale ngo's werkzoekende jongeren en "
            "nieuwkomers hun cv en motivatiebrief te schrijven, in het Engels en in andere "
            "talen.",
        ),
        _Translation(
            "food-bank",
            "Sorteren bij de voedselbank",
            "Sorteer gedoneerde levensmiddelen, controleer houdbaarheidsdata en stel pakketten "
            "samen voor gezinnen in nood in het magazijn van de voedselbank. Het team legt aan "
            "het begin de hygiëneregels uit.",
        ),
    ),
}

# Main language (ISO 639-1) per country code (ISO 3166-1); countries not listed use English.
_LANGUAGES: dict[str, str] = {
    "al": "sq",
    "am": "hy",
    "at": "de",
    "az": "az",
    "ba": "bs",
    "be": "nl",
    "bg": "bg",
    "ch": "de",
    "cy": "el",
    "cz": "cs",
    "de": "de",
    "dk": "da",
    "ee": "et",
    "es": "es",
    "fi": "fi",
    "fr": "fr",
    "ge": "ka",
    "gr": "el",
    "hr": "hr",
    "hu": "hu",
    "it": "it",
    "jo": "ar",
    "kz": "kk",
    "li": "de",
    "lt": "lt",
    "lu": "fr",
    "lv": "lv",
    "md": "ro",
    "me": "sr",
    "mk": "mk",
    "mt": "mt",
    "nl": "nl",
    "no": "no",
    "pl": "pl",
    "pt": "pt",
    "ro": "ro",
    "rs": "sr",
    "ru": "ru",
    "se": "sv",
    "si": "sl",
    "sk": "sk",
    "tr": "tr",
    "ua": "uk",
}
# Multilingual countries: cities whose language differs from the country's entry above.
_CITY_LANGUAGES: dict[tuple[str, str], str] = {
    ("be", "brussels"): "fr",
    ("be", "liège"): "fr",
    ("be", "louvain-la-neuve"): "fr",
    ("be", "mons"): "fr",
    ("ch", "fribourg"): "fr",
    ("ch", "geneva"): "fr",
    ("ch", "lausanne"): "fr",
    ("ch", "neuchâtel"): "fr",
    ("ch", "lugano"): "it",
}

_FALLBACK_TIME_ZONE = "Europe/Brussels"
# IANA time zone per country code; countries not listed use Europe/Brussels.
_TIME_ZONES: dict[str, str] = {
    "al": "Europe/Tirane",
    "am": "Asia/Yerevan",
    "at": "Europe/Vienna",
    "az": "Asia/Baku",
    "ba": "Europe/Sarajevo",
    "be": "Europe/Brussels",
    "bg": "Europe/Sofia",
    "ch": "Europe/Zurich",
    "cy": "Asia/Nicosia",
    "cz": "Europe/Prague",
    "de": "Europe/Berlin",
    "dk": "Europe/Copenhagen",
    "ee": "Europe/Tallinn",
    "es": "Europe/Madrid",
    "fi": "Europe/Helsinki",
    "fr": "Europe/Paris",
    "gb": "Europe/London",
    "ge": "Asia/Tbilisi",
    "gr": "Europe/Athens",
    "hr": "Europe/Zagreb",
    "hu": "Europe/Budapest",
    "ie": "Europe/Dublin",
    "it": "Europe/Rome",
    "jo": "Asia/Amman",
    "kz": "Asia/Almaty",
    "li": "Europe/Vaduz",
    "lt": "Europe/Vilnius",
    "lu": "Europe/Luxembourg",
    "lv": "Europe/Riga",
    "md": "Europe/Chisinau",
    "me": "Europe/Podgorica",
    "mk": "Europe/Skopje",
    "mt": "Europe/Malta",
    "nl": "Europe/Amsterdam",
    "no": "Europe/Oslo",
    "pl": "Europe/Warsaw",
    "pt": "Europe/Lisbon",
    "ro": "Europe/Bucharest",
    "rs": "Europe/Belgrade",
    "ru": "Europe/Moscow",
    "se": "Europe/Stockholm",
    "si": "Europe/Ljubljana",
    "sk": "Europe/Bratislava",
    "tr": "Europe/Istanbul",
    "ua": "Europe/Kyiv",
}
# Islands an hour behind their mainland.
_CITY_TIME_ZONES: dict[tuple[str, str], str] = {
    ("es", "palmas de gran canaria"): "Atlantic/Canary",
    ("pt", "island of madeira"): "Atlantic/Madeira",
}
# accounts.esn.org "cities" that read badly in a title, by the city at the section's coordinates.
_CITY_NAMES: dict[str, str] = {
    "PALMAS DE GRAN CANARIA": "Las Palmas de Gran Canaria",
    "Baleares": "Palma",
    "Island of Madeira": "Funchal",
    "Braga and Guimarães": "Braga",
    "Castelo Branco and Idanha-a-Nova": "Castelo Branco",
    "Liechtenstein": "Vaduz",
}


def language_of(section: Section) -> str:
    """The main local language of a section's city (ISO 639-1), English when unknown."""
    key = (section.country_code, section.city.casefold())
    return _CITY_LANGUAGES.get(key) or _LANGUAGES.get(section.country_code, "en")


def time_zone_of(section: Section) -> str:
    """The IANA time zone of a section's city, Europe/Brussels when unknown."""
    key = (section.country_code, section.city.casefold())
    return _CITY_TIME_ZONES.get(key) or _TIME_ZONES.get(section.country_code, _FALLBACK_TIME_ZONE)


def _week_monday(year: int, month: int) -> date:
    """Monday of the last Monday-to-Sunday week that lies wholly inside March or October."""
    day = date(year, month, 25)  # both months have 31 days, so a week from the 25th still fits
    return day - timedelta(days=day.weekday())


def upcoming_weeks(today: date) -> list[tuple[str, date]]:
    """The next two SocialErasmus Weeks starting after ``today``: (edition, Monday) pairs.

    Spring Weeks take the last full week of March and autumn Weeks the last full week of
    October, so on 2026-11-29 they are ``2027-spring`` (22-28 March) and ``2027-autumn``
    (25-31 October).
    """
    weeks: list[tuple[str, date]] = []
    year = today.year
    while len(weeks) < 2:
        for season, month in (("spring", 3), ("autumn", 10)):
            monday = _week_monday(year, month)
            if monday > today and len(weeks) < 2:
                weeks.append((f"{year}-{season}", monday))
        year += 1
    return weeks


def _matches(day: date, days: Days) -> bool:
    if days == "weekday":
        return day.weekday() < 5
    if days == "weekend":
        return day.weekday() >= 5
    return True


def _timestamp(moment: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(moment.astimezone(UTC))
    return ts


def _eligible(sections: Sequence[Section]) -> list[Section]:
    """Sections whose id the catalogue accepts (some accounts.esn.org ids have accents)."""
    return [s for s in sections if SECTION_ID_PATTERN.fullmatch(s.section_id)]


class _Generator:
    def __init__(self, sections: Sequence[Section], today: date, seed: int) -> None:
        self._rng = random.Random(seed)
        self._today = today
        self._weeks = upcoming_weeks(today)
        self._order = list(sections)
        self._rng.shuffle(self._order)
        self._next = 0
        self._used: list[Section] = []
        self._by_city: dict[tuple[str, str], list[Section]] = {}
        for section in self._order:
            self._by_city.setdefault((section.country_code, section.city), []).append(section)
        self._by_key = {t.key: t for t in _TEMPLATES}
        self._causes: list[CauseValue] = []

    def activity(self, index: int) -> catalogue_pb2.ActivityDetails:
        rng = self._rng
        section = self._section()
        cause = self._cause()
        online = rng.random() < ONLINE_SHARE
        template, translation = self._template(section, cause, online=online)

        week_edition = ""
        if index % _WEEK_EVERY == _WEEK_EVERY - 1:
            week_edition, monday = self._weeks[(index // _WEEK_EVERY) % 2]
            day = rng.choice(
                [
                    d
                    for d in (monday + timedelta(days=k) for k in range(7))
                    if _matches(d, template.days)
                ]
            )
        else:
            day = self._today + timedelta(days=rng.randint(1, HORIZON_DAYS))
            while not _matches(day, template.days):
                day += timedelta(days=1)

        zone = time_zone_of(section)
        local_start = datetime.combine(
            day, time(rng.choice(template.start_hours), rng.choice((0, 0, 30))), ZoneInfo(zone)
        )
        local_end = local_start + timedelta(hours=rng.choice(template.durations))
        city = _CITY_NAMES.get(section.city, section.city)
        fields = {"city": city, "section": section.name}
        if translation is None:
            title = template.title.format(**fields)
            description = template.description.format(**fields)
            if week_edition:
                year, season = week_edition.split("-")
                description += f" Part of SocialErasmus Week, {season} {year}."
        else:
            title = translation.title.format(**fields)
            description = translation.description.format(**fields)

        location = common_pb2.Location(online=online, city=city, country_code=section.country_code)
        if online:
            location.venue = _ONLINE_VENUE
        else:
            location.venue = template.venue
            location.coordinates.latitude = round(section.latitude + rng.uniform(-0.015, 0.015), 6)
            location.coordinates.longitude = round(section.longitude + rng.uniform(-0.02, 0.02), 6)

        neighbours = [
            s
            for s in self._by_city[(section.country_code, section.city)]
            if s.section_id != section.section_id
        ]
        co_organisers = (
            [rng.choice(neighbours).section_id]
            if neighbours and rng.random() < _CO_ORGANISED_SHARE
            else []
        )
        local = language_of(section)
        skill_count = min(len(template.skills), rng.randint(2, 3))
        chosen_skills = set(rng.sample(template.skills, skill_count))

        return catalogue_pb2.ActivityDetails(
            title=title,
            description=description,
            goal=template.goal.format(**fields),
            type=template.type,
            causes=template.causes,
            sdgs=template.sdgs,
            objectives=template.objectives,
            section_id=section.section_id,
            co_organiser_section_ids=co_organisers,
            starts_at=_timestamp(local_start),
            ends_at=_timestamp(local_end),
            time_zone=zone,
            location=location,
            capacity=rng.randint(*template.capacity),
            languages=["en"] if local == "en" else ["en", local],
            skills_wanted=[s for s in template.skills if s in chosen_skills],
            accessibility_notes=_ONLINE_ACCESS if online else template.accessibility,
            week_edition=week_edition,
        )

    def _section(self) -> Section:
        rng = self._rng
        if self._used and rng.random() < _REUSE_SECTION_SHARE:
            return rng.choice(self._used)
        section = self._order[self._next % len(self._order)]
        self._next += 1
        self._used.append(section)
        return section

    def _cause(self) -> CauseValue:
        """Causes in shuffled rounds of six, so every cause gets its share."""
        if not self._causes:
            self._causes = list(CAUSES)
            self._rng.shuffle(self._causes)
        return self._causes.pop()

    def _template(
        self, section: Section, cause: CauseValue, *, online: bool
    ) -> tuple[_Template, _Translation | None]:
        rng = self._rng
        candidates = [t for t in _TEMPLATES if t.causes[0] == cause and t.online == online]
        keys = {t.key for t in candidates}
        translations = [
            tr for tr in _TRANSLATIONS.get(language_of(section), ()) if tr.template in keys
        ]
        if translations and rng.random() < LOCAL_LANGUAGE_SHARE:
            translation = rng.choice(translations)
            return self._by_key[translation.template], translation
        return rng.choice(candidates), None


def demo_activities(
    sections: Sequence[Section], count: int, *, today: date, seed: int = 7
) -> list[catalogue_pb2.ActivityDetails]:
    """``count`` plausible SocialErasmus activities of the given sections, starting after today.

    Activities cover ESN's six causes in equal shares, about 10% happen online, and every fifth
    belongs to one of the next two SocialErasmus Weeks (see :func:`upcoming_weeks`), the others
    starting within about six months. Sections whose id the catalogue would reject are skipped.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if count == 0:
        return []
    eligible = _eligible(sections)
    if not eligible:
        raise ValueError("no section with a valid section id to organise activities")
    generator = _Generator(eligible, today, seed)
    return [generator.activity(i) for i in range(count)]
