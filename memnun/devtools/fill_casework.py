"""What happened to a filled case after intake: its path through the lifecycle, and the
rows the services would have written on the way.

A case's path follows the moves of `feedback/moves.py` from `created` to its
status (start, propose, approve or send back, the customer's answer, close,
reopen), with times between receipt and now. Beside the stage timeline come
the assessment (category, severity), the assignment, every resolution proposal
with its review, the customer's answers, an occasional question to the
customer, compensation, the messages to the customer (first response,
decisions, external recourse) and the closing survey: the rows reports read.
Obligations follow the same path (`fill.py` derives their `met_at` from it).
Not written: audit events, internal notes, the outbox and staff alerts.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model

from memnun.accounts.models import User
from memnun.accounts.roles import Role
from memnun.feedback.codes import (
    AnswerChannel,
    Closure,
    CompensationKind,
    CompensationStatus,
    ProposalDecision,
    Severity,
    Status,
)
from memnun.feedback.escalation import DEFAULT_LADDER
from memnun.feedback.escalation_codes import EscalationReason
from memnun.feedback.escalation_models import Escalation
from memnun.feedback.models import (
    Assignment,
    CaseMessage,
    Compensation,
    CustomerAnswer,
    CustomerQuestion,
    ResolutionProposal,
    StageChange,
    SurveyAnswer,
)
from memnun.organisation.models import Category, Office, RootCauseCategory

S = Status
# Statuses in which progress updates are owed (obligations_follow_status).
WORKED = frozenset({S.CREATED, S.IN_PROGRESS, S.UNDER_REVIEW})
# Entering these tells the customer of the step, which restarts the update clock.
TOLD_OF = frozenset({S.IN_PROGRESS, S.UNDER_REVIEW})
HANDLERS_PER_OFFICE = 5

# Weights of the demo's categories; any other active category weighs 5.
CATEGORY_SHARE = {
    "repair-delay": 30, "repair-quality": 18, "parts": 15, "pricing": 12,
    "communication": 12, "staff-conduct": 6, "data-loss": 4, "battery-safety": 3,
}
ROOT_CAUSE_SHARE = {
    "part-supply": 25, "workmanship": 15, "diagnosis": 12, "process": 14, "information": 14,
    "training": 6, "logistics": 9, "product-defect": 5,
}
SEVERITIES = {Severity.LOW: 30, Severity.MEDIUM: 50, Severity.HIGH: 17, Severity.CRITICAL: 3}
# Satisfaction leans to the top of the scale, with a tail of unhappy customers.
SURVEY_SCORES = {1: 5, 2: 6, 3: 12, 4: 32, 5: 45}
SURVEY_SHARE = 0.30
PRODUCTS: dict[str, tuple[str, ...]] = {
    "samsung": ("Galaxy S24", "Galaxy S23", "Galaxy A54", "Galaxy A34", "Galaxy Tab S9"),
    "apple": ("iPhone 15", "iPhone 14", "iPhone 13", "iPad Air", "MacBook Air"),
    "xiaomi": ("Redmi Note 13", "Redmi 13C", "Xiaomi 14", "Poco X6"),
    "huawei": ("P60 Pro", "nova 11", "MatePad 11"),
    "oppo": ("Reno 11", "A78", "Find X6"),
    "lenovo": ("IdeaPad 5", "ThinkPad E14", "Tab M10"),
}
GENERIC_PRODUCTS = ("Akıllı telefon", "Tablet", "Dizüstü bilgisayar")
_RESOLUTIONS = (
    "Cihazınızın onarımı tamamlandı; gecikme için özür dileriz.",
    "Ücret farkı iade edildi.",
    "Parça değişimi ücretsiz yapıldı.",
    "Talebiniz değerlendirildi ve yanıtı size iletildi.",
)
_ROOT_CAUSES = (
    "Parça tedarikinde gecikme.", "Arıza tespiti eksik yapıldı.",
    "Müşteri süreç hakkında bilgilendirilmedi.", "Kargo firması teslimatı geciktirdi.",
)
_CORRECTIVE = (
    "Tedarikçiyle haftalık takip toplantısı başlatıldı.", "Teknisyenlere eğitim verildi.",
    "Bilgilendirme şablonu güncellendi.", "Kargo sözleşmesi gözden geçirildi.",
)
_FIRST_RESPONSES = (
    "Başvurunuzu inceliyoruz; cihazınız teknik ekibimizde.",
    "Parça siparişi verildi, gelişmeleri size bildireceğiz.",
    "Konuyu ilgili birimle görüşüyoruz; en kısa sürede döneceğiz.",
)
_RECOURSE = (
    "Başvurunuz için yapılabilecek her şey yapıldı. Karara katılmıyorsanız ilçenizdeki"
    " tüketici hakem heyetine, parasal sınırın üstünde tüketici mahkemesine başvurabilirsiniz."
)
_QUESTIONS = (
    "Cihazın seri numarasını iletebilir misiniz?", "Faturanızın bir kopyasını gönderir misiniz?",
)
_ANSWERS = ("Gönderdim.", "Seri numarası fotoğrafta.")


@dataclass(frozen=True)
class OfficeStaff:
    """Who works the cases of one office: ids of users whose roles may do each step."""

    handlers: tuple[int, ...]
    # May approve or send back: the office's reviewers and the quality managers.
    reviewers: tuple[int, ...]
    # May declare the options exhausted.
    quality: tuple[int, ...]


_FIRST_NAMES = ("Can", "Deniz", "Ece", "Gökhan", "İpek", "Oğuz", "Şule", "Tuğba", "Ümit")
_LAST_NAMES = ("Acar", "Bulut", "Erdoğan", "Güneş", "Koç", "Özdemir", "Polat", "Tekin")


def _user(username: str, role: str, office: Office | None, rng: random.Random) -> User:
    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "office": office, "first_name": first, "last_name": last,
                  "email": f"{username}@memnun.local"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def fill_staff(offices: Sequence[Office], *, seed: int) -> dict[int, OfficeStaff]:
    """The staff of each office, topped up with made-up handlers (`fill-<office>-<n>`,
    no usable password) so that work spreads over a handful of people, and a reviewer
    and a quality manager where there are none."""
    rng = random.Random(seed)
    active = User.objects.filter(is_active=True)
    quality = list(active.filter(role=Role.QUALITY, office__isnull=True).order_by("pk"))
    if not quality:
        quality = [_user("fill-quality", Role.QUALITY, None, rng)]
    staff: dict[int, OfficeStaff] = {}
    for office in offices:
        handlers = list(active.filter(role=Role.HANDLER, office=office).order_by("pk"))
        n = 1
        while len(handlers) < HANDLERS_PER_OFFICE:
            made = _user(f"fill-{office.code}-{n}", Role.HANDLER, office, rng)
            if made not in handlers and made.is_active and made.role == Role.HANDLER:
                handlers.append(made)
            n += 1
        reviewers = list(active.filter(role=Role.REVIEWER, office=office).order_by("pk"))
        if not reviewers:
            reviewers = [_user(f"fill-{office.code}-reviewer", Role.REVIEWER, office, rng)]
        staff[office.pk] = OfficeStaff(
            handlers=tuple(u.pk for u in handlers),
            reviewers=tuple(u.pk for u in reviewers + quality),
            quality=tuple(u.pk for u in quality),
        )
    return staff


@dataclass(frozen=True)
class Choices:
    """Configuration rows drawn from, read once per fill."""

    categories: tuple[Category, ...]
    category_weights: tuple[int, ...]
    root_causes: tuple[int, ...]
    root_cause_weights: tuple[int, ...]

    @classmethod
    def load(cls) -> Choices:
        categories = tuple(Category.objects.filter(is_active=True).order_by("code"))
        causes = tuple(RootCauseCategory.objects.filter(is_active=True).order_by("code"))
        return cls(
            categories=categories,
            category_weights=tuple(CATEGORY_SHARE.get(c.code, 5) for c in categories),
            root_causes=tuple(c.pk for c in causes),
            root_cause_weights=tuple(ROOT_CAUSE_SHARE.get(c.code, 5) for c in causes),
        )

    def category(self, rng: random.Random, *, complaint: bool, needed: bool) -> Category | None:
        """Most complaints are classified (all that go to review); a few other cases too."""
        if not self.categories:
            return None
        share = 1.0 if needed else (0.92 if complaint else 0.15)
        if rng.random() >= share:
            return None
        return rng.choices(self.categories, weights=self.category_weights)[0]

    def root_cause(self, rng: random.Random) -> int | None:
        if not self.root_causes:
            return None
        return rng.choices(self.root_causes, weights=self.root_cause_weights)[0]


def product_for(rng: random.Random, brand_code: str | None) -> str:
    if brand_code is None:
        return rng.choice(GENERIC_PRODUCTS) if rng.random() < 0.5 else ""
    return rng.choice(PRODUCTS.get(brand_code, GENERIC_PRODUCTS))


def _round(rng: random.Random) -> list[str]:
    # A proposal goes to review; one in ten is sent back and proposed again.
    return [S.UNDER_REVIEW, S.IN_PROGRESS, S.UNDER_REVIEW] if rng.random() < 0.10 else [
        S.UNDER_REVIEW
    ]


def path_draw(rng: random.Random, *, status: str, complaint: bool) -> list[str]:
    """The statuses a case entered after `created`, ending at `status` (moves.MOVES)."""
    if status == S.CREATED:
        return []
    path: list[str] = [S.IN_PROGRESS]
    # Only a complainant is asked to agree, and so only a complainant rejects.
    rejected = complaint and rng.random() < (0.10 if status in (S.RESOLVED, S.CLOSED) else 0.03)
    reopened = status in (S.CLOSED, S.IN_PROGRESS) and rng.random() < (
        0.03 if status == S.CLOSED else 0.01
    )
    if rejected:
        path += [*_round(rng), S.RESOLVED, S.IN_PROGRESS]
    if reopened:
        path += [*_round(rng), S.RESOLVED, S.CLOSED, S.IN_PROGRESS]
    if status == S.UNDER_REVIEW:
        path += _round(rng)
    elif status == S.RESOLVED:
        path += [*_round(rng), S.RESOLVED]
    elif status == S.CLOSED:
        if rejected and rng.random() < 0.4:
            path.append(S.CLOSED)  # options exhausted after the rejection
        else:
            path += [*_round(rng), S.RESOLVED, S.CLOSED]
    return path


def _spread(rng: random.Random, start: datetime, end: datetime, k: int) -> list[datetime]:
    """`k` increasing times strictly inside (start, end)."""
    span = (end - start).total_seconds()
    return [start + timedelta(seconds=span * u) for u in sorted(
        rng.uniform(0.02, 0.98) for _ in range(k)
    )]


def _steps(rng: random.Random, start: datetime, end: datetime, k: int) -> list[datetime]:
    """`k` increasing times after `start`, hours to days apart, squeezed before `end`."""
    gaps = [rng.uniform(0.05, 4.0) for _ in range(k)]
    room = (end - start).total_seconds() / 86400 * 0.95
    scale = min(1.0, room / sum(gaps)) if gaps and room > 0 else 0.0
    times, at = [], start
    for gap in gaps:
        at += timedelta(days=gap * scale)
        times.append(at)
    return times


@dataclass
class Story:
    """A case's path with its times, and the times the obligations read from it."""

    received: datetime
    path: list[str] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    responded: datetime | None = None
    # (asked, answered) of the one question to the customer, if any.
    question: tuple[datetime, datetime] | None = None

    def first(self, status: str) -> datetime | None:
        for st, at in zip(self.path, self.times, strict=True):
            if st == status:
                return at
        return None

    def told(self) -> list[datetime]:
        """When the customer was written to outside a step: the first response, a question."""
        written = [self.responded] if self.responded is not None else []
        return written + ([self.question[0]] if self.question else [])

    def update_clock(self) -> tuple[datetime, datetime | None]:
        """(started, met) of the progress-update obligation at the end of the path.

        Every word to the customer restarts it while it runs (a step they are told of,
        a message, a question); leaving the worked statuses meets it, coming back
        restarts it (obligations_customer_told, obligations_follow_status).
        """
        # At the same instant a message goes before the step (an approval's decision).
        events = sorted(
            [(at, 0, "") for at in self.told()]
            + [(at, 1, st) for st, at in zip(self.path, self.times, strict=True)]
        )
        started, met, before = self.received, None, str(S.CREATED)
        for at, _, st in events:
            if not st:
                if met is None:
                    started = at
                continue
            if st in TOLD_OF:
                started, met = at, None
            elif before in WORKED and st not in WORKED:
                met = at
            before = st
        return started, met


