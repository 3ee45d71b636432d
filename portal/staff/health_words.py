"""Words of the partner health table (ru, en): apart from words.py, so the dashboard's words and these merge
without touching each other."""

from __future__ import annotations

HEALTH_WORDS: dict[str, tuple[str, str]] = {
    "health.nav": ("Здоровье партнёров", "Partner health"),
    "health.title": ("Здоровье партнёров", "Partner health"),
    "health.lead": ("Все компании клуба со сводкой по каждому направлению. Нажмите на заголовок, чтобы "
                    "отсортировать.", "Every company of the club with a summary from each part of the club. "
                    "Click a heading to sort."),
    "health.col.name": ("Компания", "Company"),
    "health.col.segment": ("Сегмент", "Segment"),
    "health.col.region": ("Регион", "Region"),
    "health.manager": ("Менеджер", "Account manager"),
    "health.any": ("Любой", "Any"),
    "health.no_manager": ("Без менеджера", "No manager"),
    "health.drifting": ("Отдаляются", "Drifting away"),
    "health.drifting_only": ("Только отдаляющиеся", "Drifting only"),
    "health.drop": ("Закупки упали больше чем на, %", "Purchases down by more than, %"),
    "health.quiet": ("Нет контакта, дней", "No contact for, days"),
    "health.drifting_rule": ("Отдаляется компания, у которой закупки за последние 6 месяцев упали против "
                             "предыдущих 6, или не было контакта столько дней (или никогда), или падает NPS.",
                             "A company drifts when its purchases of the last 6 months fell against the 6 "
                             "before, or there was no contact for so many days (or ever), or its NPS is falling."),
    "health.apply": ("Показать", "Show"),
    "health.found": ("Компаний: {count}", "Companies: {count}"),
    "health.empty": ("Таких компаний нет.", "No such companies."),
    "health.bad.sort": ("Такого столбца для сортировки нет.", "There is no such column to sort by."),
    "health.bad.dir": ("Порядок — asc или desc.", "The order is asc or desc."),
    "health.bad.drop": ("Процент — целое число от 0 до 100.", "The percentage is a whole number from 0 to 100."),
    "health.bad.quiet": ("Дни — целое число от 1 до 3650.", "The days are a whole number from 1 to 3650."),
    "health.bad.page": ("Номер страницы — целое положительное число.", "The page is a whole positive number."),
}
