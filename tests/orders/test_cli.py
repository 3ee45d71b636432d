"""`club orders overdue`: the cron line's way to flag overdue orders (the job's work, once per order)."""

import time

import pytest

from portal.cli import main
from portal.core.db import connect
from tests.orders.helpers import distributor, join, made, publish
from tests.portal_fixtures import make_user


@pytest.fixture
def club_db(settings, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    yield db
    db.conn.close()


def test_overdue_prints_what_it_flagged_once(club_db, settings, smtp, capsys):
    publish(settings.site_dir)
    staff = make_user(club_db, "olga@club.example", role="staff")
    sender, firm = join(club_db, "buyer@cli.example", "ООО «Крон»", segment="installers", region="central")
    order_id = made(club_db, sender.id, firm.id, distributor(club_db), now=time.time() - 10 * 86400)
    assert main(["orders", "overdue"]) == 0
    assert capsys.readouterr().out.strip() == f"orders flagged as overdue: 1 ({order_id})"
    assert main(["orders", "overdue"]) == 0
    assert capsys.readouterr().out.strip() == "orders flagged as overdue: 0"
    assert smtp.wait_for(1)[0].recipients == [staff.email]
