"""Words of the staff pages (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "staff.home_title": ("Сотрудникам клуба", "Club staff"),
    "staff.home_lead": ("Ваша роль — {role}. Инструменты, которые она открывает:",
                        "Your role is {role}. The tools it opens:"),
    "staff.home_empty": ("Для этой роли инструментов пока нет.", "No tools for this role yet."),
    "role.staff": ("менеджер клуба", "club manager"),
    "role.moderator": ("модератор", "moderator"),
    "role.editor": ("редактор", "editor"),
    "role.admin": ("администратор", "administrator"),
    "staff.title": ("Участники клуба", "Club members"),
    "staff.search": ("Найти", "Search"),
    "staff.suspend": ("Приостановить", "Suspend"),
    "staff.unsuspend": ("Возобновить", "Restore"),
    "staff.reason": ("Причина", "Reason"),
}

WORDS.update({
    "dashboard.title": ("Показатели клуба", "Club figures"),
    "dashboard.tools": ("Инструменты", "Tools"),
    "dashboard.period": ("Период", "Period"),
    "dashboard.kind.quarter": ("Квартал", "Quarter"),
    "dashboard.kind.month": ("Месяц", "Month"),
    "dashboard.kind.year": ("Год", "Year"),
    "dashboard.kind.custom": ("Свои даты", "Custom dates"),
    "dashboard.field.at": ("Дата внутри периода", "A day in the period"),
    "dashboard.field.from": ("С (для своих дат)", "From (custom dates)"),
    "dashboard.field.to": ("По (включительно)", "To (inclusive)"),
    "dashboard.form_hint": ("Квартал, месяц или год, в который входит дата (по умолчанию — сегодня); для своих "
                            "дат — начало и конец.", "The quarter, month or year that holds the day (today by "
                            "default); for custom dates, the first and the last day."),
    "dashboard.show": ("Показать", "Show"),
    "dashboard.error.kind": ("Выберите квартал, месяц, год или свои даты.",
                             "Choose a quarter, a month, a year or custom dates."),
    "dashboard.error.day": ("Нужна дата в виде ГГГГ-ММ-ДД, с 2000 по 2100 год.",
                            "A date as YYYY-MM-DD between the years 2000 and 2100 is needed."),
    "dashboard.error.order": ("Конец периода раньше начала.", "The period ends before it starts."),
    "dashboard.error.long": ("Период длиннее трёх лет: выберите короче.",
                             "The period is longer than three years: choose a shorter one."),
    "dashboard.compared": ("{period}; для сравнения — предыдущий период ({previous}) и тот же период год назад "
                           "({year}).", "{period}, compared with the previous period ({previous}) and the same "
                           "period a year before ({year})."),
    "dashboard.col.what": ("Показатель", "Figure"),
    "dashboard.col.row": ("Строка", "Row"),
    "dashboard.col.now": ("Период", "Period"),
    "dashboard.col.previous": ("Предыдущий", "Previous"),
    "dashboard.col.change": ("Изменение", "Change"),
    "dashboard.col.year": ("Год назад", "A year before"),
    "dashboard.col.change_year": ("К прошлому году", "Against last year"),
    "dashboard.col.unit": ("Единица", "Unit"),
    "dashboard.new": ("новое", "new"),
    "dashboard.pp": ("п. п.", "pp"),
    "dashboard.state": ("на конец периода", "at the period's end"),
    "dashboard.failed": ("Эти показатели сейчас недоступны; остальные — ниже и выше. Ошибка записана в журнал.",
                         "These figures are unavailable just now; the others are above and below. The error "
                         "is in the log."),
    "dashboard.chart_desc": ("Столбцы по строкам: тёмные — выбранный период, светлые — тот же период год назад. "
                             "Те же числа — в таблице ниже.", "Bars by row: dark for the chosen period, light "
                             "for the same period a year before. The same numbers are in the table below."),
    "dashboard.bar_now": ("{row}, период: {value}", "{row}, the period: {value}"),
    "dashboard.bar_year": ("{row}, год назад: {value}", "{row}, a year before: {value}"),
    "dashboard.table_of": ("Таблица: {chart}", "Table: {chart}"),
    "dashboard.no_rows": ("Нет данных за эти периоды.", "Nothing in these periods."),
    "dashboard.csv": ("Скачать CSV", "Download CSV"),
    "dashboard.xlsx": ("Скачать XLSX", "Download XLSX"),
})
