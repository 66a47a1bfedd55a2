"""Plausible feedback in bulk, for demos and benchmarks: never in production.

Rows are written with bulk inserts in batches, bypassing the services: a
million cases must take minutes, not hours. Each batch takes a block of
reference numbers by advancing the year's counter once, so references stay
unique and in the same format as those the intake gives. Deadlines and the
queue copies come from the same rules as intake (`memnun.feedback.deadline_rules`).
Each case also carries the work done on it as the services record it (stage
timeline, assessment, assignment, proposals, the customer's answers, messages,
closure, survey: `fill_casework.py`), with its obligations met where the path met
them. Each case gets its `feedback.created` audit event, appended through the
chain's own bulk API (`audit_record_many`, so `audit verify` holds; the events are
stamped at fill time, as that API stamps them). Not written: the audit events of
later steps, the outbox and staff alerts.

On PostgreSQL the rows go in with COPY (psycopg 3), elsewhere with executemany,
one transaction per batch; both write the same rows (`copy=False` forces the
second on PostgreSQL, for comparison).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Max, Model
from django.utils import timezone
from stdnum import luhn

from memnun.audit.chain import AuditEntry, audit_record_many
from memnun.devtools.fill_casework import (
    Choices,
    OfficeStaff,
    Rows,
    Story,
    casework_write,
    fill_staff,
    path_draw,
    product_for,
    story_draw,
)
from memnun.feedback.codes import (
    AckMethod,
    Channel,
    FeedbackType,
    Language,
    ObligationKind,
    Status,
)
from memnun.feedback.deadline_rules import INTAKE_KINDS, Deadlines, target_keys
from memnun.feedback.models import Customer, Feedback, Obligation
from memnun.feedback.references import reference_format, reference_numbers_take
from memnun.organisation.models import Brand, Office
from memnun.servicelevels.calendar import BusinessCalendar
from memnun.servicelevels.clock import business_seconds_between
from memnun.servicelevels.deadlines import Deadline, deadline_compute
from memnun.text import tr_fold

BATCH = 5000

# Shares seen at an after-sales service: most feedback comes by web, phone and e-mail.
CHANNELS: dict[str, int] = {
    Channel.WEB: 34, Channel.PHONE: 22, Channel.EMAIL: 15, Channel.FRONT_OFFICE: 10,
    Channel.SOCIAL_MEDIA: 8, Channel.DEALER: 5, Channel.FAX: 2, Channel.LETTER: 2,
    Channel.EMPLOYEE: 2,
}
TYPES: dict[str, int] = {
    FeedbackType.COMPLAINT: 62, FeedbackType.REQUEST: 18, FeedbackType.SUGGESTION: 12,
    FeedbackType.COMPLIMENT: 8,
}
# Recent cases are mostly still open; older ones mostly closed.
RECENT_STATUSES: dict[str, int] = {
    Status.CREATED: 30, Status.IN_PROGRESS: 40, Status.UNDER_REVIEW: 10, Status.RESOLVED: 10,
    Status.CLOSED: 10,
}
OLD_STATUSES: dict[str, int] = {
    Status.CREATED: 1, Status.IN_PROGRESS: 5, Status.UNDER_REVIEW: 2, Status.RESOLVED: 4,
    Status.CLOSED: 88,
}
OFFICE_SHARE = {"istanbul": 55, "ankara": 25, "izmir": 20}
_ACK_AT_INTAKE = {Channel.PHONE: AckMethod.PHONE, Channel.FRONT_OFFICE: AckMethod.IN_PERSON}
_ACK_BY_EMAIL = {Channel.WEB, Channel.EMAIL}
_FIRST = ["Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Mustafa", "Fatma", "Ahmet", "Işıl"]
_LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Doğan"]
# E-mail addresses are written in ASCII in practice ("ayse", not "ayşe").
_ASCII = str.maketrans("çğıöşü", "cgiosu")
_SUBJECTS = [
    "Onarım gecikti", "Ekran değişimi", "Batarya ısınıyor", "Ücret itirazı", "Parça bekleniyor",
    "Personel ilgisi için teşekkür", "Randevu talebi", "Bilgilendirme yetersiz",
]


@dataclass(frozen=True)
class FillProgress:
    done: int
    total: int
    seconds: float


def _weighted(rng: random.Random, weights: Mapping[str, int], n: int) -> list[str]:
    return [str(v) for v in rng.choices(list(weights), weights=list(weights.values()), k=n)]


def _imei(rng: random.Random) -> str:
    """A valid IMEI: 14 digits and their Luhn check digit."""
    body = f"35{rng.randrange(10**12):012d}"
    return body + luhn.calc_check_digit(body)


def _reserve_references(*, year: int, count: int) -> list[int]:
    """Take `count` of the year's reference numbers at once (the intake's own mechanism)."""
    with transaction.atomic():
        return reference_numbers_take(year=year, count=count)


def _received(rng: random.Random, now: datetime, days: int) -> datetime:
    # Two in three arrive in office hours on a weekday, the rest at any time.
    at = now - timedelta(seconds=rng.randrange(days * 86400))
    if rng.random() < 2 / 3:
        local = timezone.localtime(at)
        weekday_shift = max(0, local.weekday() - 4)
        local = local - timedelta(days=weekday_shift)
        local = local.replace(hour=rng.randrange(9, 18), minute=rng.randrange(60))
        at = min(local, now).astimezone(UTC)
    return at


def _between(rng: random.Random, start: datetime, end: datetime, now: datetime) -> datetime:
    """A time from `start` to a little past `end` (some promises are late), never after now."""
    span = max((end - start).total_seconds(), 60.0)
    return min(start + timedelta(seconds=span * rng.uniform(0.05, 1.15)), now)


class _Table:
    """Rows of one model with ids given here: COPY on PostgreSQL, else executemany.

    `bulk_create` prepares every value through its field (a few µs each) and,
    on SQLite, sends some thirty rows per statement; at a million cases that
    alone takes many minutes. Rows here are dicts of column values; columns
    left out get the field's default. On PostgreSQL the rows stream through one
    `COPY … FROM STDIN` per batch (psycopg 3 adapts the Python values), several
    times faster than INSERTs; with `copy=False` they go through executemany,
    as on SQLite, where datetimes are turned into Django's stored text here.
    """

    def __init__(self, model: type[Model], *, copy: bool) -> None:
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Names from the model's own metadata, values as parameters: nothing from input.
        table = qn(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.copy = copy and connection.vendor == "postgresql"
        self.values_of = itemgetter(*(f.attname for f in self.fields))
        self.datetimes = [i for i, f in enumerate(self.fields) if isinstance(f, DateTimeField)]
        self.next_id = (model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1
        self.model = model

    def ids(self, n: int) -> range:
        first = self.next_id
        self.next_id += n
        return range(first, first + n)

    def insert(self, rows: list[dict[str, Any]]) -> None:
        defaults, values_of = self.defaults, self.values_of
        values = [values_of(defaults | row) for row in rows]
        if self.copy:
            with connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
                for value in values:
                    copy.write_row(value)
            return
        if connection.vendor == "sqlite":
            values = [self._sqlite_times(v) for v in values]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)

    def _sqlite_times(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        adapted = list(values)
        for i in self.datetimes:
            if adapted[i] is not None:
                adapted[i] = _naive_utc_text(adapted[i])
        return tuple(adapted)


def _naive_utc_text(at: datetime) -> str:
    # What Django's SQLite backend stores; most times here are in UTC already.
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    # str() of the naive time, without building it: drop the "+00:00".
    return at.isoformat(" ")[:-6]


_KIND_ORDER = {kind: i for i, kind in enumerate(ObligationKind.values)}


# The tables a fill writes, in the order of their foreign keys.
_MODELS: dict[str, type[Model]] = {
    "customer": Customer, "feedback": Feedback, "obligation": Obligation, **Rows.MODELS,
}


@dataclass(frozen=True)
class _Clock:
    """One case's deadlines, by the intake's rules: the same keys, targets and arithmetic."""

    deadlines: Deadlines
    calendar: BusinessCalendar
    channel: str
    type: str
    safety: bool

    def due(self, kind: str, started_at: datetime, paused_seconds: int = 0) -> Deadline:
        keys = target_keys(kind=kind, channel=self.channel, type=self.type, safety=self.safety)
        return deadline_compute(
            target=self.deadlines.target(keys), calendar=self.calendar, started_at=started_at,
            paused_seconds=paused_seconds,
        )


@dataclass(frozen=True)
class _Setting:
    """What every batch of one fill draws from."""

    offices: list[Office]
    office_weights: list[int]
    brands: list[Brand]
    deadlines: Deadlines
    staff: dict[int, OfficeStaff]
    choices: Choices
    year: int
    now: datetime
    days: int


def _obligations_after(
    story: Story, *, clock: _Clock, due: dict[str, Deadline], ack_met: datetime | None
) -> dict[str, dict[str, Any]]:
    """Each obligation's row (but ids) as the services leave it at the end of the story;
    `due` holds the intake's deadlines and is brought up to date."""
    received = story.received
    paused: dict[str, int] = {}
    if story.question is not None:
        # The resolution clock stood still while the question was open.
        asked, answered = story.question
        paused[ObligationKind.RESOLUTION] = int(
            business_seconds_between(clock.calendar, asked, answered)
        )
        due[ObligationKind.RESOLUTION] = clock.due(
            ObligationKind.RESOLUTION, received, paused[ObligationKind.RESOLUTION]
        )
    update_started, update_met = story.update_clock()
    if update_started != received:
        due[ObligationKind.UPDATE] = clock.due(ObligationKind.UPDATE, update_started)
    met: dict[str, datetime | None] = {
        ObligationKind.ACKNOWLEDGEMENT: ack_met,
        ObligationKind.FIRST_RESPONSE: story.responded,
        ObligationKind.UPDATE: update_met,
        # The first decision given to the customer meets it, whatever followed.
        ObligationKind.RESOLUTION: story.first(Status.RESOLVED),
    }
    return {
        kind: {
            "target_key": deadline.target_key,
            "started_at": update_started if kind == ObligationKind.UPDATE else received,
            "due_at": deadline.due_at, "warn_at": deadline.warn_at, "met_at": met[kind],
            "paused_seconds": paused.get(kind, 0),
        }
        for kind, deadline in due.items()
    }


