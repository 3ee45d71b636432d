"""Operations: the health check (`GET /healthz`), `club db upgrade|backup|restore`, and the in-use lock
every portal process holds on its database (so a restore never swaps it under a running process)."""

from __future__ import annotations

from portal.core.capability import Capability, Command
from portal.ops import cli, health, wiring

CAPABILITY = Capability(
    name="ops",
    routes=health.ROUTES,
    url_prefixes=(health.PATH,),
    commands=(Command("db", cli.add_parser, cli.run, database=False),),
    on_start=(wiring.attach,),
)
