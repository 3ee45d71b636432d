"""Periodic jobs: the work runs in its own thread on its own connection, a failing round is logged and
the next one runs, `at_start` runs at once, a disabled job starts nothing, and the block's end stops it."""

import threading

from portal.core import jobs


def test_rounds_run_and_a_failure_does_not_stop_the_next(settings, caplog):
    rounds: list[bool] = []
    third = threading.Event()

    def work(job_settings, db):
        assert job_settings is settings and db.execute("SELECT 1").fetchone() == (1,)
        rounds.append(True)
        if len(rounds) == 1:
            raise RuntimeError("the database is busy")
        if len(rounds) >= 3:
            third.set()

    said: list[str] = []
    with jobs.periodic(settings, said.append, True, name="test-job", work=work, every=0.01, said="started"):
        assert third.wait(5)
    assert said == ["started"] and "test-job failed" in caplog.text
    count = len(rounds)
    assert not third.wait(0.05) or len(rounds) == count  # stopped with the block


def test_at_start_runs_before_the_first_wait_and_disabled_runs_nothing(settings):
    ran = threading.Event()
    with jobs.periodic(settings, print, True, name="t", work=lambda s, db: ran.set(), every=3600, said="",
                       at_start=True):
        assert ran.wait(5)
    ran.clear()
    with jobs.periodic(settings, print, False, name="t", work=lambda s, db: ran.set(), every=0.01, said=""):
        assert not ran.wait(0.1)
