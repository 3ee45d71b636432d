"""The health table's rules without the web: reading the query, drifting, sorting with the unknown last, pages."""

from portal.core.companies import RosterRow
from portal.core.dashboard import HealthColumn
from portal.staff import health_table as table

NOW = 1_800_000_000.0


def row(company_id: int, name: str, contact: float | None = NOW, **values) -> table.Row:
    return table.Row(RosterRow(company_id, name, "installers", "central", None, None, contact), values)


def read(**params):
    return table.read_query(params, ["name", "segment", "region", "purchases_trend"], ["installers"], ["central"],
                            [7])


def test_the_query_defaults_and_its_problems():
    assert read() == (table.Query(), {})
    query, errors = read(sort="purchases_trend", dir="desc", drop="35", quiet="30", manager="7", page="3",
                         drifting="1")
    assert errors == {} and query == table.Query(manager=7, drifting=True, drop=35, quiet=30, sort="purchases_trend",
                                                 desc=True, page=3)
    _, errors = read(sort="password", dir="sideways", drop="-1", quiet="١٢", manager="8", page="", segment="x")
    assert set(errors) == {"sort", "dir", "drop", "quiet", "manager", "segment"}
    assert read(manager="none")[0].manager == 0


def test_drifting_reads_the_trend_the_contact_and_the_nps():
    query = table.Query(drifting=True, drop=20, quiet=90)
    assert table.is_drifting(row(1, "a", purchases_trend=-25.0), query, NOW)
    assert not table.is_drifting(row(2, "b", purchases_trend=-20.0), query, NOW)  # by more than 20 %
    assert table.is_drifting(row(3, "c", contact=None), query, NOW)  # never contacted
    assert table.is_drifting(row(4, "d", contact=NOW - 91 * 86400), query, NOW)
    assert table.is_drifting(row(5, "e", nps_trend=-3), query, NOW)
    assert not table.is_drifting(row(6, "f", nps_trend=0, purchases_trend=10.0), query, NOW)


def test_sorting_keeps_companies_without_a_value_last_both_ways():
    found = [row(1, "Б", purchases_trend=5.0), row(2, "А"), row(3, "В", purchases_trend=-5.0)]
    kinds = {"purchases_trend": "number"}
    up = table.ordered(found, table.Query(sort="purchases_trend"), kinds)
    down = table.ordered(found, table.Query(sort="purchases_trend", desc=True), kinds)
    assert [r.company.name for r in up] == ["В", "Б", "А"]
    assert [r.company.name for r in down] == ["Б", "В", "А"]


def test_columns_in_their_order_and_one_call_each(db, settings):
    calls = []

    def values(db, settings, now):
        calls.append(now)
        return {}

    class Cap:
        def __init__(self, *columns):
            self.health_columns = columns

    columns = table.columns_of([Cap(HealthColumn("b", "b", values, order=20)), Cap(HealthColumn("a", "a", values,
                                                                                                  order=10))])
    assert [column.key for column in columns] == ["a", "b"]
    table.rows(db, settings, columns, NOW)
    assert calls == [NOW, NOW]


def test_pages():
    found = [row(number, str(number)) for number in range(120)]
    assert [len(table.page_of(found, page)[0]) for page in (1, 2, 3, 4)] == [50, 50, 20, 20]
    assert table.page_of([], 1) == ([], 1)
