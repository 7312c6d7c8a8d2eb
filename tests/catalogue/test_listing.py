"""ListActivities through the gRPC API: every filter field, ordering, pages and visibility."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from redis.asyncio import Redis

from services.catalogue import keys
from services.runtime.status import field_violations
from socialerasmus.catalogue.v1 import catalogue_pb2 as pb
from socialerasmus.common.v1 import common_pb2 as common
from tests.catalogue.builders import (
    DURATION,
    geo_point,
    online_location,
    timestamp,
    valencia_location,
    valid_details,
)
from tests.catalogue.conftest import Catalogue
from tests.conftest import bearer

OPERATOR = bearer("operator")
COORDINATOR = bearer("coordinator")
OTHER_COORDINATOR = bearer("other_coordinator")
STUDENT = bearer("student")

VALENCIA = (39.4699, -0.3763)
MADRID = (40.4168, -3.7038)  # 302.6 km from Valencia
TIRANA = (41.3275, 19.8187)
LODZ = (51.7592, 19.4560)

Metadata = tuple[tuple[str, str], ...]


def future(days: float) -> datetime:
    """A whole-second instant ``days`` from now."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)


def order_key(activity: pb.Activity) -> tuple[int, str]:
    return activity.details.starts_at.seconds, activity.id


async def create(
    catalogue: Catalogue, details: pb.ActivityDetails, *, publish: bool = True
) -> pb.Activity:
    """Creates (as the operator, who may create for any section) and optionally publishes."""
    created = await catalogue.stub.CreateActivity(
        pb.CreateActivityRequest(details=details), metadata=OPERATOR
    )
    activity: pb.Activity = created.activity
    if publish:
        published = await catalogue.stub.PublishActivity(
            pb.PublishActivityRequest(activity_id=activity.id), metadata=OPERATOR
        )
        activity = published.activity
    return activity


async def create_starting(
    catalogue: Catalogue, starts: datetime, *, publish: bool = True, **overrides: Any
) -> pb.Activity:
    return await create(
        catalogue,
        valid_details(starts_at=starts, ends_at=starts + DURATION, **overrides),
        publish=publish,
    )


async def cancel(catalogue: Catalogue, activity: pb.Activity) -> pb.Activity:
    response = await catalogue.stub.CancelActivity(
        pb.CancelActivityRequest(activity_id=activity.id, reason="Storm warning"),
        metadata=OPERATOR,
    )
    cancelled: pb.Activity = response.activity
    return cancelled


async def list_all(
    catalogue: Catalogue,
    activity_filter: pb.ActivityFilter | None = None,
    *,
    metadata: Metadata = STUDENT,
    page_size: int = 100,
) -> list[pb.Activity]:
    """Every page of a listing, in order."""
    found: list[pb.Activity] = []
    token = ""
    for _ in range(1000):
        response = await catalogue.stub.ListActivities(
            pb.ListActivitiesRequest(
                filter=activity_filter or pb.ActivityFilter(),
                page_size=page_size,
                page_token=token,
            ),
            metadata=metadata,
        )
        found.extend(response.activities)
        token = response.next_page_token
        if not token:
            return found
    raise AssertionError("listing did not end")


async def listed(
    catalogue: Catalogue, *, metadata: Metadata = STUDENT, **filter_fields: Any
) -> list[str]:
    """Ids listed for a filter built from keyword fields, in listing order."""
    return [
        a.id
        for a in await list_all(catalogue, pb.ActivityFilter(**filter_fields), metadata=metadata)
    ]


async def rejected(
    catalogue: Catalogue, request: pb.ListActivitiesRequest, metadata: Metadata = STUDENT
) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await catalogue.stub.ListActivities(request, metadata=metadata)
    return error.value


