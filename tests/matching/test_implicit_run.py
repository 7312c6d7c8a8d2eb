"""The implicit-feedback evaluation end to end: a small joins file through the real
catalogue and matching on a fresh local stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.matching import joins_data
from services.matching.evaluate import main
from services.matching.implicit_evaluation import (
    API_METHOD,
    BASELINES,
    METHODS,
    evaluate_lists,
    leave_last_out,
    read_joins,
)

SHAPE = joins_data.JoinsShape(users=300, projects=40, groups=4, max_joins=10)


@pytest.mark.timeout(300)
def test_the_command_evaluates_a_joins_file_through_the_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report holds every method; the baselines are those of the same split computed
    apart, and the API was asked for every test user after learning from the train joins."""
    path = tmp_path / "joins.csv"
    joins_data.write_joins(joins_data.generate(SHAPE, seed=4), path)
    columns = ["--user-column", "user_id", "--activity-column", "project_id"]

    code = main(["--joins", str(path), *columns, "--time-column", "joined_at", "--json"])

    assert code == 0
    report = json.loads(capsys.readouterr().out)
    rows = read_joins(path, "user_id", "project_id", time_column="joined_at")
    split = leave_last_out(rows)
    expected = evaluate_lists(split, {}, rows=len(rows), seed=report["seed"]).as_dict()
    for key in ("protocol", "rows", "train_joins", "test_joins", "users", "activities"):
        assert report[key] == expected[key]
    assert set(report["methods"]) == set(METHODS)
    for name in BASELINES:
        assert report["methods"][name] == expected["methods"][name]  # type: ignore[index]
    api = report["methods"][API_METHOD]
    assert 0 <= api["hr_at_k"] <= 1
    assert api["catalogue_coverage"] > 0  # lists came back, of the file's activities
    assert report["refit_wait_seconds"] >= 0


def test_a_bad_joins_file_is_named_without_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "joins.csv"
    path.write_text("user,project,split\nana,a,train\nana,b,later\n")
    columns = ["--user-column", "user", "--activity-column", "project"]
    assert main(["--joins", str(path), *columns, "--split-column", "split"]) == 2
    assert "line 3: split value 'later'" in capsys.readouterr().err