def story_draw(
    rng: random.Random, *, path: list[str], received: datetime, now: datetime,
    response_due: datetime, resolution_due: datetime,
) -> Story:
    """Times for a path: the first decision by the resolution deadline (some late), the
    first response before it, and later steps hours to days apart, never after now."""
    story = Story(received=received, path=path)
    if not path:
        return story
    span = max((resolution_due - received).total_seconds(), 60.0)
    first_resolved = min(received + timedelta(seconds=span * rng.uniform(0.05, 1.15)), now)
    if S.RESOLVED in path[:-1]:
        # Later steps need room before now.
        first_resolved = min(first_resolved, received + (now - received) * 0.9)
    span = max((response_due - received).total_seconds(), 60.0)
    responded = min(received + timedelta(seconds=span * rng.uniform(0.05, 1.15)), now)
    if S.RESOLVED in path:
        responded = min(responded, first_resolved)
    started = received + (responded - received) * rng.uniform(0.3, 0.95)
    if S.RESOLVED in path:
        k = path.index(S.RESOLVED)
        times = [started, *_spread(rng, started, first_resolved, k - 1), first_resolved]
        times += _steps(rng, first_resolved, now, len(path) - k - 1)
    else:
        times = [started, *_steps(rng, started, now, len(path) - 1)]
    story.times = times
    if len(path) > 1 and path[1] == S.UNDER_REVIEW and rng.random() < 0.05:
        asked, answered = _spread(rng, started, times[1], 2)
        story.question = (asked, answered)
        responded = min(responded, asked)  # a question is a written word to the customer
    story.responded = responded
    return story


