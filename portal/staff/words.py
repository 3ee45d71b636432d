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