async def rejected_filter(catalogue: Catalogue, **filter_fields: Any) -> dict[str, str]:
    """The field violations of a filter that must be rejected as INVALID_ARGUMENT."""
    error = await rejected(
        catalogue, pb.ListActivitiesRequest(filter=pb.ActivityFilter(**filter_fields))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    return field_violations(error)


@dataclass
class World:
    """Four published activities that differ in every filtered field, in start order."""

    beach: pb.Activity  # Valencia, Spain; in person; environment; en/es; no week
    homework: pb.Activity  # Tirana, Albania; in person; education; sq/en; 2027-spring
    mindful: pb.Activity  # online, ESN Lodz; health; pl/de; 2027-spring
    pottery: pb.Activity  # Łódź, Poland; in person; culture; pl; 2027-autumn

    def ids(self, *names: str) -> list[str]:
        return [getattr(self, name).id for name in names]

    @property
    def all_ids(self) -> list[str]:
        return self.ids("beach", "homework", "mindful", "pottery")


async def seed(catalogue: Catalogue) -> World:
    t = future(10)
    beach = valid_details(
        starts_at=t,
        ends_at=t + DURATION,
        description="Bring gloves, we bring bags.",
        goal="Remove plastic before summer.",
        location=valencia_location(),  # city "Valencia", country "es"
    )
    homework = valid_details(
        title="Homework club for refugee children",
        description="Help pupils with their homework in English.",
        goal="Children keep up at school.",
        section_id="esn-tirana",
        co_organiser_section_ids=[],
        causes=[common.CAUSE_EDUCATION_AND_YOUTH],
        sdgs=[4],
        languages=["sq", "en"],
        starts_at=t + timedelta(days=2),
        ends_at=t + timedelta(days=2) + DURATION,
        time_zone="Europe/Tirane",
        location=common.Location(city="Tirana", country_code="al", coordinates=geo_point(*TIRANA)),
        week_edition="2027-spring",
    )
    mindful = valid_details(
        title="Online mindfulness evening",
        description="Breathing exercises over video call.",
        goal="Less exam stress.",
        section_id="esn-lodz",
        co_organiser_section_ids=[],
        causes=[common.CAUSE_HEALTH_AND_WELLBEING],
        sdgs=[3],
        languages=["pl", "de"],
        starts_at=t + timedelta(days=4),
        ends_at=t + timedelta(days=4) + DURATION,
        time_zone="Europe/Warsaw",
        # Coordinates on an online activity must not make it match a radius search.
        location=online_location(coordinates=geo_point(*VALENCIA)),
        week_edition="2027-spring",
    )
    pottery = valid_details(
        title="Cerámica afternoon",
        description="Shape a bowl with local potters.",
        goal="Meet neighbours.",
        section_id="esn-lodz",
        co_organiser_section_ids=[],
        causes=[common.CAUSE_CULTURE],
        sdgs=[11],
        languages=["pl"],
        starts_at=t + timedelta(days=6),
        ends_at=t + timedelta(days=6) + DURATION,
        time_zone="Europe/Warsaw",
        location=common.Location(city="Łódź", country_code="pl", coordinates=geo_point(*LODZ)),
        week_edition="2027-autumn",
    )
    # Created in reverse start order, so listing order cannot come from creation order.
    created = [await create(catalogue, d) for d in (pottery, mindful, homework, beach)]
    return World(*reversed(created))


# Filters ------------------------------------------------------------------------------------


async def test_no_filter_lists_every_published_activity_by_start_time(catalogue: Catalogue) -> None:
    """Without filters, every published activity is listed, earliest start first."""
    world = await seed(catalogue)
    assert await listed(catalogue) == world.all_ids


async def test_section_ids_keep_activities_of_the_named_sections(catalogue: Catalogue) -> None:
    """section_ids keeps the named sections only, through one or several sections."""
    world = await seed(catalogue)
    assert await listed(catalogue, section_ids=["esn-tirana"]) == world.ids("homework")
    assert await listed(catalogue, section_ids=["esn-lodz"]) == world.ids("mindful", "pottery")
    assert await listed(catalogue, section_ids=["esn-valencia-upv", "esn-lodz"]) == world.ids(
        "beach", "mindful", "pottery"
    )
    assert await listed(catalogue, section_ids=["esn-porto"]) == []
    # Co-organising is not organising: beach lists esn-valencia-uv as co-organiser.
    assert await listed(catalogue, section_ids=["esn-valencia-uv"]) == []
    assert "filter.section_ids[0]" in await rejected_filter(catalogue, section_ids=["ESN Tirana"])


async def test_country_codes_keep_physical_activities_in_those_countries(
    catalogue: Catalogue,
) -> None:
    """country_codes matches the location's country; online activities have none."""
    world = await seed(catalogue)
    assert await listed(catalogue, country_codes=["al"]) == world.ids("homework")
    assert await listed(catalogue, country_codes=["es", "pl"]) == world.ids("beach", "pottery")
    assert await listed(catalogue, country_codes=["it"]) == []
    assert "filter.country_codes[0]" in await rejected_filter(catalogue, country_codes=["ES"])


async def test_near_and_radius_keep_physical_activities_within_the_radius(
    catalogue: Catalogue,
) -> None:
    """near + radius_km keeps in-person activities within the distance, never online ones."""
    world = await seed(catalogue)
    # The online activity carries Valencia's coordinates but is online, so it never matches.
    assert await listed(catalogue, near=geo_point(*VALENCIA), radius_km=1) == world.ids("beach")
    assert await listed(catalogue, near=geo_point(*MADRID), radius_km=350) == world.ids("beach")
    assert await listed(catalogue, near=geo_point(*MADRID), radius_km=250) == []
    assert await listed(catalogue, near=geo_point(*TIRANA), radius_km=1200) == world.ids(
        "homework", "pottery"
    )
    assert await listed(catalogue, near=geo_point(*TIRANA), radius_km=1100) == world.ids("homework")
    assert "filter.radius_km" in await rejected_filter(catalogue, near=geo_point(*MADRID))
    assert "filter.near" in await rejected_filter(catalogue, radius_km=10)


async def test_causes_keep_activities_with_any_of_them(catalogue: Catalogue) -> None:
    """causes keeps activities sharing at least one of the causes."""
    world = await seed(catalogue)
    assert await listed(catalogue, causes=[common.CAUSE_EDUCATION_AND_YOUTH]) == world.ids(
        "homework"
    )
    both = [common.CAUSE_CULTURE, common.CAUSE_HEALTH_AND_WELLBEING]
    assert await listed(catalogue, causes=both) == world.ids("mindful", "pottery")
    # beach has ENVIRONMENTAL_SUSTAINABILITY and SOCIAL_INCLUSION: one shared cause is enough.
    assert await listed(catalogue, causes=[common.CAUSE_SOCIAL_INCLUSION]) == world.ids("beach")
    assert await listed(catalogue, causes=[common.CAUSE_SKILLS_AND_EMPLOYABILITY]) == []
    assert "filter.causes[0]" in await rejected_filter(catalogue, causes=[common.CAUSE_UNSPECIFIED])


async def test_sdgs_keep_activities_with_any_of_them(catalogue: Catalogue) -> None:
    """sdgs keeps activities sharing at least one of the goals."""
    world = await seed(catalogue)
    assert await listed(catalogue, sdgs=[4]) == world.ids("homework")
    assert await listed(catalogue, sdgs=[13, 3]) == world.ids("beach", "mindful")
    assert await listed(catalogue, sdgs=[17]) == []
    assert "filter.sdgs[0]" in await rejected_filter(catalogue, sdgs=[18])


async def test_languages_keep_activities_working_in_any_of_them(catalogue: Catalogue) -> None:
    """languages keeps activities working in at least one of the languages."""
    world = await seed(catalogue)
    assert await listed(catalogue, languages=["en"]) == world.ids("beach", "homework")
    assert await listed(catalogue, languages=["de", "sq"]) == world.ids("homework", "mindful")
    assert await listed(catalogue, languages=["fr"]) == []
    assert "filter.languages[0]" in await rejected_filter(catalogue, languages=["eng"])


async def test_start_window_includes_starts_after_and_excludes_starts_before(
    catalogue: Catalogue,
) -> None:
    """starts_after is inclusive and starts_before exclusive, to the nanosecond."""
    world = await seed(catalogue)
    at = world.homework.details.starts_at
    just_after = timestamp(at.ToDatetime(tzinfo=UTC) + timedelta(microseconds=1))
    assert await listed(catalogue, starts_after=at) == world.ids("homework", "mindful", "pottery")
    assert await listed(catalogue, starts_after=just_after) == world.ids("mindful", "pottery")
    assert await listed(catalogue, starts_before=at) == world.ids("beach")
    assert await listed(catalogue, starts_before=just_after) == world.ids("beach", "homework")
    until_pottery = world.pottery.details.starts_at
    assert await listed(catalogue, starts_after=at, starts_before=until_pottery) == world.ids(
        "homework", "mindful"
    )
    assert await listed(catalogue, starts_after=timestamp(future(30))) == []
    empty_window = await rejected_filter(catalogue, starts_after=at, starts_before=at)
    assert "filter.starts_before" in empty_window


async def test_week_edition_keeps_activities_of_that_edition(catalogue: Catalogue) -> None:
    """week_edition keeps activities of exactly that SocialErasmus Week edition."""
    world = await seed(catalogue)
    assert await listed(catalogue, week_edition="2027-spring") == world.ids("homework", "mindful")
    assert await listed(catalogue, week_edition="2027-autumn") == world.ids("pottery")
    assert await listed(catalogue, week_edition="2028-spring") == []
    # Two sections make the listing walk the edition index; the section filter still applies.
    assert await listed(
        catalogue, week_edition="2027-spring", section_ids=["esn-lodz", "esn-porto"]
    ) == world.ids("mindful")
    assert "filter.week_edition" in await rejected_filter(catalogue, week_edition="spring")


async def test_online_filter_keeps_online_or_in_person_activities(catalogue: Catalogue) -> None:
    """ONLINE_ONLY keeps online activities, IN_PERSON_ONLY the others, UNSPECIFIED both."""
    world = await seed(catalogue)
    assert await listed(catalogue, online=pb.ONLINE_FILTER_ONLINE_ONLY) == world.ids("mindful")
    assert await listed(catalogue, online=pb.ONLINE_FILTER_IN_PERSON_ONLY) == world.ids(
        "beach", "homework", "pottery"
    )
    assert await listed(catalogue, online=pb.ONLINE_FILTER_UNSPECIFIED) == world.all_ids
    assert "filter.online" in await rejected_filter(catalogue, online=7)


async def test_text_query_needs_every_word_in_title_description_goal_or_city(
    catalogue: Catalogue,
) -> None:
    """text_query is case-insensitive and every word must appear in one of the text fields."""
    world = await seed(catalogue)
    assert await listed(catalogue, text_query="HOMEWORK") == world.ids("homework")
    assert await listed(catalogue, text_query="tirana") == world.ids("homework")  # city only
    assert await listed(catalogue, text_query="gloves plastic") == world.ids("beach")  # two fields
    assert await listed(catalogue, text_query="pupils stress") == []  # words of two activities
    assert await listed(catalogue, text_query="  bowl   potters ") == world.ids("pottery")
    assert await listed(catalogue, text_query="karaoke") == []


async def test_text_query_ignores_accents_on_either_side(catalogue: Catalogue) -> None:
    """Accented queries match plain text and plain queries match accented text."""
    world = await seed(catalogue)
    assert await listed(catalogue, text_query="VALÈNCIA") == world.ids("beach")  # city Valencia
    assert await listed(catalogue, text_query="ceramica") == world.ids("pottery")  # Cerámica
    assert await listed(catalogue, text_query="CERÁMICA") == world.ids("pottery")
    assert await listed(catalogue, text_query="lodz") == world.ids("pottery")  # city Łódź
    assert await listed(catalogue, text_query="ŁÓDŹ") == world.ids("pottery")
    assert await listed(catalogue, text_query="cerámica valencia") == []


async def test_text_query_finds_activities_saved_before_search_texts_were_kept(
    catalogue: Catalogue,
) -> None:
    """An activity stored without the folded search text (saved by an older release) is
    still found by its words, and still left out when it lacks them."""
    world = await seed(catalogue)
    redis = Redis.from_url(catalogue.stack.redis_url)
    try:
        for activity in (world.beach, world.pottery):
            assert await redis.hdel(keys.activity(activity.id), "search_text") == 1
    finally:
        await redis.aclose()
    assert await listed(catalogue, text_query="gloves plastic") == world.ids("beach")
    assert await listed(catalogue, text_query="ceramica") == world.ids("pottery")
    assert await listed(catalogue, text_query="tirana") == world.ids("homework")
    assert await listed(catalogue, text_query="karaoke") == []


async def test_every_set_field_narrows_the_result(catalogue: Catalogue) -> None:
    """Filters combine with AND: each extra field can only remove activities."""
    world = await seed(catalogue)
    assert await listed(catalogue, section_ids=["esn-lodz"]) == world.ids("mindful", "pottery")
    assert await listed(
        catalogue, section_ids=["esn-lodz"], online=pb.ONLINE_FILTER_IN_PERSON_ONLY
    ) == world.ids("pottery")
    assert (
        await listed(
            catalogue,
            section_ids=["esn-lodz"],
            online=pb.ONLINE_FILTER_IN_PERSON_ONLY,
            languages=["de"],
        )
        == []
    )


# States and visibility ----------------------------------------------------------------------


async def test_states_default_to_published_only(catalogue: Catalogue) -> None:
    """An empty states filter lists PUBLISHED only; named states list exactly those."""
    published = await create_starting(catalogue, future(10))
    draft = await create_starting(catalogue, future(11), publish=False)
    cancelled = await cancel(catalogue, await create_starting(catalogue, future(12)))
    cancelled_draft = await cancel(
        catalogue, await create_starting(catalogue, future(13), publish=False)
    )
    for metadata in (STUDENT, COORDINATOR, OPERATOR):
        assert await listed(catalogue, metadata=metadata) == [published.id]
    all_cancelled = [cancelled.id, cancelled_draft.id]
    only_cancelled = [pb.ACTIVITY_STATE_CANCELLED]
    assert await listed(catalogue, metadata=OPERATOR, states=only_cancelled) == all_cancelled
    assert await listed(
        catalogue,
        metadata=OPERATOR,
        states=[pb.ACTIVITY_STATE_CANCELLED, pb.ACTIVITY_STATE_PUBLISHED],
    ) == [published.id, *all_cancelled]
    assert await listed(catalogue, states=[pb.ACTIVITY_STATE_COMPLETED]) == []
    assert await listed(catalogue, metadata=OPERATOR, states=[pb.ACTIVITY_STATE_DRAFT]) == [
        draft.id
    ]
    assert "filter.states[0]" in await rejected_filter(
        catalogue, states=[pb.ACTIVITY_STATE_UNSPECIFIED]
    )


async def test_coordinators_list_drafts_of_their_own_section_only(catalogue: Catalogue) -> None:
    """A coordinator asking for drafts sees its section's drafts, never another section's."""
    valencia_draft = await create_starting(catalogue, future(10), publish=False)
    tirana_draft = await create_starting(
        catalogue, future(11), publish=False, section_id="esn-tirana"
    )
    drafts = pb.ACTIVITY_STATE_DRAFT
    assert await listed(catalogue, metadata=COORDINATOR, states=[drafts]) == [valencia_draft.id]
    assert await listed(catalogue, metadata=OTHER_COORDINATOR, states=[drafts]) == [tirana_draft.id]
    assert (
        await listed(catalogue, metadata=COORDINATOR, states=[drafts], section_ids=["esn-tirana"])
        == []
    )
    assert await listed(catalogue, metadata=OPERATOR, states=[drafts]) == [
        valencia_draft.id,
        tirana_draft.id,
    ]


async def test_students_never_list_drafts(catalogue: Catalogue) -> None:
    """A student's listing hides drafts; asking for drafts is PERMISSION_DENIED."""
    published = await create_starting(catalogue, future(10))
    await create_starting(catalogue, future(11), publish=False)
    await create_starting(catalogue, future(12), publish=False, section_id="esn-tirana")
    assert await listed(catalogue, metadata=STUDENT) == [published.id]
    for states in (
        [pb.ACTIVITY_STATE_DRAFT],
        [pb.ACTIVITY_STATE_PUBLISHED, pb.ACTIVITY_STATE_DRAFT],
    ):
        error = await rejected(
            catalogue, pb.ListActivitiesRequest(filter=pb.ActivityFilter(states=states))
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED


# Order and pages ----------------------------------------------------------------------------


async def test_results_are_ordered_by_start_time_then_id(catalogue: Catalogue) -> None:
    """Listings follow starts_at, whatever the creation order; equal starts follow the id."""
    base = future(20)
    offsets = [5, 0, 3, 3, 1, 4, 3, 2]  # three activities start in the same second
    created = [
        await create_starting(catalogue, base + timedelta(hours=offset)) for offset in offsets
    ]
    found = await list_all(catalogue, page_size=4)  # a page ends inside the tie
    assert [a.id for a in found] == [a.id for a in sorted(created, key=order_key)]
    starts = [a.details.starts_at.seconds for a in found]
    assert starts == sorted(starts)


async def test_page_size_zero_means_twenty(catalogue: Catalogue) -> None:
    """page_size 0 returns pages of 20; the last page has no next_page_token."""
    base = future(10)
    await asyncio.gather(
        *(create_starting(catalogue, base + timedelta(minutes=i)) for i in range(25))
    )
    first = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(page_size=0), metadata=STUDENT
    )
    assert len(first.activities) == 20
    assert first.next_page_token
    second = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(page_size=0, page_token=first.next_page_token), metadata=STUDENT
    )
    assert len(second.activities) == 5
    assert second.next_page_token == ""
    exact = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(page_size=25), metadata=STUDENT
    )
    assert len(exact.activities) == 25