def _closures(rng: random.Random, path: list[str], complaint: bool) -> list[str]:
    """How each `closed` of the path closed (lifecycle.feedback_close)."""
    found: list[str] = []
    for i, st in enumerate(path):
        if st != S.CLOSED:
            continue
        if path[i - 1] == S.IN_PROGRESS:
            found.append(Closure.OPTIONS_EXHAUSTED)
        elif not complaint:
            found.append(Closure.RESPONSE_SENT)
        else:
            found.append(
                Closure.CUSTOMER_AGREED if rng.random() < 0.92 else Closure.OPTIONS_EXHAUSTED
            )
    return found


class Rows:
    """The case-work rows of one batch, with ids given here (as `fill._Table` writes them)."""

    # In the order of their foreign keys.
    MODELS: Mapping[str, type[Model]] = {
        "stage": StageChange, "assignment": Assignment, "proposal": ResolutionProposal,
        "answer": CustomerAnswer, "question": CustomerQuestion, "compensation": Compensation,
        "survey": SurveyAnswer, "message": CaseMessage, "escalation": Escalation,
    }

    def __init__(self, next_ids: Mapping[str, int]) -> None:
        self.next_ids = dict(next_ids)
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.MODELS}

    def add(self, name: str, **row: Any) -> int:
        row_id = self.next_ids[name]
        self.next_ids[name] += 1
        self.rows[name].append({"id": row_id, **row})
        return row_id


