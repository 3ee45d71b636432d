"""Words of the gated site pages: the teaser's next step (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "teaser.title": ("Материал для участников клуба", "For club members"),
    "teaser.complete": ("Укажите компанию и телефон в профиле — и материал откроется полностью.",
                        "Add your company and phone in your profile and the full text opens."),
    "teaser.complete_button": ("Заполнить профиль", "Complete the profile"),
    "teaser.suspended": ("Участие приостановлено; закрытые материалы недоступны.",
                         "Your membership is suspended; closed materials are not available."),
}
