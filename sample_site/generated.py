"""Generated news articles in any number, for the hostile test sites and the memory soak benchmark.

``generated_article(i, now)`` is article ``i`` of an endless made-up newspaper: the same ``i`` gives the
same article, and any two articles are far apart for the near-duplicate filter (their 5-word shingles
overlap by a few percent: every sentence draws several slots at random) and share no paragraph, so
the template-paragraph filter keeps them whole. Each has 180-320 words. ``russian=True`` writes it in
Russian (for the charset tests); the English text only uses characters Windows-1252 can encode.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sample_site.content import SampleArticle

SECTIONS = ("national", "business", "world", "sports", "science", "culture", "health", "environment")
FIRST = ("Ayesha", "Tom", "Nadia", "Luis", "Hannah", "Imran", "Grace", "Omar", "Priya", "Daniel", "Mei",
         "Kwame", "Sara", "Jonas", "Leila", "Victor", "Amina", "Pavel", "Rosa", "Tariq", "Elena", "Bilal")  # fmt: skip
LAST = ("Raza", "Whitfield", "Karim", "Moreno", "Becker", "Siddiqui", "Okafor", "Lindqvist", "Haddad",
        "Novak", "Castillo", "Fraser", "Qureshi", "Tanaka", "Mensah", "Ortiz", "Kowalski", "Baig")  # fmt: skip
PLACES = ("Port Saleh", "Karimabad", "Lakeview", "North Ridge", "Old Harbour", "Greenfield", "Stonebridge",
          "Westmere", "Millbrook", "Sandford", "Eastgate", "Redcliffe", "Harrowgate", "Kingsbay", "Ashford",
          "Fairhaven", "Bramley", "Coldwater", "Elmstead", "Highmoor", "Riverside", "Thornbury")  # fmt: skip
ORGS = ("the provincial assembly", "the water board", "the teachers' union", "the rail operator",
        "the flood commission", "the census office", "the central bank", "a solar start-up",
        "the port authority", "the stock exchange", "a dairy cooperative", "the national airline",
        "the hockey federation", "the football league", "a university research team", "the space agency",
        "the seed bank", "the weather service", "the marine biologists", "the city council",
        "the hospital trust", "the energy regulator", "the fishing cooperative", "the museum trustees",
        "the transport ministry", "the housing agency", "a children's charity", "the forestry service")  # fmt: skip
VERBS = ("approved", "unveiled", "postponed", "expanded", "questioned", "completed", "announced",
         "rejected", "revised", "defended", "suspended", "funded", "launched", "scaled back")  # fmt: skip
THINGS = ("a five-year plan", "its annual report", "a pilot project", "new safety rules", "a funding round",
          "a joint study", "a revised timetable", "a coastal defence scheme", "a bus network review",
          "a grain storage programme", "a literacy drive", "new fishing quotas", "a clinic expansion",
          "a bridge repair contract", "a tree planting campaign", "a data sharing pact", "a stadium upgrade",
          "a youth training scheme", "a drought response plan", "an archive digitisation project")  # fmt: skip
ROLES = ("a spokesperson", "the chair", "a senior engineer", "a local councillor", "the finance director",
         "an opposition member", "a union representative", "the project manager", "a resident",
         "a shopkeeper", "an economist", "a retired teacher", "the deputy mayor", "a farmer")  # fmt: skip
FEELINGS = ("cautiously optimistic", "frustrated", "relieved", "sceptical", "hopeful", "worried",
            "surprised", "encouraged", "unconvinced", "pleased")  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip

# Sentence templates: {o} organisation, {p}/{q} places, {t} thing, {v} verb, {r} role, {n}/{m} numbers,
# {d} day, {mo} month, {f} feeling, {who} a person. Slots are dense so sentences rarely repeat 5 words.
SENTENCES = (
    "{O} on {d} {v} {t}, a step {r} in {p} said had been discussed for {n} months.",
    "Speaking in {p}, {r} for {o} said {n} submissions had asked for a faster timetable.",
    "{Who}, who has followed {t} since {mo}, said residents of {p} felt {f} about the outcome.",
    "Critics in {q} argued that {t} left {n} questions open, chiefly about who pays for phase {m}.",
    "The figures published by {o} put the cost at {n} million, up {m} percent on the {mo} estimate.",
    "{R} told the meeting in {q} that {n} households would be affected before {mo}.",
    "According to {o}, {m} of the {n} sites inspected in {p} needed urgent work.",
    "{Who} said the team in {p} was {f}, but warned that {t} could still slip to {mo}.",
    "A vote on {t} is expected on {d}, when {o} meets in {q} for the {m}th time this year.",
    "In {p}, {n} people signed a petition asking {o} to publish its review of {t}.",
    "{O} {v} the proposal after {r} from {q} raised concerns about its {n}-page annex.",
    "Officials in {q} said {n} workers would be hired for {t}, most of them from {p}.",
    "{Who} described the {d} session as {f}, adding that {m} amendments were still pending.",
    "The last comparable project in {p}, completed in {mo}, ran {m} months late and {n} percent over budget.",
    "Residents of {q} have until {d} {m} {mo} to comment on {t} through the consultation office.",
    "{R} in {p} said {o} had answered {n} of the {m} written questions put to it.",
    "Traders in {p} reported {f} reactions, with {n} of {m} stalls closing early on {d}.",
    "The plan for {q} includes {n} new posts and a review by {o} every {m} months.",
    "{Who}, speaking for {o}, said the decision on {t} would be explained in {p} on {d}.",
    "Earlier this year {o} {v} a similar measure in {q}, which {n} residents opposed.",
    "Data from {o} show {n} incidents in {p} since {mo}, against {m} a year earlier.",
    "{R} said {t} would not have been possible without {n} volunteers from {q}.",
    "When asked about {t}, {who} said the {mo} deadline was {f} but achievable.",
    "Under the agreement {o} pays {n} million over {m} years, with an audit in {p}.",
    "A report for {o} found that {n} percent of homes in {q} lacked reliable supply in {mo}.",
    "Schools in {p} will close at noon on {d} so that {n} pupils can visit the {q} exhibition.",
    "{O} said it received {n} complaints from {q} last {mo}, most about delays to {t}.",
    "Engineers from {p} will start on {t} in {mo}, working in {m} shifts of {n} people.",
)
HEADLINES = (
    "{O} {v} {t} in {p}",
    "{P} waits as {o} {v} {t}",
    "{T} for {p}: {o} sets {mo} date",
    "{Who} on why {o} {v} {t}",
    "{N} jobs promised as {o} {v} {t} in {p}",
    "{P} residents {f} as {t} is {v}",
)

RU_PLACES = ("Новоселье", "Заречье", "Берёзовка", "Светлогорск", "Каменка", "Ольховка", "Сосновый Бор",
             "Приозёрск", "Лесной", "Красногорье", "Ивановка", "Старая Ладога")  # fmt: skip
RU_ORGS = ("городской совет", "областная администрация", "управление водоснабжения", "профсоюз учителей",
           "транспортная компания", "местный университет", "районная больница", "служба погоды",
           "портовое управление", "фермерский кооператив", "музейный совет", "лесное хозяйство")  # fmt: skip
RU_THINGS = ("пятилетний план", "ремонт моста", "новые правила безопасности", "строительство школы",
             "программу озеленения", "реконструкцию порта", "закупку автобусов", "расширение клиники",
             "проект водопровода", "модернизацию библиотеки")  # fmt: skip
RU_PEOPLE = ("Анна Смирнова", "Игорь Петров", "Мария Волкова", "Дмитрий Соколов", "Елена Морозова",
             "Сергей Лебедев", "Ольга Козлова", "Алексей Новиков")  # fmt: skip
RU_SENTENCES = (
    "{O} в понедельник одобрил {t}, который обсуждался в городе {p} уже {n} месяцев.",
    "По словам представителя, в {p} поступило {n} обращений от жителей за последние {m} недель.",
    "{Who} заявила, что жители посёлка {q} ждут результатов с осторожным оптимизмом.",
    "Критики из {q} считают, что {t} оставляет без ответа {n} важных вопросов.",
    "Стоимость работ оценивается в {n} миллионов рублей, что на {m} процентов больше прежней оценки.",
    "Как сообщил {o}, из {n} проверенных объектов в {p} срочного ремонта требуют {m}.",
    "Голосование назначено на четверг, когда {o} соберётся в {q} в {m}-й раз за год.",
    "В {p} более {n} человек подписали петицию с просьбой опубликовать отчёт о проекте.",
    "{Who} отметил, что работы в {p} начнутся весной и займут около {m} месяцев.",
    "Жители {q} могут направить свои замечания до {m} числа через общественную приёмную.",
    "По данным службы, с начала года в {p} зарегистрировано {n} случаев против {m} годом ранее.",
    "На реализацию проекта {o} выделит {n} миллионов рублей в течение {m} лет.",
)


def _fill(template: str, rng: random.Random, russian: bool) -> str:
    if russian:
        values = {
            "o": rng.choice(RU_ORGS),
            "p": rng.choice(RU_PLACES),
            "q": rng.choice(RU_PLACES),
            "t": rng.choice(RU_THINGS),
            "who": rng.choice(RU_PEOPLE),
        }
    else:
        values = {
            "o": rng.choice(ORGS),
            "p": rng.choice(PLACES),
            "q": rng.choice(PLACES),
            "t": rng.choice(THINGS),
            "v": rng.choice(VERBS),
            "r": rng.choice(ROLES),
            "f": rng.choice(FEELINGS),
            "d": rng.choice(DAYS),
            "mo": rng.choice(MONTHS),
            "who": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        }
    values.update(n=str(rng.randint(12, 4800)), m=str(rng.randint(2, 97)))
    values.update({k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in list(values.items())})
    return template.format(**values)


def generated_article(i: int, now: datetime, russian: bool = False) -> SampleArticle:
    """Article number ``i`` (published ``i`` hours before ``now``; the path carries ``i``)."""
    rng = random.Random(i * 7919 + (1 if russian else 0))
    section = SECTIONS[i % len(SECTIONS)]
    if russian:
        headline = _fill(rng.choice(RU_SENTENCES), rng, True).rstrip(".")
        author = rng.choice(RU_PEOPLE)
        slug = f"novosti-{section}-{100000 + i}"
        pool: tuple[str, ...] = RU_SENTENCES
    else:
        headline = _fill(rng.choice(HEADLINES), rng, False)
        author = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        words = "".join(c if c.isalnum() else " " for c in headline.lower()).split()
        slug = "-".join(words)[:60].strip("-") + f"-{100000 + i}"
        pool = SENTENCES
    paragraphs = []
    words_so_far = 0
    target = rng.randint(180, 300)
    while words_so_far < target:
        paragraph = " ".join(_fill(rng.choice(pool), rng, russian) for _ in range(rng.randint(2, 3)))
        paragraphs.append(paragraph)
        words_so_far += len(paragraph.split())
    return SampleArticle(
        index=i,
        section=section,
        slug=slug,
        headline=headline,
        author=author,
        published=(now - timedelta(hours=i + 1)).replace(microsecond=0),
        paragraphs=paragraphs,
        template="modern",
    )