def _batch(
    *, rng: random.Random, n: int, setting: _Setting, seqs: list[int],
    tables: dict[str, _Table],
) -> None:
    now, deadlines = setting.now, setting.deadlines
    customer_ids = tables["customer"].ids(n)
    feedback_ids = tables["feedback"].ids(n)
    obligation_ids = iter(tables["obligation"].ids(len(INTAKE_KINDS) * n))
    work = Rows({name: tables[name].next_id for name in Rows.MODELS})
    customers, cases, obligations = [], [], []
    events: list[AuditEntry] = []
    channels = _weighted(rng, CHANNELS, n)
    types = _weighted(rng, TYPES, n)
    chosen = rng.choices(setting.offices, weights=setting.office_weights, k=n)
    for i in range(n):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        name = f"{first} {last}"
        customers.append({
            "id": customer_ids[i], "name": name,
            "email": f"{tr_fold(first).translate(_ASCII)}.{rng.randrange(10**6)}@example.com"
            if rng.random() < 0.8 else "",
            "phone": f"+90532{rng.randrange(10**7):07d}",
            "language": Language.ENGLISH if rng.random() < 0.05 else Language.TURKISH,
            "name_folded": tr_fold(name),
        })
        received = _received(rng, now, setting.days)
        recent = now - received < timedelta(days=30)
        status = _weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES, 1)[0]
        channel, office = channels[i], chosen[i]
        complaint = types[i] == FeedbackType.COMPLAINT
        path = path_draw(rng, status=status, complaint=complaint)
        # Assessed when work starts; every complaint that went to review has its category.
        category = setting.choices.category(
            rng, complaint=complaint, needed=complaint and Status.UNDER_REVIEW in path
        ) if path else None
        clock = _Clock(deadlines=deadlines, calendar=deadlines.calendar(office), channel=channel,
                       type=types[i], safety=bool(category and category.is_safety))
        due: dict[str, Deadline] = {kind: clock.due(kind, received) for kind in INTAKE_KINDS}
        ack = due[ObligationKind.ACKNOWLEDGEMENT]
        ack_met: datetime | None = None
        ack_method: str = ""
        if channel in _ACK_AT_INTAKE:
            ack_met, ack_method = received, _ACK_AT_INTAKE[Channel(channel)]
        elif status != Status.CREATED or rng.random() < 0.4:
            ack_met = _between(rng, received, ack.due_at, now)
            ack_method = AckMethod.EMAIL if channel in _ACK_BY_EMAIL else rng.choice(
                [AckMethod.PHONE, AckMethod.SMS, AckMethod.LETTER]
            )
        story = story_draw(
            rng, path=path, received=received, now=now,
            response_due=due[ObligationKind.FIRST_RESPONSE].due_at,
            resolution_due=due[ObligationKind.RESOLUTION].due_at,
        )
        owed = _obligations_after(story, clock=clock, due=due, ack_met=ack_met)
        met = {kind: o["met_at"] for kind, o in owed.items()}
        running = [(d.due_at, _KIND_ORDER[k], k, d) for k, d in due.items() if met[k] is None]
        first_due = min(running) if running else None
        subject = rng.choice(_SUBJECTS)
        brand = rng.choice(setting.brands) if setting.brands and rng.random() < 0.9 else None
        case: dict[str, Any] = {
            "id": feedback_ids[i],
            "reference": reference_format(year=setting.year, seq=seqs[i]),
            "tracking_code_hash": os.urandom(32).hex(),  # a code nobody holds
            "type": types[i], "channel": channel, "office_id": office.pk, "status": status,
            "subject": subject, "description": "Toplu doldurulmuş örnek kayıt.",
            "brand_id": brand.pk if brand else None,
            "brand_text": brand.name if brand else "",
            "product": product_for(rng, brand.code if brand else None),
            # Most devices brought in are identified by their IMEI (searchable).
            "imei": _imei(rng) if brand and rng.random() < 0.7 else "",
            "customer_id": customer_ids[i], "received_at": received, "recorded_at": now,
            "privacy_notice_version": "fill",
            "ack_due_at": ack.due_at, "ack_sent_at": ack_met, "ack_method": ack_method,
            "next_due_at": first_due[0] if first_due else None,
            "next_due_kind": first_due[2] if first_due else "",
            "next_warn_at": first_due[3].warn_at if first_due else None,
        }
        casework_write(
            rng, rows=work, story=story, case=case, complaint=complaint,
            staff=setting.staff[office.pk], choices=setting.choices, category=category, now=now,
        )
        cases.append(case)
        # What intake audits (no personal data), as of receipt.
        events.append(AuditEntry(
            actor="", action="feedback.created", object_type="feedback",
            object_id=case["reference"], data={"after": {
                "status": str(Status.CREATED), "type": case["type"], "channel": channel,
                "office": office.code, "brand": brand.code if brand else None,
                "received_at": received, "ack_due_at": ack.due_at,
                "obligations": {kind: d.due_at for kind, d in due.items()},
                "filled": True,
            }},
        ))
        for kind, obligation in owed.items():
            obligations.append({
                "id": next(obligation_ids), "feedback_id": feedback_ids[i], "kind": kind,
                **obligation,
            })
    with transaction.atomic():
        tables["customer"].insert(customers)
        tables["feedback"].insert(cases)
        tables["obligation"].insert(obligations)
        for name in Rows.MODELS:
            tables[name].next_id = work.next_ids[name]
            if work.rows[name]:
                tables[name].insert(work.rows[name])
        audit_record_many(events)


