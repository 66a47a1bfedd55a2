"""Cases full of personal data, for proving that no export carries any of it.

Each case is made through the real services with a distinct value in every
personal field the registry declares (customer name, e-mail, phone, postal
address, IMEI, device serial, repair order, subject, description, remedy
sought) and in the rows beside it (a note, a message, the customer's comment on
a resolution and in the survey). `PERSONAL` lists every such value.
"""

from __future__ import annotations

from dataclasses import dataclass

from memnun.feedback.codes import Closure
from memnun.feedback.models import Feedback
from memnun.feedback.services.assessment import AssessmentInput
from memnun.feedback.services.customer_answers import customer_answer_record, survey_record
from memnun.feedback.services.intake import CustomerInput, IntakeInput, feedback_record
from memnun.feedback.services.lifecycle import (
    feedback_approve,
    feedback_close,
    feedback_propose,
    feedback_start,
)
from memnun.feedback.services.notes import message_send, note_add
from tests.casework import user
from tests.feedback.cases import at

FROM, TO = "2025-04-21", "2025-04-25"
# The product model as written: it reaches the Pareto by product, so it may start a formula.
FORMULA = '=HYPERLINK("http://evil.example/","Tıkla")'


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    address: str
    imei: str
    serial: str
    repair_order: str
    subject: str
    description: str
    remedy: str
    note: str
    message: str
    answer_comment: str
    survey_comment: str

    def values(self) -> list[str]:
        return list(vars(self).values())


PEOPLE = [
    Person("Işıl Öztürk", "isil.ozturk@example.com", "+905321234567",
           "Bağdat Caddesi 12 Kadıköy", "490154203237518", "SN-ĞÜŞ12345", "RO-2025-0042",
           "Ekranım çatladı", "Telefonum üç haftadır serviste bekliyor.",
           "Yeni cihaz istiyorum", "Müşteri sinirli, dikkat", "Parçanız yolda efendim",
           "Çözüm hiç içime sinmedi", "Çok yavaş ilerlediniz"),
    Person("Çağrı Şahin", "cagri.sahin@example.org", "+905559876543",
           "Atatürk Bulvarı 5 Çankaya", "356938035643809", "SN-ÇĞ-998877", "RO-2025-0777",
           "Şarj soketi bozuk", "Şarj olmuyor, iki kez gönderdim.",
           "Ücretsiz onarım", "Garanti dışı olabilir", "Cihazınız teslim alındı",
           "Fena değil", "İlgili ve nazik"),
]
PERSONAL = [value for person in PEOPLE for value in person.values()]


@dataclass
class Exported:
    istanbul: Feedback  # closed: agreed, surveyed 5
    ankara: Feedback  # open, not acknowledged
    formula: Feedback  # open, in Istanbul, its product a formula


def _record(person: Person, *, channel: str, when: str, office: str = "istanbul",
            actor: str = "agent", brand: str = "", product: str = "") -> Feedback:
    data = IntakeInput(
        type="complaint", channel=channel, office=office, subject=person.subject,
        description=person.description, remedy_sought=person.remedy,
        customer=CustomerInput(name=person.name, email=person.email, phone=person.phone,
                               address=person.address),
        privacy_notice=True, received_at=at(when), imei=person.imei,
        device_serial=person.serial, repair_order=person.repair_order, brand=brand,
        product=product,
    )
    return feedback_record(data=data, actor=user(actor)).feedback


def _fresh(feedback: Feedback) -> Feedback:
    feedback.refresh_from_db()
    return feedback


def exported_cases() -> Exported:
    one, two = PEOPLE
    istanbul = _record(one, channel="web", when="2025-04-21 10:00", brand="Samsung",
                       product="Galaxy Ürün S23")
    feedback_start(
        actor=user("reviewer"), feedback=istanbul, assignee="handler", now=at("2025-04-21 11:00"),
        assessment=AssessmentInput(severity="medium", safety_hazard=False,
                                   category="repair-delay"),
    )
    note_add(actor=user("handler"), feedback=_fresh(istanbul), body=one.note)
    message_send(actor=user("handler"), feedback=_fresh(istanbul), body=one.message)
    feedback_propose(
        actor=user("handler"), feedback=_fresh(istanbul), root_cause="Parça geç geldi.",
        root_cause_category="part-supply", corrective_action="İkinci tedarikçi.",
        resolution="Ekranınız değiştirilecek.", now=at("2025-04-21 14:00"),
    )
    feedback_approve(actor=user("reviewer"), feedback=_fresh(istanbul), now=at("2025-04-22 12:00"))
    customer_answer_record(feedback=_fresh(istanbul), accept=True, comment=one.answer_comment,
                           now=at("2025-04-22 14:00"))
    feedback_close(actor=user("handler"), feedback=_fresh(istanbul),
                   closure=Closure.CUSTOMER_AGREED, now=at("2025-04-22 15:00"))
    survey_record(feedback=_fresh(istanbul), score=5, comment=one.survey_comment,
                  now=at("2025-04-22 16:00"))

    ankara = _record(two, channel="letter", when="2025-04-23 11:00", office="ankara",
                     actor="quality", brand="Apple", product="iPhone 13")
    note_add(actor=user("quality"), feedback=ankara, body=two.note)
    message_send(actor=user("quality"), feedback=_fresh(ankara), body=two.message)
    formula = _record(one, channel="phone", when="2025-04-24 09:30", product=FORMULA)
    return Exported(istanbul=_fresh(istanbul), ankara=_fresh(ankara), formula=_fresh(formula))