async def test_page_size_is_at_most_one_hundred(catalogue: Catalogue) -> None:
    """page_size 100 is accepted; 101 or negative is INVALID_ARGUMENT on page_size."""
    base = future(10)
    await asyncio.gather(
        *(create_starting(catalogue, base + timedelta(minutes=i)) for i in range(105))
    )
    full = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(page_size=100), metadata=STUDENT
    )
    assert len(full.activities) == 100
    assert full.next_page_token
    for size in (101, 1000, -1):
        error = await rejected(catalogue, pb.ListActivitiesRequest(page_size=size))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "page_size" in field_violations(error)


async def test_sparse_matches_come_page_after_page_in_order(catalogue: Catalogue) -> None:
    """A filter that few activities pass: the pages hold every match once, in start order,
    however far apart the matches are, and the last page has no next_page_token."""
    base = future(10)

    async def one_in_nine_online(i: int) -> pb.Activity:
        starts = base + timedelta(minutes=i)
        if i % 9 == 4:
            return await create_starting(catalogue, starts, location=online_location())
        return await create_starting(catalogue, starts)

    created = await asyncio.gather(*(one_in_nine_online(i) for i in range(90)))
    online = sorted((a for a in created if a.details.location.online), key=order_key)
    assert len(online) == 10
    request = pb.ListActivitiesRequest(
        filter=pb.ActivityFilter(online=pb.ONLINE_FILTER_ONLINE_ONLY), page_size=3
    )
    pages = []
    while True:
        page = await catalogue.stub.ListActivities(request, metadata=STUDENT)
        pages.append([a.id for a in page.activities])
        if not page.next_page_token:
            break
        request.page_token = page.next_page_token
    assert pages == [[a.id for a in online[n : n + 3]] for n in range(0, 10, 3)]


