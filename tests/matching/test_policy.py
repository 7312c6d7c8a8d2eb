"""Matching's tunables from the environment."""

from __future__ import annotations

import os

import pytest

from services.matching.service import MatchingPolicy, policy_from_env
from services.runtime.config import SettingsError


def test_a_week_takes_one_process_per_cpu_unless_told() -> None:
    assert policy_from_env({}).processes_per_week() == len(os.sched_getaffinity(0))
    assert policy_from_env({"SE_MATCHING_WEEK_PROCESSES": ""}).week_processes == 0
    assert policy_from_env({"SE_MATCHING_WEEK_PROCESSES": "3"}).processes_per_week() == 3
    assert MatchingPolicy(week_processes=1).processes_per_week() == 1


def test_a_malformed_number_of_processes_is_refused() -> None:
    with pytest.raises(SettingsError, match="SE_MATCHING_"):
        policy_from_env({"SE_MATCHING_WEEK_PROCESSES": "two"})