# The default ladder's top internal level: a rejection or a reopening climbs no higher.
_TOP_INTERNAL = max(level.order for level in DEFAULT_LADDER if not level.external)


def _escalate(
    rows: Rows, feedback_id: int, level: int, reason: str, *, by: int | None, at: datetime
) -> int:
    """One rung up the default ladder, with its Escalation row (services/escalation.py)."""
    if level >= _TOP_INTERNAL:
        return level
    rows.add("escalation", feedback_id=feedback_id, reason=str(reason), from_level=level,
             to_level=level + 1, by_id=by, at=at)
    return level + 1


def _amount(rng: random.Random) -> Decimal:
    if rng.random() < 0.85:
        return Decimal(rng.randrange(100, 2000)).quantize(Decimal("0.01"))
    return Decimal(rng.randrange(2000, 9000)).quantize(Decimal("0.01"))


def casework_write(
    rng: random.Random, *, rows: Rows, story: Story, case: dict[str, Any], complaint: bool,
    staff: OfficeStaff, choices: Choices, category: Category | None, now: datetime,
) -> None:
    """Add the rows of a case's story to `rows` and its case-work fields to `case`."""
    feedback_id = case["id"]
    rows.add("stage", feedback_id=feedback_id, status=S.CREATED, at=story.received, by_id=None)
    path, times = story.path, story.times
    if not path:
        return
    assignee = rng.choice(staff.handlers)
    reviewer = rng.choice(staff.reviewers)
    started = times[0]
    severity = rng.choices(list(SEVERITIES), weights=list(SEVERITIES.values()))[0]
    case.update(
        assignee_id=assignee, assessed_at=started, severity=str(severity),
        category_id=category.pk if category else None,
        safety_hazard=bool(category and category.is_safety) or rng.random() < 0.01,
        immediate_action=severity == Severity.CRITICAL and rng.random() < 0.5,
    )
    rows.add("assignment", feedback_id=feedback_id, assignee_id=assignee,
             assigned_by_id=assignee, automatic=False, at=started)
    closures = _closures(rng, path, complaint)
    closed_so_far = 0
    closure, closed_at, escalation = "", None, 0
    proposal_id: int | None = None
    for i, (st, at) in enumerate(zip(path, times, strict=True)):
        before = path[i - 1] if i else S.CREATED
        after = path[i + 1] if i + 1 < len(path) else None
        after_at = times[i + 1] if i + 1 < len(path) else now
        by: int | None = assignee
        if st == S.UNDER_REVIEW:
            proposal_id = _proposal(
                rng, rows=rows, feedback_id=feedback_id, complaint=complaint, choices=choices,
                at=at, after=after, after_at=after_at, assignee=assignee, reviewer=reviewer,
            )
        elif st == S.RESOLVED:
            by = reviewer
            # The decision goes to the customer with its reasons (lifecycle.feedback_approve).
            rows.add("message", feedback_id=feedback_id, author_id=reviewer,
                     body=rng.choice(_RESOLUTIONS), visible_to_customer=True, created_at=at)
            if complaint and proposal_id is not None:
                agreed = after == S.CLOSED and closures[closed_so_far] == Closure.CUSTOMER_AGREED
                _answer(rng, rows=rows, feedback_id=feedback_id, proposal_id=proposal_id,
                        at=at, after=after, after_at=after_at, agreed=agreed, assignee=assignee)
        elif st == S.IN_PROGRESS and before == S.UNDER_REVIEW:
            by = reviewer  # sent back
        elif st == S.IN_PROGRESS and before == S.RESOLVED:
            # The customer rejected the resolution: the ladder's next level.
            escalation = _escalate(
                rows, feedback_id, escalation, EscalationReason.CUSTOMER_REJECTED, by=None, at=at
            )
            by = None
        elif st == S.IN_PROGRESS and before == S.CLOSED:
            escalation = _escalate(rows, feedback_id, escalation, EscalationReason.REOPENED,
                                   by=assignee, at=at)
            closure, closed_at = "", None
        elif st == S.CLOSED:
            closure, closed_at = closures[closed_so_far], at
            closed_so_far += 1
            if closure == Closure.OPTIONS_EXHAUSTED:
                by = rng.choice(staff.quality)
                rows.add("message", feedback_id=feedback_id, author_id=by, body=_RECOURSE,
                         visible_to_customer=True, created_at=at)
        rows.add("stage", feedback_id=feedback_id, status=st, at=at, by_id=by)
    # Every filled customer consents to the survey: each closure but a merge carries it.
    case.update(
        escalation_level=escalation, closure=str(closure), closed_at=closed_at,
        survey_sent_at=closed_at if closure != Closure.MERGED else None,
    )
    if story.responded is not None and story.responded not in (
        story.first(S.RESOLVED), story.question[0] if story.question else None
    ):
        # The first response: a written word to the customer before any decision.
        rows.add("message", feedback_id=feedback_id, author_id=assignee,
                 body=rng.choice(_FIRST_RESPONSES), visible_to_customer=True,
                 created_at=story.responded)
    if story.question is not None:
        asked, answered = story.question
        rows.add("question", feedback_id=feedback_id, question=rng.choice(_QUESTIONS),
                 asked_by_id=assignee, asked_at=asked, answer=rng.choice(_ANSWERS),
                 answered_at=answered, answer_channel=str(AnswerChannel.WEB),
                 recorded_by_id=None)
    if complaint and rng.random() < 0.04:
        _compensation(rng, rows=rows, feedback_id=feedback_id, story=story, now=now,
                      assignee=assignee, reviewer=reviewer)
    if path[-1] == S.CLOSED and rng.random() < SURVEY_SHARE:
        assert closed_at is not None
        at = min(closed_at + timedelta(days=rng.uniform(0.01, 5)), now)
        score = rng.choices(list(SURVEY_SCORES), weights=list(SURVEY_SCORES.values()))[0]
        rows.add("survey", feedback_id=feedback_id, score=score, comment="", at=at)