async def test_a_page_token_only_continues_the_filter_it_was_issued_for(
    catalogue: Catalogue,
) -> None:
    """A token reused with another filter is INVALID_ARGUMENT on page_token; the same filter
    (even reordered) and another page size continue where it left off."""
    world = await seed(catalogue)
    lodz = pb.ActivityFilter(section_ids=["esn-lodz", "esn-tirana"])
    first = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(filter=lodz, page_size=1), metadata=STUDENT
    )
    assert [a.id for a in first.activities] == world.ids("homework")
    token = first.next_page_token
    assert token
    for other in (
        pb.ActivityFilter(),
        pb.ActivityFilter(section_ids=["esn-lodz"]),
        pb.ActivityFilter(section_ids=["esn-lodz", "esn-tirana"], text_query="bowl"),
        pb.ActivityFilter(
            section_ids=["esn-lodz", "esn-tirana"], states=[pb.ACTIVITY_STATE_CANCELLED]
        ),
    ):
        error = await rejected(
            catalogue, pb.ListActivitiesRequest(filter=other, page_size=1, page_token=token)
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "page_token" in field_violations(error)
    garbage = await rejected(catalogue, pb.ListActivitiesRequest(filter=lodz, page_token="x"))
    assert "page_token" in field_violations(garbage)
    reordered = pb.ActivityFilter(section_ids=["esn-tirana", "esn-lodz", "esn-tirana"])
    rest = await catalogue.stub.ListActivities(
        pb.ListActivitiesRequest(filter=reordered, page_size=10, page_token=token),
        metadata=STUDENT,
    )
    assert [a.id for a in rest.activities] == world.ids("mindful", "pottery")
    assert rest.next_page_token == ""


async def test_paging_while_activities_are_added_neither_skips_nor_repeats(
    catalogue: Catalogue,
) -> None:
    """Keyset pages: with activities added concurrently before and after the cursor, every
    activity that existed before paging is listed exactly once and nothing repeats."""
    base = future(10)
    # Pairs share a start second, so the (start, id) tie-break is paged through as well.
    starts = [base + timedelta(seconds=30 * (i // 2)) for i in range(120)]
    originals = await asyncio.gather(*(create_starting(catalogue, s) for s in starts))
    original_ids = {a.id for a in originals}
    assert len(original_ids) == 120
    two_thirds = sorted(order_key(a) for a in originals)[80]
    far_later = starts[-1] + timedelta(days=1)

    cursor: tuple[int, str] = (0, "")
    stop = asyncio.Event()
    progress = asyncio.Event()
    rounds = 0
    behind: set[str] = set()  # start before the cursor at insert time: must never be listed
    among: set[str] = set()  # start among the originals not listed yet: may be listed
    beyond: set[str] = set()  # start after every original, added well before the pager gets
    # there: must be listed

    async def add_while_paging() -> None:
        nonlocal rounds
        while not stop.is_set():
            at = datetime.fromtimestamp(cursor[0], UTC)
            made = await asyncio.gather(
                create_starting(catalogue, at - timedelta(seconds=1 + rounds)),
                create_starting(catalogue, at + timedelta(seconds=45 + rounds)),
                create_starting(catalogue, far_later + timedelta(seconds=rounds)),
            )
            behind.add(made[0].id)
            among.add(made[1].id)
            beyond.add(made[2].id)
            rounds += 1
            progress.set()

    adder: asyncio.Task[None] | None = None
    pages: list[list[pb.Activity]] = []
    token = ""
    while True:
        response = await catalogue.stub.ListActivities(
            pb.ListActivitiesRequest(page_size=7, page_token=token), metadata=STUDENT
        )
        page = list(response.activities)
        assert len(page) <= 7
        pages.append(page)
        if page:
            cursor = order_key(page[-1])
        if adder is None:
            adder = asyncio.create_task(add_while_paging())
        if not stop.is_set():
            if cursor >= two_thirds:
                stop.set()
                await adder  # every "beyond" activity exists before paging reaches them
            else:
                # Let the adder finish a round per page; its next round overlaps the next page.
                while rounds < len(pages) - 1:
                    progress.clear()
                    await asyncio.wait_for(progress.wait(), 10)
        token = response.next_page_token
        if not token:
            break
    assert adder is not None and adder.done()

    seen = [a for page in pages for a in page]
    ids = [a.id for a in seen]
    repeated = {i: n for i, n in Counter(ids).items() if n > 1}
    assert repeated == {}
    assert original_ids - set(ids) == set()
    assert behind & set(ids) == set()
    assert beyond - set(ids) == set()
    keys = [order_key(a) for a in seen]
    assert keys == sorted(keys)
    assert rounds >= 5, "the adder must have run alongside the paging"
    assert len(behind) == len(among) == len(beyond) == rounds
