"""Required illuminance by room type and typical maintenance factors: what the lumen-method form offers.

Maintained illuminance Ē_m on the task area, from EN 12464-1:2021 "Light and lighting — Lighting of work
places — Part 1: Indoor work places", clause 7 (schedule of lighting requirements), and the Russian
СП 52.13330.2016 "Естественное и искусственное освещение", table 4.2 (public and auxiliary buildings)
and table 4.1 with section 4.2 (industrial premises by visual work category). Where the two differ the
preset takes the higher value and the page shows both. The labels and the norms' rows are words
(tools.room.* in words.py), so the page cites them in the reader's language.

Maintenance factor MF: CIE 97:2005 "Guide on the maintenance of indoor electric lighting systems";
СП 52.13330.2016 states the same as the safety factor Кз = 1/MF (section 4.3 and table 4.3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoomType:
    key: str          # tools.room.<key> (label) and tools.room.<key>.norm (the norms' rows)
    lux: int          # the preset's illuminance
    workplane: float  # m: the usual working-plane height for this room


ROOM_TYPES: tuple[RoomType, ...] = (
    RoomType("office", 500, 0.8),      # EN 12464-1: writing, typing, reading, data processing 500; СП 52: 300–500
    RoomType("meeting", 500, 0.8),     # EN 12464-1: conference and meeting rooms 500
    RoomType("classroom", 500, 0.8),   # EN 12464-1:2021: classrooms 500 (300 in 2011); СП 52: 400–500
    RoomType("corridor", 100, 0.0),    # EN 12464-1: circulation areas and corridors 100; СП 52: 50–100
    RoomType("storage", 200, 0.0),     # EN 12464-1: store rooms 100, dispatch and packing 300; СП 52: 75–200
    RoomType("workshop", 300, 0.8),    # EN 12464-1: rough and average machining 200–500; СП 52: category IV–V
    RoomType("retail", 300, 0.8),      # EN 12464-1: sales area 300; СП 52: торговые залы 300–500
    RoomType("parking", 75, 0.0),      # EN 12464-1: parking areas, traffic lanes 75; СП 52: 20–75
)
ROOMS = {room.key: room for room in ROOM_TYPES}


@dataclass(frozen=True)
class Maintenance:
    key: str    # tools.mf.<key>
    mf: float


MAINTENANCE: tuple[Maintenance, ...] = (
    Maintenance("clean", 0.8),    # LED, clean room (offices, schools), cleaned yearly: CIE 97:2005; Кз 1.25
    Maintenance("normal", 0.7),   # normal dust, cleaned every two to three years; Кз 1.4 (СП 52 table 4.3)
    Maintenance("dirty", 0.67),   # workshops, warehouses with dust; Кз 1.5 (СП 52 table 4.3)
)
DEFAULT_MF = 0.8
DEFAULT_REFLECTANCES = (0.7, 0.5, 0.2)  # ceiling, walls, floor: the "standard room" of UF tables