def _proposal(
    rng: random.Random, *, rows: Rows, feedback_id: int, complaint: bool, choices: Choices,
    at: datetime, after: str | None, after_at: datetime, assignee: int, reviewer: int,
) -> int:
    """The proposal that took the case to review, decided by the step that followed."""
    decision, decided_by, decided_at = ProposalDecision.PENDING, None, None
    if after is not None:
        decided_by, decided_at = reviewer, after_at
        decision = ProposalDecision.APPROVED if after == S.RESOLVED else ProposalDecision.SENT_BACK
    return rows.add(
        "proposal", feedback_id=feedback_id, proposed_by_id=assignee,
        # A complaint's classification is complete before review (R8.2a).
        root_cause=rng.choice(_ROOT_CAUSES) if complaint else "",
        root_cause_category_id=choices.root_cause(rng) if complaint else None,
        corrective_action=rng.choice(_CORRECTIVE) if complaint else "",
        resolution=rng.choice(_RESOLUTIONS), created_at=at, decision=str(decision),
        decided_by_id=decided_by, decided_at=decided_at,
        reason="Kök neden netleştirilmeli." if decision == ProposalDecision.SENT_BACK else "",
    )


def _answer(
    rng: random.Random, *, rows: Rows, feedback_id: int, proposal_id: int, at: datetime,
    after: str | None, after_at: datetime, agreed: bool, assignee: int,
) -> None:
    """The complainant's answer to an approved resolution: a rejection sends the case back
    to work, an agreement allows closing; some are still awaited."""
    if after == S.IN_PROGRESS:
        accept, answered = False, after_at
    elif agreed or (after is None and rng.random() < 0.25):
        accept, answered = True, _spread(rng, at, after_at, 1)[0]
    else:
        return
    by_web = rng.random() < 0.6
    rows.add(
        "answer", feedback_id=feedback_id, proposal_id=proposal_id, accept=accept,
        comment="" if accept else "Çözüm beni tatmin etmedi.",
        channel=str(AnswerChannel.WEB if by_web else AnswerChannel.PHONE),
        recorded_by_id=None if by_web else assignee, at=answered,
    )


def _compensation(
    rng: random.Random, *, rows: Rows, feedback_id: int, story: Story, now: datetime,
    assignee: int, reviewer: int,
) -> None:
    """Compensation recorded while the case was worked; above the handler's limit a
    reviewer approves it later."""
    end = story.first(S.RESOLVED) or story.first(S.CLOSED) or now
    proposed = _spread(rng, story.times[0], end, 1)[0]
    amount = _amount(rng)
    limit = settings.MEMNUN_COMPENSATION_LIMITS.get(Role.HANDLER)
    within = limit is None or amount <= Decimal(limit)
    rows.add(
        "compensation", feedback_id=feedback_id,
        kind=str(rng.choice([CompensationKind.REFUND, CompensationKind.FREE_REPAIR,
                             CompensationKind.VOUCHER, CompensationKind.REPLACEMENT])),
        amount=amount, legal_basis="6502 sayılı Tüketicinin Korunması Hakkında Kanun, m. 11",
        status=str(CompensationStatus.APPROVED), proposed_by_id=assignee, proposed_at=proposed,
        approved_by_id=None if within else reviewer,
        decided_at=proposed if within else min(proposed + timedelta(hours=rng.uniform(1, 48)), now),
    )
