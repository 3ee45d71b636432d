"""Words of the tools capability (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "tools.nav": ("Расчёты", "Calculators"),
    "tools.title": ("Технические расчёты", "Technical calculators"),
    "tools.lead": ("Два расчёта для проекта освещения: сколько светильников нужно помещению и какое сечение кабеля "
                   "выдержит падение напряжения. Результат можно сохранить в проект, распечатать и превратить в заказ.",
                   "Two calculations for a lighting project: how many luminaires a room needs, and which cable "
                   "cross-section keeps the voltage drop within limits. Save the result to a project, print it, "
                   "or turn it into an order."),
    "tools.outsider": ("Расчёты доступны участникам клуба: войдите и укажите в профиле компанию и телефон.",
                       "The calculators are for club members: sign in and add your company and phone to your "
                       "profile."),
    "tools.room.title": ("Освещённость помещения (метод коэффициента использования)",
                         "Room lighting (lumen method)"),
    "tools.room.lead": ("Количество светильников для прямоугольного помещения по требуемой освещённости.",
                        "How many luminaires a rectangular room needs for the required illuminance."),
    "tools.cable.title": ("Падение напряжения в кабеле", "Voltage drop on a cable run"),
    "tools.cable.lead": ("Потеря напряжения на линии по методу МЭК 60364-5-52 (приложение G) и наименьшее "
                         "стандартное сечение, при котором она в норме.",
                         "The voltage drop on a run by IEC 60364-5-52 (Annex G), and the smallest standard "
                         "cross-section that keeps it within the limit."),
    "tools.open": ("Открыть", "Open"),
    "tools.calculate": ("Рассчитать", "Calculate"),
    "tools.live_hint": ("Результат обновляется по мере ввода.", "The result updates as you type."),
    # lumen form
    "tools.field.room": ("Тип помещения (норма освещённости)", "Room type (illuminance norm)"),
    "tools.field.length": ("Длина, м", "Length, m"),
    "tools.field.width": ("Ширина, м", "Width, m"),
    "tools.field.height": ("Высота потолка, м", "Ceiling height, m"),
    "tools.field.workplane": ("Высота рабочей поверхности, м", "Working-plane height, m"),
    "tools.field.suspension": ("Свес светильника от потолка, м (0 — на потолке)",
                               "Suspension below the ceiling, m (0: on the ceiling)"),
    "tools.field.lux": ("Требуемая освещённость, лк", "Required illuminance, lx"),
    "tools.field.sku": ("Светильник из каталога (артикул)", "Luminaire from the catalogue (SKU)"),
    "tools.field.flux": ("Световой поток светильника, лм (если не из каталога)",
                         "Luminaire flux, lm (if not from the catalogue)"),
    "tools.field.power": ("Мощность светильника, Вт (необязательно)", "Luminaire power, W (optional)"),
    "tools.field.uf": ("Коэффициент использования (пусто — из фотометрии товара)",
                       "Utilisation factor (empty: from the product's photometry)"),
    "tools.field.mf": ("Коэффициент эксплуатации MF", "Maintenance factor MF"),
    "tools.field.rc": ("Отражение потолка", "Ceiling reflectance"),
    "tools.field.rw": ("Отражение стен", "Wall reflectance"),
    "tools.field.rf": ("Отражение пола", "Floor reflectance"),
    "tools.field.manual": ("— указать поток вручную —", "— enter the flux by hand —"),
    # cable form
    "tools.field.phases": ("Сеть", "Supply"),
    "tools.phases.1": ("Однофазная 230 В", "Single-phase 230 V"),
    "tools.phases.3": ("Трёхфазная 400 В", "Three-phase 400 V"),
    "tools.field.material": ("Материал жил", "Conductor"),
    "tools.material.copper": ("Медь", "Copper"),
    "tools.material.aluminium": ("Алюминий", "Aluminium"),
    "tools.field.section": ("Сечение, мм²", "Cross-section, mm²"),
    "tools.field.cable_length": ("Длина линии, м", "Run length, m"),
    "tools.field.current": ("Ток нагрузки, А", "Load current, A"),
    "tools.field.load_power": ("…или мощность нагрузки, Вт", "…or load power, W"),
    "tools.field.cos_phi": ("cos φ", "cos φ"),
    # results
    "tools.result": ("Результат", "Result"),
    "tools.result.count": ("Светильников", "Luminaires"),
    "tools.result.needed": ("По формуле N", "By the formula, N"),
    "tools.result.grid": ("Расстановка", "Layout"),
    "tools.result.grid_text": ("{rows} ряд(а) × {columns} шт.", "{rows} rows × {columns}"),
    "tools.result.spacing": ("Шаг вдоль / поперёк, м", "Spacing along / across, m"),
    "tools.result.walls": ("От стен (половина шага), м", "From the walls (half a spacing), m"),
    "tools.result.achieved": ("Освещённость с этой расстановкой, лк", "Illuminance with this layout, lx"),
    "tools.result.room_index": ("Индекс помещения k", "Room index k"),
    "tools.result.uf": ("Коэффициент использования", "Utilisation factor"),
    "tools.result.uf_photometry": ("из фотометрии товара", "from the product's photometry"),
    "tools.result.uf_given": ("задан вручную", "entered by hand"),
    "tools.result.w_per_m2": ("Удельная мощность, Вт/м²", "Power density, W/m²"),
    "tools.result.assumptions": ("Допущения", "Assumptions"),
    "tools.result.volts": ("Падение напряжения, В", "Voltage drop, V"),
    "tools.result.percent": ("Падение напряжения, %", "Voltage drop, %"),
    "tools.result.current": ("Расчётный ток, А", "Design current, A"),
    "tools.result.limit": ("Предел {limit} %", "Limit {limit} %"),
    "tools.result.limit.lighting": ("освещение", "lighting"),
    "tools.result.limit.other": ("прочие нагрузки", "other loads"),
    "tools.result.ok": ("в норме", "within"),
    "tools.result.over": ("превышен", "exceeded"),
    "tools.result.smallest": ("наименьшее сечение: {section} мм²", "smallest section: {section} mm²"),
    "tools.result.none": ("даже 300 мм² не хватает — разделите линию", "even 300 mm² is not enough: split the run"),
    "tools.assume.uniform": ("Светильники расставлены равномерно, освещённость — средняя по рабочей поверхности.",
                             "Luminaires evenly spaced; the illuminance is the average over the working plane."),
    "tools.assume.empty_room": ("Помещение пустое, без мебели и окон; поверхности рассеивают свет равномерно.",
                                "An empty room without furniture or windows; surfaces reflect diffusely."),
    "tools.assume.uf_photometry": ("Коэффициент использования рассчитан по кривой силы света товара.",
                                   "The utilisation factor is computed from the product's intensity curve."),
    "tools.assume.uf_given": ("Коэффициент использования задан вручную (из таблиц производителя).",
                              "The utilisation factor was entered by hand (from the maker's tables)."),
    "tools.assume.surface": ("Светильники установлены на потолке.", "Luminaires are mounted on the ceiling."),
    "tools.assume.suspended": ("Светильники на подвесе; пространство над ними учтено как полость потолка.",
                               "Luminaires are suspended; the space above them counts as a ceiling cavity."),
    "tools.assume.grid_rounded": ("Сетка дополнена до целых рядов, поэтому светильников больше, чем по формуле.",
                                  "The grid is filled to whole rows, so it holds more luminaires than the formula's "
                                  "N."),
    # the method, stated in the page
    "tools.method.lumen": ("Метод: k = L·W / (h·(L+W)), где h — высота светильника над рабочей поверхностью; "
                           "N = ⌈E·A / (Φ·UF·MF)⌉. Коэффициент использования по фотометрии — метод передачи "
                           "потоков для трёх поверхностей (CIE 52, CIBSE TM5): прямой поток на рабочую "
                           "поверхность численно по кривой силы света, затем многократные отражения между "
                           "потолком, стенами и полом с угловыми коэффициентами прямоугольного помещения.",
                           "Method: k = L·W / (h·(L+W)), with h the luminaire height above the working plane; "
                           "N = ⌈E·A / (Φ·UF·MF)⌉. The utilisation factor from photometry uses the three-surface "
                           "flux-transfer method (CIE 52, CIBSE TM5): direct flux on the working plane integrated "
                           "from the intensity curve, then inter-reflections between ceiling, walls and floor with "
                           "the view factors of a rectangular room."),
    "tools.method.norms": ("Нормы освещённости: EN 12464-1:2021 (раздел 7, требования по видам помещений) и "
                           "СП 52.13330.2016 (таблицы 4.1 и 4.2). Проверьте норму для своего объекта.",
                           "Illuminance norms: EN 12464-1:2021 (clause 7, requirements by room type) and "
                           "SP 52.13330.2016 (tables 4.1 and 4.2). Check the norm for your project."),
    "tools.method.mf": ("Коэффициент эксплуатации MF учитывает старение и загрязнение (CIE 97:2005); в СП 52 — "
                        "коэффициент запаса Кз = 1/MF: 0,8 — чистое помещение и светодиоды (Кз 1,25), 0,7 — "
                        "обычное (Кз 1,4), 0,67 — пыльное производство или склад (Кз 1,5).",
                        "The maintenance factor MF allows for ageing and dirt (CIE 97:2005); SP 52 states it as "
                        "the safety factor Kz = 1/MF: 0.8 for a clean room with LEDs (Kz 1.25), 0.7 normal "
                        "(Kz 1.4), 0.67 for a dusty workshop or warehouse (Kz 1.5)."),
    "tools.method.cable": ("Метод: u = b·(ρ1·L/S·cos φ + λ·L·sin φ)·I, Δu = 100·u/U0 (МЭК 60364-5-52, "
                           "приложение G); b = 2 для однофазной, 1 для трёхфазной линии; ρ1 = 0,0225 Ом·мм²/м "
                           "(медь), 0,036 (алюминий); λ = 0,08 мОм/м; U0 = 230 В. Пределы 3 % для освещения и 5 % "
                           "для прочих нагрузок (таблица G.52.1). Алюминий предлагается от 16 мм² (ПУЭ 7.1.34).",
                           "Method: u = b·(ρ1·L/S·cos φ + λ·L·sin φ)·I, Δu = 100·u/U0 (IEC 60364-5-52, Annex G); "
                           "b = 2 single-phase, 1 three-phase; ρ1 = 0.0225 Ω·mm²/m (copper), 0.036 (aluminium); "
                           "λ = 0.08 mΩ/m; U0 = 230 V. Limits: 3 % for lighting, 5 % for other loads "
                           "(table G.52.1). Aluminium is proposed from 16 mm² (PUE 7.1.34)."),
    # room types and their norms
    "tools.room.office": ("Офис: чтение, письмо, работа за компьютером — 500 лк", "Office: reading, writing, "
                          "computer work — 500 lx"),
    "tools.room.office.norm": ("EN 12464-1: офисы, письмо и обработка данных — 500 лк; СП 52, табл. 4.2: кабинеты, "
                               "рабочие комнаты — 300–500 лк", "EN 12464-1: offices, writing and data processing — "
                               "500 lx; SP 52, table 4.2: offices, work rooms — 300–500 lx"),
    "tools.room.meeting": ("Переговорная — 500 лк", "Meeting room — 500 lx"),
    "tools.room.meeting.norm": ("EN 12464-1: конференц-залы и переговорные — 500 лк",
                                "EN 12464-1: conference and meeting rooms — 500 lx"),
    "tools.room.classroom": ("Учебный класс — 500 лк", "Classroom — 500 lx"),
    "tools.room.classroom.norm": ("EN 12464-1:2021: классы — 500 лк (в редакции 2011 г. — 300); СП 52, табл. 4.2: "
                                  "классные комнаты — 400–500 лк", "EN 12464-1:2021: classrooms — 500 lx (300 in the "
                                  "2011 edition); SP 52, table 4.2: classrooms — 400–500 lx"),
    "tools.room.corridor": ("Коридор, проходы — 100 лк", "Corridor, circulation — 100 lx"),
    "tools.room.corridor.norm": ("EN 12464-1: коридоры и зоны движения — 100 лк; СП 52, табл. 4.2: коридоры — "
                                 "50–100 лк", "EN 12464-1: corridors and circulation areas — 100 lx; SP 52, "
                                 "table 4.2: corridors — 50–100 lx"),
    "tools.room.storage": ("Склад — 200 лк", "Warehouse — 200 lx"),
    "tools.room.storage.norm": ("EN 12464-1: складские помещения — 100 лк, зоны комплектации и упаковки — 300 лк; "
                                "СП 52: склады — 75–200 лк", "EN 12464-1: store rooms — 100 lx, dispatch and packing "
                                "— 300 lx; SP 52: warehouses — 75–200 lx"),
    "tools.room.workshop": ("Мастерская, цех — 300 лк", "Workshop — 300 lx"),
    "tools.room.workshop.norm": ("EN 12464-1: механообработка грубая и средняя — 200–500 лк; СП 52, табл. 4.1: "
                                 "по разряду зрительной работы", "EN 12464-1: rough and average machining — "
                                 "200–500 lx; SP 52, table 4.1: by the category of visual work"),
    "tools.room.retail": ("Торговый зал — 300 лк", "Sales area — 300 lx"),
    "tools.room.retail.norm": ("EN 12464-1: торговые залы — 300 лк; СП 52, табл. 4.2: торговые залы — 300–500 лк",
                               "EN 12464-1: sales areas — 300 lx; SP 52, table 4.2: sales floors — 300–500 lx"),
    "tools.room.parking": ("Крытая парковка — 75 лк", "Indoor car park — 75 lx"),
    "tools.room.parking.norm": ("EN 12464-1: парковки, проезды — 75 лк; СП 52: 20–75 лк",
                                "EN 12464-1: car parks, traffic lanes — 75 lx; SP 52: 20–75 lx"),
    "tools.mf.clean": ("0,8 — чистое помещение, светодиоды", "0.8 — clean room, LED"),
    "tools.mf.normal": ("0,7 — обычное помещение", "0.7 — normal room"),
    "tools.mf.dirty": ("0,67 — пыльный цех или склад", "0.67 — dusty workshop or warehouse"),
    # field problems
    "tools.error.required": ("Заполните поле.", "Fill this in."),
    "tools.error.number": ("Нужно число, например 2,5.", "A number is needed, e.g. 2.5."),
    "tools.error.range": ("Число от {low} до {high}.", "A number from {low} to {high}."),
    "tools.error.choice": ("Выберите один из вариантов.", "Choose one of the options."),
    "tools.error.section": ("Выберите стандартное сечение.", "Choose a standard cross-section."),
    "tools.error.sku": ("Такого артикула нет в каталоге.", "No product with this SKU in the catalogue."),
    "tools.error.flux_needed": ("Укажите световой поток или выберите светильник из каталога.",
                                "Enter the flux or choose a luminaire from the catalogue."),
    "tools.error.uf_needed": ("У этого светильника нет фотометрии: укажите коэффициент использования.",
                              "This luminaire has no photometry: enter the utilisation factor."),
    "tools.error.mounting": ("Светильник должен быть выше рабочей поверхности хотя бы на {least} м.",
                             "The luminaire must be at least {least} m above the working plane."),
    "tools.error.current_or_power": ("Укажите ток или мощность нагрузки.", "Enter the load current or power."),
    "tools.error.project": ("Назовите проект (до 120 знаков).", "Name the project (up to 120 characters)."),
    "tools.error.too_many": ("Сохранено слишком много расчётов: удалите ненужные.",
                             "Too many saved calculations: delete some you no longer need."),
    # saved calculations
    "tools.save": ("Сохранить в проект", "Save to a project"),
    "tools.field.project": ("Проект", "Project"),
    "tools.saved.title": ("Сохранённые расчёты", "Saved calculations"),
    "tools.saved.none": ("Сохранённых расчётов пока нет.", "No saved calculations yet."),
    "tools.saved.notice": ("Расчёт сохранён.", "The calculation is saved."),
    "tools.saved.deleted": ("Расчёт удалён.", "The calculation is deleted."),
    "tools.saved.kind.lumen": ("Освещённость", "Lighting"),
    "tools.saved.kind.cable": ("Падение напряжения", "Voltage drop"),
    "tools.saved.inputs": ("Исходные данные", "Inputs"),
    "tools.saved.print": ("Версия для печати", "Print version"),
    "tools.saved.print_hint": ("Для PDF выберите в окне печати «Сохранить как PDF».",
                               "For a PDF choose \"Save as PDF\" in the print dialog."),
    "tools.saved.delete": ("Удалить расчёт", "Delete the calculation"),
    "tools.saved.order": ("Оформить заказ: {count} шт. {sku}", "Turn into an order: {count} × {sku}"),
    "tools.saved.advice": ("Попросить совета у инженера клуба", "Ask the club's engineer for advice"),
    "tools.saved.advice_subject": ("Совет по расчёту «{project}»", "Advice on the calculation \"{project}\""),
    "tools.saved.saved_at": ("Сохранён {when}", "Saved {when}"),
    "tools.saved.all": ("Все сохранённые расчёты", "All saved calculations"),
    "tools.card.count": ("Сохранённых расчётов: {count}", "Saved calculations: {count}"),
}
