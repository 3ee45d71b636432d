"""The built site: every path outside the portal's prefixes, gated by the manifest (full page,
teaser or 404), from memory or through nginx (X-Accel-Redirect); the cabinet's quick links."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability
from portal.site import gated
from portal.site.words import WORDS

CAPABILITY = Capability(
    name="site",
    words=WORDS,
    fallback=gated.serve_site,
    cabinet_cards=(CabinetCard("_cabinet_sections.html", gated.sections_card, order=20),),
    on_start=(gated.open_site,),
)
