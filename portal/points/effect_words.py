"""Words of the club-effect report (/staff/points/effect/) and its dashboard panel (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "points.effect.title": ("Окупается ли клуб", "Does the club pay for itself"),
    "points.effect.nav": ("Эффект клуба: участники против похожих клиентов",
                          "Club effect: members against look-alikes"),
    "points.effect.lead": (
        "Сравниваем закупки компаний до и после вступления в клуб с закупками похожих клиентов производителя, "
        "которые в клуб не вступали.",
        "Members' purchases before and after they joined the club, against those of the manufacturer's "
        "look-alike customers who never joined."),
    "points.effect.param.window": ("Месяцев до и после вступления", "Months before and after joining"),
    "points.effect.param.churn": ("Отток: месяцев без закупок", "Churn: months without a purchase"),
    "points.effect.show": ("Пересчитать", "Recalculate"),
    "points.effect.error.range": ("Целое число от {low} до {high}.", "A whole number from {low} to {high}."),
    "points.effect.method": ("Как считаем", "The method"),
    "points.effect.method_text": (
        "Для каждого участника берём {k} полных месяцев до месяца вступления и {k} после него (сам месяц "
        "вступления не считаем: он наполовину «до», наполовину «после»). Контрольная группа участника — "
        "клиенты производителя того же сегмента и региона, не вступившие в клуб; для них берём те же "
        "календарные месяцы, как будто они вступили вместе с ним, — так сезон и рынок вычитаются. Эффект "
        "(«разность разностей») = прирост средних закупок в месяц у участника минус средний прирост его "
        "контрольной группы, усреднённый по участникам. Частота — доля месяцев с закупкой. Отток — доля "
        "клиентов, покупавших раньше, но ни разу за последние {n} мес. Когорты — участники по кварталу "
        "вступления: сколько из них покупали в каждом месяце после вступления и сколько в среднем. Суммы — "
        "отгрузки производителя за вычетом сторно.",
        "For each member we take the {k} whole months before the month it joined and the {k} after it (the "
        "joining month itself is left out: it is half before, half after). A member's control group is the "
        "manufacturer's customers of the same segment and region who did not join; for them we take the same "
        "calendar months, as if they had joined with it, so the season and the market cancel out. The effect "
        "(difference-in-differences) = the member's rise in average monthly purchases minus the average rise "
        "of its control group, averaged over members. Frequency is the share of months with a purchase. Churn "
        "is the share of customers who bought before but not once in the last {n} months. Cohorts are members "
        "by the quarter they joined: how many bought in each month after joining, and how much on average. "
        "Sums are the manufacturer's shipments net of reversals."),
    "points.effect.caveats": ("Оговорки", "Caveats"),
    "points.effect.caveat.selection": (
        "Самоотбор: в клуб чаще вступают те, кто и так растёт. Часть «эффекта» может быть их собственным "
        "ростом; сравнение с похожими клиентами это уменьшает, но не устраняет. Это оценка, а не доказательство.",
        "Self-selection: companies that were growing anyway are the likelier to join. Part of the \"effect\" may "
        "be their own growth; comparing with look-alikes narrows this but does not remove it. An estimate, "
        "not a proof."),
    "points.effect.caveat.controls": (
        "Похожесть — только сегмент и регион: размер и история клиентов могут различаться.",
        "Look-alike means only the same segment and region: the customers' size and history may differ."),
    "points.effect.caveat.small": (
        "При малом числе компаний одно крупное изменение сдвигает итог: смотрите на количество компаний за "
        "каждым числом.",
        "With few companies, one large change moves the result: mind the number of companies behind each figure."),
    "points.effect.caveat.register": (
        "Сегмент и регион не вступивших клиентов известны только из реестра клиентов производителя; клиенты "
        "вне реестра в сравнение не попадают.",
        "Non-member customers' segment and region come only from the manufacturer's customer register; "
        "customers outside it are not compared."),
    "points.effect.data": (
        "Данные: {first} — {last}; участников {members}, клиентов-неучастников в реестре {others}, ИНН "
        "с отгрузками вне реестра и клуба {unregistered}.",
        "Data: {first} to {last}; {members} members, {others} non-member customers in the register, "
        "{unregistered} INNs with shipments in neither."),
    "points.effect.none": (
        "Пока не с чем сравнивать: нужны участники, вступившие не раньше начала данных плюс окно и не позже "
        "окна до прошлого месяца, и клиенты их сегмента и региона в реестре.",
        "Nothing to compare yet: it takes members who joined at least a window after the data begins and a "
        "window before last month, and customers of their segment and region in the register."),
    "points.effect.headline": (
        "Участники клуба стали закупать на {amount} ₽ в месяц больше, чем похожие клиенты "
        "(участников: {members}, похожих клиентов: {controls}).",
        "Club members came to buy {amount} roubles a month more than look-alike customers "
        "(members: {members}, look-alike customers: {controls})."),
    "points.effect.excluded": (
        "Не вошли: вступили недавно (окно «после» не закончилось) — {recent}; вступили слишком рано для окна "
        "«до» — {early}; нет похожих клиентов того же сегмента и региона — {lonely}.",
        "Left out: joined too recently (the after window is not over) — {recent}; joined too early for the "
        "before window — {early}; no look-alike customers of their segment and region — {lonely}."),
    "points.effect.section.did": ("Эффект: разность разностей", "Effect: difference-in-differences"),
    "points.effect.section.profile": ("Средние закупки по месяцам от вступления",
                                      "Average purchases by months from joining"),
    "points.effect.section.churn": ("Отток", "Churn"),
    "points.effect.section.cohort": ("Когорты по кварталу вступления", "Cohorts by quarter of joining"),
    "points.effect.row.before": ("В среднем в месяц, {k} мес. до, ₽", "A month on average, {k} months before, RUB"),
    "points.effect.row.after": ("В среднем в месяц, {k} мес. после, ₽", "A month on average, {k} months after, RUB"),
    "points.effect.row.change": ("Прирост в месяц, ₽", "Rise a month, RUB"),
    "points.effect.row.freq_before": ("Месяцев с закупкой до, %", "Months with a purchase before, %"),
    "points.effect.row.freq_after": ("Месяцев с закупкой после, %", "Months with a purchase after, %"),
    "points.effect.row.freq_change": ("Изменение частоты, п. п.", "Change in frequency, points"),
    "points.effect.row.churn": ("Отток, %", "Churn, %"),
    "points.effect.row.retention": ("покупали, %", "bought, %"),
    "points.effect.row.average": ("в среднем, ₽", "average, RUB"),
    "points.effect.col.section": ("Раздел", "Section"),
    "points.effect.col.measure": ("Показатель", "Measure"),
    "points.effect.col.members": ("Участники", "Members"),
    "points.effect.col.controls": ("Похожие клиенты", "Look-alikes"),
    "points.effect.col.difference": ("Разница", "Difference"),
    "points.effect.col.members_n": ("Компаний-участников", "Member companies"),
    "points.effect.col.controls_n": ("Похожих клиентов", "Look-alike customers"),
    "points.effect.col.offset": ("Месяц от вступления", "Month from joining"),
    "points.effect.col.quarter": ("Квартал вступления", "Quarter joined"),
    "points.effect.col.size": ("Компаний", "Companies"),
    "points.effect.bar_members": ("Участники, месяц {offset}: {amount} ₽", "Members, month {offset}: {amount} RUB"),
    "points.effect.bar_controls": ("Похожие клиенты, месяц {offset}: {amount} ₽",
                                   "Look-alikes, month {offset}: {amount} RUB"),
    "points.effect.chart_desc": (
        "Средние закупки в месяц участников и их похожих клиентов по месяцам до (минус) и после (плюс) "
        "вступления; те же числа — в таблице ниже.",
        "Members' and their look-alikes' average monthly purchases by months before (minus) and after (plus) "
        "joining; the table below has the same numbers."),
    "points.effect.churn_text": (
        "Ни одной закупки за последние {n} мес.: участники — {members}% ({members_churned} из {members_base}), "
        "клиенты вне клуба — {others}% ({others_churned} из {others_base}).",
        "No purchase in the last {n} months: members {members}% ({members_churned} of {members_base}), "
        "customers outside the club {others}% ({others_churned} of {others_base})."),
    "points.effect.cohort_hint": (
        "В ячейке: доля компаний когорты с закупкой в этом месяце после вступления (+0 — месяц вступления) и "
        "их средние закупки, ₽; месяцы, которые ещё не закончились, пусты.",
        "Each cell: the share of the cohort's companies with a purchase in that month after joining (+0: the "
        "joining month) and their average purchases, RUB; months not over yet are empty."),
    "points.effect.cell_title": ("Компаний: {observed}", "Companies: {observed}"),
    "points.effect.no_cohorts": ("Участников с известной датой вступления пока нет.",
                                 "No members with a joining date yet."),
    "points.effect.register": ("Реестр клиентов", "The customer register"),
    "points.effect.register_text": (
        "Сегмент, регион и дату вступления в клуб клиентов производитель присылает реестром: "
        "club points customers import ФАЙЛ.csv|xlsx (ИНН, наименование, сегмент, регион, «В клубе с»). "
        "Дата вступления участника — из реестра, а если её там нет — день, когда компания появилась на портале.",
        "The manufacturer sends its customers' segment, region and club joining date as a register: "
        "club points customers import FILE.csv|xlsx (INN, name, segment, region, joined). A member's joining "
        "date comes from the register, or else it is the day the company appeared on the portal."),
    "points.effect.registered": (
        "В реестре клиентов производителя: {name}. Если это не участник клуба, привязывать не нужно: отчёт "
        "«Окупается ли клуб» сравнивает с такими клиентами.",
        "In the manufacturer's customer register: {name}. If it is not a club member, leave it: the club-effect "
        "report compares members with such customers."),
    "points.effect.panel.did": ("Эффект клуба, ₽ в месяц на участника", "Club effect, RUB a month per member"),
    "points.effect.panel.note": ("Разность разностей против похожих клиентов; оценка, не доказательство",
                                 "Difference-in-differences against look-alikes; an estimate, not a proof"),
    "points.effect.panel.open_report": ("Отгрузок много: эффект считается в отчёте — откройте его по ссылке",
                                        "Too many shipments to compute here: open the report by the link"),
    "points.effect.panel.members": ("Участников в сравнении", "Members compared"),
}
