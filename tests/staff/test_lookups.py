"""The dashboard's queries count from the indexes of staff/migrations.py: a partial index is only used
when the query repeats its WHERE, so a change to either side shows here, not as a slow page."""

import pytest

from portal.accounts import figures as members
from portal.forum import figures as forum


@pytest.mark.parametrize(("query", "index"), [
    (members._REGISTERED, "dashboard_users_created"), (members._CONFIRMED, "dashboard_users_confirmed"),
    (members._MEMBERS, "dashboard_users_members"), (members._MERGED, "companies_merged"),
    (members._GROUPS, "dashboard_users_created"), (forum._POSTS, "dashboard_forum_posts"),
    (forum._TOPICS, "dashboard_forum_topics")])
def test_each_query_reads_its_index(db, query, index):
    values = {"start": "2026-01-01", "end": "2026-04-01"} if ":start" in query or ":end" in query else [0.0, 1.0]
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + query, values).fetchall())
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan


@pytest.mark.parametrize(("query", "index"), [(members._MEMBERS, "dashboard_users_members"),
                                              (forum._POSTS, "dashboard_forum_posts")])
def test_the_largest_counts_never_read_the_table(db, query, index):
    values = {"end": "2026-04-01"} if ":end" in query else [0.0, 1.0]
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + query, values).fetchall())
    assert f"USING COVERING INDEX {index}" in plan, plan
