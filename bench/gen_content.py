"""Generate a realistic Partner Club project with N content pages, for benchmarking `club build`.

What it makes (deterministic for a given --seed):

* DIR/mkdocs.yml — a copy of the project's config (the nav stays valid: the club/ pages it names
  are generated too), DIR/themes — a symlink to the project's themes;
* DIR/content/ — home page (with `benefits`), the six section index pages, five club pages, the
  magazine issue index pages, and N content pages: ~30 % newsletters (three years, one folder per
  year), ~20 % magazine articles (~8 per issue folder), ~20 % technical, ~20 % analytics and
  ~10 % events (`starts`, `ends`, `city` or `online`, `capacity`).

Exactly N // 5 of the N pages are gated (`access: members`, some `registered`), each with a
`summary`, a public preview, a `<!-- more -->` line and a closed part of page-unique text. Every
body has 300-700 words of lighting-industry Russian, 2-4 `##` headings, a table, a list and 1-2
relative links to other generated pages. Titles (and so slugs) are unique. Closed parts are
written like any other text (the leak scan must cope with prose that shares phrases with public
pages).

Targets this content serves (checked by bench/build.py): per-page build time flat from 300 to
3000 pages, 3000 pages in <= 30 s, <= 100 KB of output per page.

Usage: python bench/gen_content.py 1000 [--out DIR] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import posixpath
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from site_builder.slugs import slugify  # noqa: E402

YEARS = (2024, 2025, 2026)
SHARES = {"newsletters": 0.3, "magazine": 0.2, "technical": 0.2, "analytics": 0.2}  # events: the rest
ARTICLES_PER_ISSUE = 8
CLUB_PAGES = {"benefits": "Возможности участников", "privileges": "Баллы и привилегии", "rules": "Правила клуба",
              "about-company": "О компании"}

TAGS = ["монтаж", "проектирование", "дистрибьюторам", "цены", "новинки", "склады", "офисы", "школы",
        "больницы", "улица", "промышленность", "торговля", "DALI", "аварийное освещение", "фотометрия",
        "энергоэффективность", "нормы", "кейсы", "обучение", "вебинары", "семинары", "аналитика",
        "тендеры", "логистика", "гарантия", "обслуживание", "датчики", "трековые системы", "фасады",
        "спорт"]
SEGMENTS = ["distributors", "designers", "installers", "end_customers"]
REGIONS = ["central", "northwest", "south", "volga", "ural", "siberia", "far_east"]
CITIES = [("Москва", "Москве"), ("Санкт-Петербург", "Санкт-Петербурге"), ("Казань", "Казани"),
          ("Екатеринбург", "Екатеринбурге"), ("Новосибирск", "Новосибирске"), ("Самара", "Самаре"),
          ("Нижний Новгород", "Нижнем Новгороде"), ("Краснодар", "Краснодаре"), ("Уфа", "Уфе"),
          ("Ростов-на-Дону", "Ростове-на-Дону"), ("Пермь", "Перми"), ("Воронеж", "Воронеже"),
          ("Красноярск", "Красноярске"), ("Владивосток", "Владивостоке"), ("Хабаровск", "Хабаровске"),
          ("Тюмень", "Тюмени"), ("Челябинск", "Челябинске"), ("Омск", "Омске"), ("Сочи", "Сочи"),
          ("Калининград", "Калининграде")]
TOPICS = ["Монтаж трековых систем", "Подключение DALI", "Аварийное освещение", "Освещение складов",
          "Уличное освещение", "Замена люминесцентных ламп", "Датчики присутствия", "Фотометрия IES и LDT",
          "Пульсация светового потока", "Цветовая температура", "Защита IP65 на объекте",
          "Тепловой режим драйверов", "Освещение школ", "Освещение офисов", "Освещение парковок",
          "Линейные светильники", "Промышленные светильники", "Подсветка фасадов", "Энергоаудит освещения",
          "Гарантийное обслуживание", "Светотехнический расчёт", "Управление светом", "Кабельные линии",
          "Освещение торговых залов", "Освещение спортивных залов", "Модернизация цехов",
          "Свет в медицинских учреждениях", "Тендерная документация", "Логистика поставок",
          "Сертификация светильников"]
ANGLES = ["опыт партнёров", "типичные ошибки", "пошаговая инструкция", "разбор объекта", "новые требования",
          "ответы инженеров", "цифры и выводы", "чек-лист монтажника", "советы проектировщику",
          "итоги сезона", "что изменилось", "вопросы с форума", "сравнение решений", "экономика проекта",
          "практика эксплуатации", "памятка дистрибьютору", "расчёт на примере", "мнение эксперта",
          "главное за месяц", "работа над ошибками"]
OBJECTS = ["Склад", "Школа", "Больница", "Бизнес-центр", "Цех", "Гостиница", "Торговый центр", "Стадион",
           "Паркинг", "Музей", "Библиотека", "Логистический комплекс", "Автосалон", "Бассейн", "Завод"]
STORIES = ["свет без теней", "минус 60 % на счетах", "монтаж за выходные", "новая жизнь старого здания",
           "освещение по нормам", "проект за две недели", "тишина вместо гула", "свет для ночной смены",
           "экономия без компромиссов", "как мы считали окупаемость", "свет, который не замечают"]
MARKETS = ["Рынок офисного освещения", "Рынок складского освещения", "Индекс цен на светильники",
           "Спрос на уличное освещение", "Тендеры на освещение", "Продажи через дистрибьюторов",
           "Рынок промышленных светильников", "Спрос на системы управления светом", "Импорт светодиодных модулей",
           "Рынок аварийного освещения"]
PERIODS = ["I квартал", "II квартал", "III квартал", "IV квартал", "первое полугодие", "второе полугодие"]
EVENT_KINDS = ["Семинар", "Академия монтажника", "Деловой завтрак", "Практикум", "Презентация новинок",
               "Круглый стол"]
SUBJECTS = ["линейный светильник", "монтажная бригада", "проектировщик", "драйвер с коррекцией мощности",
            "светодиодный модуль", "датчик присутствия", "система управления DALI", "аварийный блок",
            "трековая система", "заказчик", "дистрибьютор", "служба эксплуатации", "опаловый рассеиватель",
            "алюминиевый корпус", "инженер завода", "светотехнический расчёт", "промышленный светильник",
            "уличная консоль", "контроллер освещения", "новая линейка", "поворотный кронштейн",
            "гермоввод", "асимметричная оптика", "прожектор", "сертификат соответствия", "монтажник",
            "архитектор", "главный энергетик", "склад дистрибьютора", "технический отдел"]
VERBS = ["обеспечивает", "снижает", "повышает", "требует", "сокращает", "учитывает", "проверяет", "улучшает",
         "ограничивает", "определяет", "компенсирует", "сохраняет", "задаёт", "упрощает", "выдерживает",
         "показывает", "меняет", "поддерживает", "гарантирует", "уменьшает"]
OBJECTS_ACC = ["равномерную освещённость", "расход электроэнергии", "коэффициент пульсации", "срок окупаемости",
               "время монтажа", "нагрузку на сеть", "цветопередачу", "вертикальную освещённость",
               "тепловой режим", "световой поток", "затраты на обслуживание", "защиту от пыли и влаги",
               "стоимость владения", "качество света", "число отказов", "дискомфортную блёскость",
               "срок службы", "уровень шума", "согласованность групп", "точность расчёта",
               "сроки поставки", "объём закупок", "безопасность эвакуации", "гибкость управления",
               "визуальный комфорт", "цену за люмен", "схему подключения", "порядок испытаний"]
CIRCUMSTANCES = ["на складе площадью {n} м²", "при высоте подвеса {h} м", "в условиях низких температур",
                 "на объектах с круглосуточным режимом", "в течение {y} лет эксплуатации",
                 "без дополнительных затрат", "по сравнению с люминесцентными лампами", "в классах и коридорах",
                 "после замены старых светильников", "согласно действующим нормам",
                 "при температуре до минус {t} °C", "на линии длиной {h}0 м", "в цехе с мостовым краном",
                 "для групп до {n} светильников", "уже в первый месяц", "на {p} % быстрее",
                 "при напряжении сети от {v} В", "в торговом зале", "вдоль стеллажей высотой {h} м",
                 "на парковке под открытым небом", "по итогам {y} кварталов", "у большинства партнёров",
                 "на объектах в {city}", "даже при частых включениях", "в помещениях с повышенной влажностью"]
CONNECTORS = ["", "", "", "Кроме того,", "При этом", "На практике", "По данным партнёров,", "Как показывает опыт,",
              "В результате", "Поэтому", "Тем не менее", "Обычно", "Как правило,", "Важно, что",
              "По нашим измерениям,"]
HEADINGS = ["Задача", "Решение", "Результаты", "Что важно учесть", "Типичные ошибки", "Расчёт и проверка",
            "Монтаж на объекте", "Экономика проекта", "Выводы", "Требования норм", "Выбор оборудования",
            "Подготовка к монтажу", "Обслуживание", "Сравнение вариантов", "Отзывы партнёров",
            "Сроки и логистика", "Цифры", "Что дальше", "Вопросы и ответы", "Рекомендации",
            "Исходные данные", "Как это устроено", "Ограничения", "Пример из практики"]
METRICS = ["Средняя освещённость, лк", "Установленная мощность, кВт", "Потребление, тыс. кВт·ч",
           "Коэффициент пульсации, %", "Срок окупаемости, лет", "Время монтажа, ч", "Число светильников, шт.",
           "Затраты на обслуживание, тыс. руб.", "Индекс цветопередачи Ra", "Световая отдача, лм/Вт",
           "Доля объектов, %", "Средний чек, тыс. руб."]


@dataclass
class Plan:
    """One page to write: its place, front matter and what its body needs."""

    rel: str
    kind: str
    title: str
    meta: dict = field(default_factory=dict)
    gated: bool = False
    links: list[Plan] = field(default_factory=list)


class Generator:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = random.Random(seed)
        self.titles: set[str] = set()
        self.slugs: set[str] = set()

    # --- titles and metadata ---------------------------------------------------------------
    def unique_title(self, make) -> tuple[str, str]:
        """A title (from the `make` callable) whose slug no other page has; returns (title, slug)."""
        for attempt in range(200):
            title = make() if attempt < 100 else f"{make()} ({attempt})"
            slug = slugify(title)
            if title not in self.titles and slug not in self.slugs:
                self.titles.add(title)
                self.slugs.add(slug)
                return title, slug
        raise RuntimeError("could not find a unique title")

    def city(self) -> tuple[str, str]:
        return self.rng.choice(CITIES)

    def day(self, years: tuple[int, ...] = YEARS) -> date:
        start = date(years[0], 1, 1)
        span = (date(years[-1], 12, 31) - start).days
        return start + timedelta(days=self.rng.randrange(span))

    def common_meta(self, when: date | None) -> dict:
        rng = self.rng
        meta: dict = {}
        if when:
            meta["date"] = when
        if rng.random() < 0.6:
            meta["summary"] = self.sentence().rstrip(".")
        meta["tags"] = rng.sample(TAGS, rng.randint(1, 4))
        if rng.random() < 0.7:
            meta["segments"] = rng.sample(SEGMENTS, rng.randint(1, 3))
        if rng.random() < 0.4:
            meta["regions"] = rng.sample(REGIONS, rng.randint(1, 3))
        return meta

    # --- planning --------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        counts = {section: round(self.n * share) for section, share in SHARES.items()}
        counts["events"] = self.n - sum(counts.values())
        return counts

    def plan(self) -> tuple[list[Plan], list[Plan]]:
        """(the N content pages, the magazine issue index pages)."""
        counts = self.counts()
        pages = [self.newsletter() for _ in range(counts["newsletters"])]
        issues, articles = self.magazine(counts["magazine"])
        pages += articles
        pages += [self.catalogue_page("technical") for _ in range(counts["technical"])]
        pages += [self.catalogue_page("analytics") for _ in range(counts["analytics"])]
        pages += [self.event() for _ in range(counts["events"])]
        for index in self.rng.sample(range(len(pages)), self.n // 5):
            self.gate(pages[index])
        for index, page in enumerate(pages):
            page.links = [pages[j] for j in self.link_targets(index, len(pages))]
        return pages, issues

    def link_targets(self, index: int, total: int) -> set[int]:
        wanted = min(self.rng.randint(1, 2), total - 1)
        chosen: set[int] = set()
        while len(chosen) < wanted:
            chosen.add(self.rng.randrange(total))
            chosen.discard(index)
        return chosen

    def newsletter(self) -> Plan:
        title, slug = self.unique_title(
            lambda: f"{self.rng.choice(TOPICS)} в {self.city()[1]}: {self.rng.choice(ANGLES)}")
        when = self.day()
        return Plan(f"newsletters/{when.year}/{slug}.md", "newsletter", title, self.common_meta(when))

    def magazine(self, count: int) -> tuple[list[Plan], list[Plan]]:
        issues: list[Plan] = []
        articles: list[Plan] = []
        total = -(-count // ARTICLES_PER_ISSUE) if count else 0
        for number in range(1, total + 1):
            when = date(YEARS[0], 1, 15) + timedelta(days=(number - 1) * (3 * 365 // max(total, 1)))
            folder = f"magazine/{when.year}-{number:02d}"
            meta = {"date": when, "summary": self.sentence().rstrip("."), "issue": number}
            issues.append(Plan(f"{folder}/index.md", "issue", f"Журнал клуба, выпуск {number}", meta))
            for _ in range(min(ARTICLES_PER_ISSUE, count - len(articles))):
                articles.append(self.article(folder, when))
        return issues, articles

    def article(self, folder: str, when: date) -> Plan:
        rng = self.rng
        title, slug = self.unique_title(lambda: f"{rng.choice(OBJECTS)} {rng.randint(2, 40) * 500} м² "
                                                f"в {self.city()[1]}: {rng.choice(STORIES)}")
        return Plan(f"{folder}/{slug}.md", "article", title, self.common_meta(when))

    def catalogue_page(self, section: str) -> Plan:
        rng = self.rng
        if section == "analytics":
            title, slug = self.unique_title(
                lambda: f"{rng.choice(MARKETS)} в {self.city()[1]}: {rng.choice(PERIODS)} {rng.choice(YEARS)}")
        else:
            title, slug = self.unique_title(lambda: f"{rng.choice(TOPICS)}: {rng.choice(ANGLES)}, "
                                                    f"{rng.choice(OBJECTS).lower()} в {self.city()[1]}")
        return Plan(f"{section}/{slug}.md", section, title, self.common_meta(self.day()))

    def event(self) -> Plan:
        rng = self.rng
        online = rng.random() < 0.3
        city = self.city()
        kind = "Вебинар" if online else rng.choice(EVENT_KINDS)
        where = "" if online else f" в {city[1]}"
        title, slug = self.unique_title(lambda: f"{kind}{where}: {rng.choice(TOPICS).lower()}")
        starts = datetime.combine(self.day((*YEARS[1:], YEARS[-1] + 1)), datetime.min.time())
        starts += timedelta(hours=rng.choice((9, 10, 11, 14)))
        meta = self.common_meta(starts.date() - timedelta(days=30))
        meta["starts"] = f"{starts:%Y-%m-%d %H:%M}"
        meta["ends"] = f"{starts + timedelta(hours=rng.choice((2, 3, 8))):%Y-%m-%d %H:%M}"
        meta.update({"online": True} if online else {"city": city[0]})
        meta["capacity"] = rng.choice((20, 30, 50, 100, 500))
        return Plan(f"events/{slug}.md", "event", title, meta)

    def gate(self, page: Plan) -> None:
        page.gated = True
        page.meta["access"] = "registered" if self.rng.random() < 0.25 else "members"
        page.meta.setdefault("summary", self.sentence().rstrip("."))

    # --- text ------------------------------------------------------------------------------
    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(n=rng.randint(5, 120) * 100, h=rng.randint(3, 18), y=rng.randint(2, 12),
                               t=rng.randint(20, 55), p=rng.randint(10, 70), v=rng.randint(170, 200),
                               city=self.city()[1])

    def clause(self) -> str:
        rng = self.rng
        where = self.fill(rng.choice(CIRCUMSTANCES))
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS_ACC)} {where}"

    def sentence(self, closed: bool = False) -> str:
        rng = self.rng
        text = self.clause()
        if rng.random() < 0.35:
            text += f", а {self.clause()}"
        lead = rng.choice(CONNECTORS)
        text = f"{lead} {text}" if lead else text
        return text[0].upper() + text[1:] + "."

    def paragraph(self, low: int = 2, high: int = 5, closed: bool = False) -> str:
        return " ".join(self.sentence(closed) for _ in range(self.rng.randint(low, high)))

    def table(self, closed: bool = False) -> str:
        rng = self.rng
        rows = ["| Показатель | До | После | Изменение |",
                "| --- | ---: | ---: | ---: |"]
        for metric in rng.sample(METRICS, rng.randint(3, 6)):
            before, after = rng.randint(10, 900), rng.randint(10, 900)
            rows.append(f"| {metric} | {before} | {after} | {round(100 * (after - before) / before):+d} % |")
        return "\n".join(rows)

    def bullets(self, closed: bool = False) -> str:
        rng = self.rng
        items = [f"{rng.choice(OBJECTS_ACC)} {self.fill(rng.choice(CIRCUMSTANCES))}" for _ in range(rng.randint(3, 5))]
        return "\n".join(f"- {item};" for item in items)

    def link_sentence(self, page: Plan, target: Plan, closed: bool) -> str:
        href = posixpath.relpath(target.rel, posixpath.dirname(page.rel))
        # The words around a quoted title never follow or precede it elsewhere: 8-word runs that
        # span "title + next sentence" would otherwise match the target page's own public text.
        link = f"[«{target.title}»]({href})"
        return f"{self.sentence(closed)} Подробнее — в материале {link}, его рекомендуем прочитать целиком."

    def body(self, page: Plan) -> str:
        """300-700 words: preview, optional `<!-- more -->`, then 2-4 sections with table, list and links."""
        rng = self.rng
        target = rng.randint(300, 600)  # the last paragraph may add up to ~100
        head = [self.paragraph(2, 4)]
        if page.gated:
            head.append("<!-- more -->")
        closed = page.gated
        headings = rng.sample(HEADINGS, rng.randint(2, 4))
        sections = [[f"## {h}", self.paragraph(closed=closed)] for h in headings]
        sections[0].append(self.table(closed))
        sections[-1].append(self.bullets(closed))
        for link in page.links:
            rng.choice(sections).append(self.link_sentence(page, link, closed))
        while count_words(head, sections) < target:
            rng.choice(sections).insert(1, self.paragraph(closed=closed))
        return "\n\n".join(head + [block for section in sections for block in section]) + "\n"


def count_words(head: list[str], sections: list[list[str]]) -> int:
    return sum(len(block.split()) for block in head + [b for s in sections for b in s])


# --- writing -------------------------------------------------------------------------------

def yaml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def page_text(title: str, meta: dict, body: str) -> str:
    lines = [f"title: {yaml_value(title)}"]
    for key, value in meta.items():
        if key == "benefits":
            lines.append("benefits:")
            lines.extend(f"  - {yaml_value(item)}" for item in value)
        else:
            lines.append(f"{key}: {yaml_value(value)}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def write(content: Path, rel: str, text: str) -> None:
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def structural_pages(gen: Generator, pages: list[Plan]) -> dict[str, str]:
    """Home, section indexes and club pages: always public, short."""
    sections = {"newsletters": "Рассылки", "magazine": "Корпоративный журнал", "technical": "Технические материалы",
                "analytics": "Аналитика рынка", "events": "Мероприятия", "club": "О клубе"}
    # Fixed texts: `benefits` is shown in public but is not part of the text the leak scan treats as public.
    benefits = [{"title": t, "text": f"{t} — одна из возможностей участников клуба."}
                for t in ("Новости первыми", "Закрытая аналитика", "Форум коллег", "Баллы за закупки")]
    links = " ".join(f"[{label}]({key}/index.md)." for key, label in sections.items())
    files = {"index.md": page_text("Клуб партнёров Лиор", {"summary": gen.sentence(), "benefits": benefits},
                                   f"## Добро пожаловать\n\n{gen.paragraph()} {links}\n")}
    for key, label in sections.items():
        files[f"{key}/index.md"] = page_text(label, {"summary": gen.sentence(), "tags": [TAGS[0]]},
                                             gen.paragraph() + "\n")
    for name, title in CLUB_PAGES.items():
        files[f"club/{name}.md"] = page_text(title, {"summary": gen.sentence()},
                                             f"## {HEADINGS[0]}\n\n{gen.paragraph()}\n\n{gen.table()}\n")
    return files


def generate(n: int, out: Path, seed: int = 1) -> dict[str, int]:
    """Write the project into `out`; return counts by kind (plus 'files' and 'gated')."""
    gen = Generator(n, seed)
    pages, issues = gen.plan()
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    for rel, text in structural_pages(gen, pages).items():
        write(content, rel, text)
    for page in issues:
        write(content, page.rel, page_text(page.title, page.meta, gen.paragraph() + "\n"))
    for page in pages:
        write(content, page.rel, page_text(page.title, page.meta, gen.body(page)))
    shutil.copyfile(PROJECT / "mkdocs.yml", out / "mkdocs.yml")
    themes = out / "themes"
    if not themes.exists():
        themes.symlink_to(PROJECT / "themes", target_is_directory=True)
    counts: dict[str, int] = {}
    for page in pages + issues:
        counts[page.kind] = counts.get(page.kind, 0) + 1
    counts["gated"] = sum(page.gated for page in pages)
    counts["files"] = sum(1 for _ in content.rglob("*.md"))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=int, help="number of content pages (N)")
    parser.add_argument("--out", type=Path, help="project folder to write (default: a new temporary folder)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix=f"club-content-{args.pages}-"))
    out.mkdir(parents=True, exist_ok=True)
    counts = generate(args.pages, out, args.seed)
    print(out)
    print(", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
