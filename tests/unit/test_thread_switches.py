"""The Cafe24 ingestion's shorter GIL switch interval holds only while inside, whatever happens."""

import sys

import pytest

from pipelines.cafe24.ingest import THREAD_SWITCH_SECONDS, prompt_thread_switches


def test_the_interval_is_shorter_inside_and_restored_after():
    before = sys.getswitchinterval()
    with prompt_thread_switches():
        assert sys.getswitchinterval() == pytest.approx(min(before, THREAD_SWITCH_SECONDS))
    assert sys.getswitchinterval() == before


def test_the_interval_is_restored_after_a_failure_and_never_lengthened():
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), prompt_thread_switches(seconds=before * 10):
        assert sys.getswitchinterval() == before
        raise RuntimeError("the run failed")
    assert sys.getswitchinterval() == before
