"""The ``socialerasmus`` command against the real services, run in process."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google.protobuf import json_format
from google.protobuf.message import Message
from rich.console import Console

from services.catalogue.app import SERVICE_NAME as CATALOGUE
from services.cli import views
from services.cli.main import main
from services.client import ClientConfig, SocialErasmusClient
from services.runtime.auth import TokenRegistry
from services.runtime.config import project_root
from services.runtime.localstack import free_port
from services.runtime.server import Registration, ServiceParts, serve
from socialerasmus.matching.v1 import matching_pb2 as match
from socialerasmus.notify.v1 import notify_pb2 as notify
from tests.catalogue.builders import valid_details
from tests.cli.conftest import Cli, Outcome
from tests.client.servers import Running, inbox_item
from tests.conftest import Stack
from tests.matching.builders import valid_profile
from tests.waiting import eventually

TITLE = "Beach clean-up with ESN Valencia UPV"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def write_json(folder: Path, name: str, message: Message) -> str:
    path = folder / name
    path.write_text(json_format.MessageToJson(message, preserving_proto_field_name=True))
    return str(path)


def no_traceback(outcome: Outcome) -> bool:
    return "Traceback" not in outcome.err and "Traceback" not in outcome.out


async def published_activity(cli: Cli, folder: Path, title: str) -> str:
    path = write_json(folder, "activity.json", valid_details(title=title))
    created = await cli("--json", "activities", "create", path, "--publish")
    assert created.code == 0, created.err
    activity_id: str = created.json()["id"]
    return activity_id


def test_the_table_shows_what_diversity_moved() -> None:
    def item(title: str, relevance_rank: int) -> match.Recommendation:
        found = match.Recommendation(score=0.5, relevance_rank=relevance_rank)
        found.activity.details.title = title
        return found

    plain = [item("First", 1), item("Second", 2)]
    moved = [item("First", 1), item("Museum", 4)]
    console = Console(width=160, record=True)

    console.print(views.recommendations_table("ana", plain))
    assert "by score" not in console.export_text()
    console.print(views.recommendations_table("ana", moved))
    shown = console.export_text()
    assert "#4 by score" in shown
    assert "Reordered so that ESN causes vary" in shown
    assert not views.is_diversified(plain)
    assert views.is_diversified(moved)


def test_the_model_view_says_what_a_refit_chose() -> None:
    state = match.ModelState(
        version=3,
        feedback_rows=91_000,
        examples=20_000,
        weights={"cause": 0.6, "similar_students": 0.4, "urgency": 0.0},
        validation=match.WeightsValidation(
            metric="hit_rate_at_10",
            held_back=1_171,
            candidates={"in_use": 0.30, "cold_start": 0.31, "sampled x1": 0.42},
            chosen="sampled x1",
            adopted=True,
        ),
        collaborative=match.CollaborativeState(
            settings="popularity", hit_rate=0.25, popularity_hit_rate=0.25
        ),
    )
    state.fitted_at.FromSeconds(1_800_000_000)
    console = Console(width=160, record=True)

    console.print(views.model_state_view(state))

    shown = console.export_text()
    assert "sampled x1 (adopted)" in shown
    assert "0.420 chosen, 0.310 cold start, 1,171 students" in shown
    assert "cause 0.600, similar_students 0.400" in shown  # weights at 0 left out
    assert "2027-01-15 08:00:00 UTC" in shown
    assert "0.250 (popularity 0.250)" in shown


def test_the_allocation_view_counts_the_unplaced_by_reason() -> None:
    reply = match.AllocateWeekResponse(
        students_total=5,
        students_placed=2,
        unplaced=[
            match.UnplacedCount(reason=match.UNPLACED_REASON_CLASHES, students=2),
            match.UnplacedCount(reason=match.UNPLACED_REASON_CAPACITY, students=1),
            match.UnplacedCount(reason=match.UNPLACED_REASON_NO_CANDIDATE_IN_REACH, students=0),
        ],
    )
    console = Console(width=160, record=True)

    console.print(views.allocation_view(reply, "2027-spring"))

    shown = console.export_text()
    assert "2 of 5" in shown
    assert "Unplaced: clashes with their time  2" in shown
    assert "Unplaced: activities full          1" in shown
    assert "no activity in reach" not in shown


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in (
        "health",
        "activities",
        "enrol",
        "profile",
        "recommend",
        "inbox",
        "deliveries",
    ):
        assert command in out
    for command in ("allocate", "seed", "evaluate", "model"):
        assert command in out
    assert main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


async def test_health_shows_every_service_serving(running: Running, cli: Cli) -> None:
    table = await cli("health")
    assert table.code == 0
    assert table.out.count("SERVING") == 3
    assert running.matching in table.out
    listed = await cli("health", "--json")
    assert [(s["service"], s["status"]) for s in listed.json()] == [
        ("catalogue", "SERVING"),
        ("matching", "SERVING"),
        ("notify", "SERVING"),
    ]
    gone = f"127.0.0.1:{free_port()}"
    partial = await cli("--json", "--notify", gone, "health")
    assert partial.code == 3  # as for any command that cannot reach a service
    notify = partial.json()[2]
    assert (notify["service"], notify["address"], notify["status"]) == (
        "notify",
        gone,
        "UNREACHABLE",
    )
    assert notify["detail"]  # gRPC's reason, e.g. "Connection refused"


async def test_health_exits_1_for_a_service_not_serving_and_3_when_one_is_unreachable(
    stack: Stack, cli: Cli
) -> None:
    parts = ServiceParts([Registration(lambda server: None, CATALOGUE)])
    tokens = TokenRegistry.from_file(stack.tokens_file)
    async with serve("127.0.0.1:0", tokens, parts, 0.5) as catalogue:
        await catalogue.readiness.report("redis", up=False)
        not_serving = await cli("--catalogue", catalogue.address, "health", "catalogue")
        assert not_serving.code == 1
        assert "NOT_SERVING" in not_serving.out
        gone = f"127.0.0.1:{free_port()}"
        both = await cli(
            "--catalogue", catalogue.address, "--notify", gone, "health", "catalogue", "notify"
        )
        assert both.code == 3
        assert no_traceback(not_serving) and no_traceback(both)


async def test_an_activity_is_created_from_a_file_published_listed_and_shown(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    """Runs with the dev coordinator token; --json prints nothing but JSON."""
    path = write_json(tmp_path, "activity.json", valid_details(title=TITLE))
    created = await cli("--json", "activities", "create", path, "--publish")
    assert created.code == 0, created.err
    activity = created.json()
    assert activity["state"] == "ACTIVITY_STATE_PUBLISHED"
    assert activity["details"]["title"] == TITLE
    assert activity["details"]["section_id"] == "esn-valencia-upv"

    listed = await cli("activities", "list", "--country", "es", "--json")
    assert [a["id"] for a in listed.json()["activities"]] == [activity["id"]]
    elsewhere = await cli("activities", "list", "--country", "it", "--json")
    assert elsewhere.json()["activities"] == []
    table = await cli("activities", "list", "--cause", "environmental-sustainability")
    assert activity["id"] in table.out
    shown = await cli("activities", "show", activity["id"])
    assert shown.code == 0
    assert TITLE in shown.out
    assert "Environmental sustainability" in shown.out


async def test_bad_input_exits_2_and_names_the_field(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    """A misspelt field, a broken file, a missing file and a field the catalogue refuses."""
    misspelt = tmp_path / "misspelt.json"
    misspelt.write_text(json.dumps({"titel": "Beach clean-up"}))
    unknown = await cli("activities", "create", str(misspelt))
    assert unknown.code == 2
    assert "titel" in unknown.err
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "Beach clean-up",')
    assert (await cli("activities", "create", str(broken))).code == 2
    missing = await cli("activities", "create", str(tmp_path / "nowhere.json"))
    assert missing.code == 2
    assert "cannot read" in missing.err

    refused = await cli(
        "activities", "create", write_json(tmp_path, "a.json", valid_details(capacity=0))
    )
    assert refused.code == 2
    assert "catalogue rejected the request" in refused.err
    assert "details.capacity" in refused.err
    drafts = await cli("--json", "activities", "list", "--state", "draft", "--as", "coordinator")
    assert drafts.json()["activities"] == []
    usage = await cli("activities", "list", "--cause", "knitting")
    assert usage.code == 2
    assert "social-inclusion" in usage.err
    no_such_goal = await cli("recommend", "ana", "--sdg", "18")
    assert no_such_goal.code == 2
    assert "at most 17" in no_such_goal.err
    assert all(no_traceback(o) for o in (unknown, missing, refused, usage, no_such_goal))


async def test_an_unreachable_service_is_named_without_a_traceback(cli: Cli) -> None:
    address = f"127.0.0.1:{free_port()}"
    outcome = await cli("--token", "t", "--catalogue", address, "activities", "list")
    assert outcome.code == 3
    assert f"cannot reach catalogue at {address} — is `make run` running?" in outcome.err
    assert "tried 4 times" in outcome.err
    assert outcome.out == ""
    assert no_traceback(outcome)


async def test_refusals_exit_1_with_what_to_do(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    path = write_json(tmp_path, "activity.json", valid_details())
    denied = await cli("activities", "create", path, "--as", "student")
    assert denied.code == 1
    assert "permission denied by catalogue" in denied.err
    assert "local dev student token" in denied.err
    missing = await cli("activities", "show", "01J0000000000000000000000X")
    assert missing.code == 1
    assert "not found" in missing.err
    stranger = await cli("--token", "not-a-token", "activities", "list")
    assert stranger.code == 1
    assert "does not accept the token (from --token)" in stranger.err
    assert all(no_traceback(o) for o in (denied, missing, stranger))


async def test_without_a_token_the_command_says_where_to_get_one(cli: Cli, tmp_path: Path) -> None:
    outcome = await cli("activities", "create", write_json(tmp_path, "a.json", valid_details()))
    assert outcome.code == 2
    assert "dev-tokens.json does not exist" in outcome.err
    assert "make run" in outcome.err
    assert no_traceback(outcome)


async def test_as_beats_se_token_which_beats_the_commands_own_role(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_json(tmp_path, "activity.json", valid_details())
    as_coordinator = await cli("--json", "activities", "create", path)
    assert as_coordinator.code == 0, as_coordinator.err
    monkeypatch.setenv("SE_TOKEN", "token-of-student")
    as_student = await cli("activities", "create", path)
    assert as_student.code == 1
    assert "SE_TOKEN" in as_student.err
    asked = await cli("--json", "activities", "create", path, "--as", "coordinator")
    assert asked.code == 0, asked.err
    explicit = await cli("--json", "--token", "token-of-platform", "activities", "create", path)
    assert explicit.code == 0, explicit.err


async def test_a_student_gets_recommendations_with_reasons_and_enrols(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    profile = write_json(tmp_path, "ana.json", valid_profile(now()))
    saved = await cli("--json", "profile", "upsert", profile, "--as", "platform")
    assert saved.code == 0, saved.err
    assert saved.json()["student_id"] == "ana"
    activity_id = await published_activity(cli, tmp_path, title=TITLE)

    async def recommendable() -> bool:
        listed = await cli("--json", "recommend", "ana", "-k", "5")
        return activity_id in [r["activity"]["id"] for r in listed.json()["recommendations"]]

    await eventually(recommendable, "the activity in the recommendations")
    listed = await cli("--json", "recommend", "ana", "-k", "5")
    (listed_one,) = listed.json()["recommendations"]
    assert {r["signal"] for r in listed_one["reasons"]} >= {"cause", "distance"}
    assert all(r["contribution"] > 0.01 for r in listed_one["reasons"])  # no zero shares
    assert listed_one["facts"]["shared_languages"] == ["en", "es"]

    async def recommended(*flags: str) -> list[str]:
        listed = await cli("--json", "recommend", "ana", *flags)
        assert listed.code == 0, listed.err
        return [r["activity"]["id"] for r in listed.json()["recommendations"]]

    # The activity's SDGs are 14 and 13; a repeated --sdg is sent once.
    assert activity_id in await recommended("--sdg", "14", "--sdg", "1", "--sdg", "14")
    assert activity_id not in await recommended("--sdg", "1")
    assert activity_id not in await recommended("--exclude", activity_id)
    table = await cli("recommend", "ana")
    assert table.code == 0
    assert "Recommendations for ana (1)" in table.out
    assert TITLE in table.out
    assert "cause" in table.out
    assert "language 0%" not in table.out
    assert "Reordered" not in table.out

    enrolled = await cli("--json", "enrol", activity_id, "--student", "ana")
    assert enrolled.code == 0, enrolled.err
    assert enrolled.json()["enrolment"]["status"] == "ENROLMENT_STATUS_CONFIRMED"
    assert enrolled.json()["created"] is True
    again = await cli("enrol", activity_id, "--student", "ana")
    assert "ana: CONFIRMED" in again.out
    assert "(already enrolled)" in again.out
    other = await cli("enrol", activity_id, "--student", "ben")
    assert other.code == 1  # the dev student token is ana's

    await running.notify_store.add_inbox_item(inbox_item("welcome-1", "ana"))
    inbox = await cli("--json", "inbox", "ana")
    assert "welcome-1" in [i["id"] for i in inbox.json()["items"]]
    shown = await cli("inbox", "ana")
    assert "A beach clean-up near you" in shown.out

    # Notify heard of the enrolment and confirmed it in the app: the delivery shows.
    async def confirmed_in_the_app() -> bool:
        deliveries = await cli("--json", "deliveries", "ana")
        found = {(d["kind"], d["channel"], d["status"]) for d in deliveries.json()["deliveries"]}
        return ("enrolment_confirmed", "in_app", "DELIVERY_STATUS_DELIVERED") in found

    await eventually(confirmed_in_the_app, "the confirmation delivered in the app")
    table = await cli("deliveries", "ana")
    assert "Deliveries to ana" in table.out
    assert "delivered" in table.out


async def test_week_allocation_prints_a_summary(
    running: Running, cli: Cli, dev_tokens: None
) -> None:
    """Two students, two single-seat Week activities: each student gets one."""
    config = ClientConfig(
        catalogue_address=running.catalogue,
        matching_address=running.matching,
        token="token-of-platform",
    )
    start = now() + timedelta(days=40)
    async with SocialErasmusClient(config) as client:
        for n in range(2):
            details = valid_details(
                week_edition="2027-spring",
                capacity=1,
                starts_at=start + timedelta(hours=4 * n),
                ends_at=start + timedelta(hours=4 * n + 2),
            )
            await client.publish_activity((await client.create_activity(details)).id)
        for student in ("ana", "ben"):
            await client.upsert_profile(
                valid_profile(now(), student_id=student, week_editions=["2027-spring"])
            )

        async def indexed() -> bool:
            return len(await client.recommend("ana")) >= 2

        await eventually(indexed, "the index to catch up")

    summary = await cli("allocate", "2027-spring", "--assignments")
    assert summary.code == 0, summary.err
    assert "2 of 2" in summary.out
    assert "proven optimal" in summary.out
    assert "ben" in summary.out
    assert "Unplaced" not in summary.out  # both placed
    data = await cli("--json", "allocate", "2027-spring")
    assert data.json()["students_placed"] == 2
    refused = await cli("allocate", "2027-spring", "--as", "student")
    assert refused.code == 1


async def test_model_shows_the_cold_start_to_operators_only(
    running: Running, cli: Cli, dev_tokens: None
) -> None:
    table = await cli("model")
    assert table.code == 0, table.err
    assert "cold start" in table.out
    assert "no feedback yet" in table.out
    data = await cli("--json", "model")
    assert int(data.json().get("version", 0)) == 0
    assert sum(data.json()["weights"].values()) == pytest.approx(1.0)
    refused = await cli("model", "--as", "student")
    assert refused.code == 1


async def test_seed_fills_an_empty_catalogue_once(
    running: Running, cli: Cli, dev_tokens: None
) -> None:
    first = await cli("--json", "seed", "--count", "4")
    assert first.code == 0, first.err
    assert first.json()["published"] == 4
    assert first.json()["address"] == running.catalogue
    again = await cli("seed", "--count", "4")
    assert again.code == 0
    assert "already has activities" in again.out
    listed = await cli("--json", "activities", "list", "--limit", "0")
    assert len(listed.json()["activities"]) == 4


async def test_evaluate_runs_the_offline_evaluation(cli: Cli) -> None:
    report = await cli(
        "--json", "evaluate", "--students", "60", "--activities", "40", "--sections", "4"
    )
    assert report.code == 0, report.err
    data = report.json()
    assert data["source"] == "synthetic"
    assert {"model", "popularity", "random"} <= set(data["methods"])
    table = await cli("evaluate", "--students", "30", "--activities", "20", "--sections", "3")
    assert table.code == 0, table.err
    assert "Offline evaluation at k=10" in table.out
    assert "popularity" in table.out


ACTIVITY = "01J9Z8Y7X6W5V4T3S2R1Q0P9N8"


async def test_profiles_and_feedback_are_imported_in_batches(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    """Three profiles in two calls; feedback by readable kind, read back from the service."""
    lines = [
        json_format.MessageToJson(valid_profile(now(), student_id=s), indent=None)
        for s in ("ana", "ben", "carla")
    ]
    (tmp_path / "students.jsonl").write_text("\n".join(lines) + "\n\n")
    imported = await cli(
        "--json", "profile", "import", str(tmp_path / "students.jsonl"), "--batch", "2"
    )
    assert imported.code == 0, imported.err + imported.out
    assert imported.json()["imported"] == 3
    assert imported.json()["calls"] == 2
    shown = await cli("--json", "profile", "show", "carla", "--as", "platform")
    assert shown.json()["student_id"] == "carla"

    (tmp_path / "joins.csv").write_text(
        "student_id,activity_id,kind,rating,occurred_at\n"
        f"ana,{ACTIVITY},enrolled,,2027-01-05T10:00:00\n"
        f"ben,{ACTIVITY},RATED,4,2027-01-05T10:00:00+01:00\n"
    )
    recorded = await cli("feedback", "import", str(tmp_path / "joins.csv"))
    assert recorded.code == 0, recorded.err
    assert "Imported 2 feedback events in 1 calls" in recorded.out


async def test_a_refused_batch_names_its_lines_and_what_was_saved_before(
    running: Running, cli: Cli, dev_tokens: None, tmp_path: Path
) -> None:
    """The second batch holds a bad student id: the first is saved, the error names the
    file line of the bad field, and the exit code says bad input."""
    rows = [f"s{n},{ACTIVITY},shown" for n in range(3)] + [f"bad id!,{ACTIVITY},shown"]
    (tmp_path / "joins.csv").write_text("student_id,activity_id,kind\n" + "\n".join(rows) + "\n")
    refused = await cli("feedback", "import", str(tmp_path / "joins.csv"), "--batch", "2")
    assert refused.code == 2
    assert "line 5: student_id" in refused.err
    assert "nothing of lines 4 to 5 was saved; 2 items before them were" in refused.err
    assert no_traceback(refused)


async def test_a_malformed_import_file_sends_nothing(cli: Cli, tmp_path: Path) -> None:
    """Checked before any call: no service runs here, yet the line is named, exit 2."""
    (tmp_path / "joins.csv").write_text(f"student_id,activity_id,kind\nana,{ACTIVITY},liked\n")
    refused = await cli("feedback", "import", str(tmp_path / "joins.csv"), "--token", "t")
    assert refused.code == 2
    assert "line 2: kind: unknown value 'liked'" in refused.err
    (tmp_path / "bad.jsonl").write_text('{"student_id": "ana"}\n{"nope": 1}\n')
    refused = await cli("profile", "import", str(tmp_path / "bad.jsonl"), "--token", "t")
    assert refused.code == 2
    assert "line 2 is not a valid VolunteerProfile" in refused.err
    (tmp_path / "headless.csv").write_text("a,b\n1,2\n")
    refused = await cli("feedback", "import", str(tmp_path / "headless.csv"), "--token", "t")
    assert "names no student_id, activity_id, kind column" in refused.err


async def test_an_unknown_field_is_named_with_the_fields_as_the_help_spells_them(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "ana.json"
    path.write_text(json.dumps({"student_id": "ana", "langs": [], "interests": [{"caus": 1}]}))

    refused = await cli("profile", "upsert", str(path), "--as", "platform")

    assert refused.code == 2
    assert "langs: no such field in VolunteerProfile" in refused.err
    assert "host_section_id" in refused.err and "hostSectionId" not in refused.err
    assert "interests[0].caus: no such field in CauseInterest; its fields: cause, weight" in (
        " ".join(refused.err.split())
    )


def test_activity_ids_stay_whole_on_one_line_at_80_columns() -> None:
    activity_id = "01JX3Q7Z8M5V2K9T4R6B1C0D2E"
    activity = match.Recommendation(score=0.5, relevance_rank=1)
    activity.activity.id = activity_id
    activity.activity.details.title = "Beach clean-up at La Malvarrosa with ESN Valencia UPV"
    console = Console(width=80, record=True)

    console.print(views.activities_table([activity.activity]))
    console.print(views.recommendations_table("ana", [activity]))
    console.print(views.inbox_table("ana", [notify.InboxItem(activity_id=activity_id)]))
    lines = console.export_text().splitlines()

    assert sum(activity_id in line for line in lines) == 3


def test_the_reasons_leave_out_shares_that_round_to_nothing() -> None:
    found = match.Recommendation(score=0.6, relevance_rank=1)
    found.reasons.add(signal="cause", contribution=0.52)
    found.reasons.add(signal="language", contribution=0.0)
    found.reasons.add(signal="time", contribution=0.004)
    console = Console(width=160, record=True)

    console.print(views.recommendations_table("ana", [found]))
    shown = console.export_text()

    assert "cause 52%" in shown
    assert "language" not in shown and "time 0%" not in shown


def test_the_inbox_shows_dates_on_the_students_clock() -> None:
    item = notify.InboxItem(subject="Welcome", kind="suggestion")
    item.created_at.FromDatetime(datetime(2027, 7, 1, 8, 0, tzinfo=UTC))
    console = Console(width=120, record=True)

    console.print(views.inbox_table("ana", [item], "Europe/Madrid"))
    console.print(views.inbox_table("ana", [item]))
    madrid, utc = console.export_text().split("Inbox of ana")[1:]

    assert "Thu 01 Jul 2027 10:00" in madrid and "Europe/Madrid" in madrid
    assert "Thu 01 Jul 2027 08:00 UTC" in utc


@pytest.mark.usefixtures("dev_tokens")
async def test_the_readme_example_files_work_as_printed(cli: Cli, running: Running) -> None:
    """`activities create examples/cli/beach.json --publish`, then `profile upsert
    examples/cli/ana.json`, each with the role the command picks by itself."""
    examples = project_root() / "examples" / "cli"

    created = await cli("--json", "activities", "create", str(examples / "beach.json"), "--publish")
    saved = await cli("profile", "upsert", str(examples / "ana.json"))
    found = await cli("--json", "recommend", "ana")

    assert created.code == 0, created.err
    assert saved.code == 0, saved.err
    assert "Saved the profile of ana" in saved.out
    assert created.json()["id"] in [r["activity"]["id"] for r in found.json()["recommendations"]]


@pytest.mark.usefixtures("dev_tokens")
async def test_a_refused_role_is_not_offered_again(
    cli: Cli, running: Running, tmp_path: Path
) -> None:
    """The suite's student token acts for ana only: writing ben's profile with it is refused,
    and the hint offers the other roles."""
    ben = write_json(tmp_path, "ben.json", valid_profile(now(), student_id="ben"))

    refused = await cli("profile", "upsert", ben, "--as", "student")

    assert refused.code == 1
    assert "--as operator|platform|coordinator" in refused.err
