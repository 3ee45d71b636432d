"""The privilege catalogue as the build publishes it (site/privileges.json), for the portal's tests."""

import os
from pathlib import Path

from site_builder.contract import PRIVILEGES, PrivilegeEntry, write_privileges


def privilege(ident: str = "kopirayting", **changes) -> PrivilegeEntry:
    values = dict(id=ident, name="Копирайтинг", description="Десять описаний товаров для сайта.", cost=1200,
                  fulfilled_by="Отдел маркетинга", partner_provides="адрес сайта и доступ к CMS", available=True,
                  page="/club/privileges/")
    return PrivilegeEntry(**{**values, **changes})


def publish(site: Path, *entries: PrivilegeEntry) -> None:
    """Write site/privileges.json with a fresh mtime, so the portal's cache sees a same-second rewrite."""
    path = site / PRIVILEGES
    before = path.stat().st_mtime if path.exists() else 0
    write_privileges(path, list(entries))
    stamp = max(before + 1, path.stat().st_mtime)
    os.utime(path, (stamp, stamp))


def catalogue_of(site: Path) -> list[PrivilegeEntry]:
    """The usual test catalogue: two offered privileges and a withdrawn one."""
    entries = [privilege(), privilege("kommercheskoe-predlozhenie", name="Коммерческое предложение", cost=1500,
                                      partner_provides="описание объекта"),
               privilege("staroe", name="Снятая привилегия", cost=100, available=False)]
    publish(site, *entries)
    return entries