def feedback_fill(
    *, count: int, offices: list[str] | None = None, seed: int = 10002,
    now: datetime | None = None, days: int = 365, batch_size: int = BATCH,
    progress: Callable[[FillProgress], None] | None = None, copy: bool = True,
) -> int:
    """Write `count` plausible cases over the last `days` days; returns how many.

    `copy=False` writes with executemany on PostgreSQL too (the rows are the same)."""
    rng = random.Random(seed)
    now = now or timezone.now()
    chosen = list(Office.objects.filter(is_active=True).select_related("calendar"))
    if offices:
        chosen = [o for o in chosen if o.code in offices]
        unknown = set(offices) - {o.code for o in chosen}
        if unknown:
            raise ValueError(f"unknown offices: {', '.join(sorted(unknown))}")
    if not chosen:
        raise ValueError("no active office to fill; load the demo configuration first")
    setting = _Setting(
        offices=chosen, office_weights=[OFFICE_SHARE.get(o.code, 10) for o in chosen],
        brands=list(Brand.objects.filter(is_active=True).order_by("code")),
        deadlines=Deadlines(), staff=fill_staff(chosen, seed=seed), choices=Choices.load(),
        year=timezone.localtime(now).year, now=now, days=days,
    )
    tables = {name: _Table(model, copy=copy) for name, model in _MODELS.items()}
    began = time.perf_counter()
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        seqs = _reserve_references(year=setting.year, count=n)
        _batch(rng=rng, n=n, setting=setting, seqs=seqs, tables=tables)
        done += n
        if progress:
            progress(FillProgress(done, count, time.perf_counter() - began))
    _sequences_reset(list(_MODELS.values()))
    _statistics_refresh(list(_MODELS.values()))
    return done


def _sequences_reset(models: list[type[Model]]) -> None:
    # Ids were given here; PostgreSQL's sequences must continue after them.
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _statistics_refresh(models: list[type[Model]]) -> None:
    # PostgreSQL plans by its statistics, which autovacuum refreshes only some time after
    # a bulk insert: until then a report's aggregate can take minutes instead of seconds.
    # A filled database is read at once (benchmarks), so refresh them now, as autovacuum
    # would have on a database that grew over time. SQLite has no such statistics to age.
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
