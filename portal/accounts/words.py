"""Words of the cabinet's newsletter settings, the profile role and members import (ru, en)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "aud.field.job_role": ("Роль в компании", "Role in the company"),
    "aud.profile.topics_moved": ("Темы писем выбираются на странице", "Newsletter topics are chosen on the page"),
    "aud.newsletters.title": ("Рассылки клуба", "Club newsletters"),
    "aud.newsletters.lead": ("Письма клуба о новинках, акциях, нормативах и аналитике. Выберите, о чём вам писать; "
                             "отписаться можно здесь или по ссылке в любом письме.",
                             "The club's letters on new products, promotions, regulations and analytics. Choose "
                             "what to hear about; unsubscribe here or with the link in any letter."),
    "aud.newsletters.subscribe": ("Получать рассылки клуба", "Receive the club's newsletters"),
    "aud.newsletters.topics": ("Темы писем", "Topics"),
    "aud.newsletters.topics_hint": ("Не отмечено ни одной темы — присылаем письма на все темы.",
                                    "No topic ticked means letters on every topic."),
    "aud.newsletters.no_tracking": ("Не отслеживать открытия и переходы по ссылкам в моих рассылках",
                                    "Do not track opens and clicks in my newsletters"),
    "aud.newsletters.tracking_hint": ("Тогда в письмах не будет невидимой картинки, а ссылки поведут прямо на "
                                      "страницы сайта, без переадресации через клуб.",
                                      "Your letters then carry no invisible image, and links go straight to the "
                                      "site's pages instead of through the club's redirect."),
    "aud.newsletters.tracking_off_club": ("Сейчас клуб не отслеживает открытия и переходы ни у кого.",
                                          "The club currently tracks opens and clicks for nobody."),
    "aud.newsletters.save": ("Сохранить", "Save"),
    "aud.newsletters.settings": ("Настроить рассылки", "Newsletter settings"),
    "aud.back_to_cabinet": ("Вернуться в личный кабинет", "Back to my account"),
    "aud.summary.off": ("Вы не получаете рассылки клуба.", "You do not receive the club's newsletters."),
    "aud.summary.all": ("Вы получаете рассылки клуба на все темы.",
                        "You receive the club's newsletters on every topic."),
    "aud.summary.topics": ("Вы получаете рассылки клуба на темы: {topics}.",
                           "You receive the club's newsletters on: {topics}."),
    "aud.summary.no_tracking": ("Открытия и переходы в ваших письмах не отслеживаются.",
                                "Opens and clicks in your letters are not tracked."),
    "aud.bounce.note": ("Письма на адрес {email} не доставляются; проверьте адрес или свяжитесь с нами.",
                        "Letters to {email} are not delivered; check the address or contact us."),
    "aud.bounce.retry": ("Попробовать снова", "Try again"),
    "aud.bounce.retry_done": ("Следующую рассылку попробуем отправить на этот адрес снова.",
                              "We will try this address again with the next newsletter."),
}
