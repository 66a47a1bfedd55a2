"""The message kinds, the variables their templates may use, and sample values for previews.

The variables are the contract between the senders (feedback's messaging module)
and the templates (files, or an administrator's `MessageTemplate`). They are
plain values only: strings, numbers, dates, datetimes and lists of strings, never model
instances, so a template can reach nothing it was not given. Text that a
customer or a member of staff wrote (`feedback_subject`, `resolution_text`, …)
arrives as a variable and is escaped in HTML; it is never compiled as a template.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

_IST = ZoneInfo("Europe/Istanbul")

_COMMON: dict[str, Any] = {
    "reference": "26-000042-7",
    "tracking_url": "https://memnun.example/track/26-000042-7",
    "customer_name": "Işıl Öztürk",
    "office_name": "İstanbul",
    "feedback_subject": "Ekran değişimi <gecikti>",
    "feedback_type": "complaint",
    "feedback_type_label": "şikâyet",
    "delivery_channel": "email",  # email, sms or letter: the way this copy goes out
}

SAMPLES: dict[str, dict[str, Any]] = {
    "acknowledgement": {
        **_COMMON,
        "tracking_code": "ABCD-EFGH",
        "received_at": datetime(2026, 11, 27, 20, 0, tzinfo=_IST),
        "ack_due_at": datetime(2026, 11, 30, 15, 0, tzinfo=_IST),
        "resolution_due_at": datetime(2026, 12, 11, 18, 0, tzinfo=_IST),
        "channel": "web",
        "channel_label": "Web",
        # With the acknowledgement of written channels only (e-mail, letter, fax): the
        # privacy notice that could not come first; empty otherwise.
        "privacy_notice_version": "2026-12",
        "privacy_notice_text": "1. Veri sorumlusu\nMemnun Teknik Servis A.Ş. …",
        "privacy_notice_url": "https://memnun.example/privacy/",
    },
    "stage_changed": {
        **_COMMON,
        "status": "in_progress",
        "status_label": "İşlem sırasında",
        "changed_at": datetime(2026, 11, 30, 10, 15, tzinfo=_IST),
    },
    "resolution": {
        **_COMMON,
        "resolution_text": "Ekranınız ücretsiz değiştirildi.\nCihazınızı teslim alabilirsiniz.",
        "options": ["Tüketici hakem heyetine başvurabilirsiniz.", "Tüketici mahkemesi"],
        "agreement_url": "https://memnun.example/track/26-000042-7/agreement?t=…",
    },
    "reminder": {
        **_COMMON,
        "agreement_url": "https://memnun.example/track/26-000042-7/agreement?t=…",
        "resolved_at": datetime(2026, 12, 1, 11, 0, tzinfo=_IST),
        "reminder_number": 1,
    },
    "question": {
        **_COMMON,
        "question": (
            "Cihazınızı servise hangi tarihte teslim ettiniz?\nFişin fotoğrafını ekler misiniz?"
        ),
        "asked_at": datetime(2026, 11, 30, 10, 0, tzinfo=_IST),
        "answer_url": "https://memnun.example/track/26-000042-7/question?t=…",
    },
    "question_reminder": {
        **_COMMON,
        "question": "Cihazınızı servise hangi tarihte teslim ettiniz?",
        "asked_at": datetime(2026, 11, 30, 10, 0, tzinfo=_IST),
        "answer_url": "https://memnun.example/track/26-000042-7/question?t=…",
    },
    "closed": {
        **_COMMON,
        "survey_url": "https://memnun.example/track/26-000042-7/survey?t=…",
        "closed_at": datetime(2026, 12, 5, 16, 30, tzinfo=_IST),
    },
    "staff_alert": {
        **_COMMON,
        "staff_name": "Ayşe Demir",
        "alert_kind": "obligation_breached",
        "alert_label": "Süre aşıldı",
        "due_at": datetime(2026, 11, 30, 15, 0, tzinfo=_IST),
        "case_url": "https://memnun.example/admin/feedback/feedback/42/change/",
    },
    # To the owner of a CAPA action past its due date (feedback/services/capa_alerts.py).
    "capa_action_overdue": {
        "reference": "DÖF-2026-0007",
        "staff_name": "Mehmet Yıldız",
        "action_text": "Ekran tedarikçisiyle <haftalık> stok toplantısı başlatılacak.",
        "due_on": datetime(2026, 11, 27, tzinfo=_IST).date(),
        "capa_url": "https://memnun.example/desk/capa/DÖF-2026-0007",
    },
    # About a category × office × week, not a case: no reference (feedback/services/surges.py).
    "surge_alert": {
        "staff_name": "Ayşe Demir",
        "alert_label": "Şikâyetlerde ani artış",
        "office_name": "İstanbul",
        "category_label": "Onarım süresi",
        "week_start": datetime(2026, 11, 23, tzinfo=_IST).date(),
        "week_end": datetime(2026, 11, 29, tzinfo=_IST).date(),
        "count": 14,
        "norm": 4.5,
        "threshold": 9.7,
        "surges_url": "https://memnun.example/desk/reports/surges/?week=2026-11-23&office=istanbul",
        "delivery_channel": "email",
    },
    # To the personal-data contacts and quality managers as a breach's 72 hours to notify
    # the Board run out (dataprotection/services/breaches.py).
    "breach_alert": {
        "reference": "IHL-2026-0003",
        "staff_name": "Zeynep Kaya",
        "title": "Kayıp dizüstü bilgisayar <İzmir>",
        "aware_at": datetime(2026, 11, 27, 9, 30, tzinfo=_IST),
        "due_at": datetime(2026, 11, 30, 9, 30, tzinfo=_IST),
        "overdue": False,
        "breach_url": "https://memnun.example/desk/breaches/3",
    },
    # To the personal-data contacts as the answer to a data subject's request falls due
    # (30 days from receipt; dataprotection/services/subject_requests.py).
    "request_alert": {
        "reference": "BVR-2026-0007",
        "staff_name": "Zeynep Kaya",
        "right": "Silme",
        "received_at": datetime(2026, 11, 2, 10, 0, tzinfo=_IST),
        "due_at": datetime(2026, 12, 2, 10, 0, tzinfo=_IST),
        "overdue": False,
        "request_url": "https://memnun.example/desk/privacy/requests/7",
    },
    # To each person a breach touched (K11, Board Decision 2019/271): time, data
    # categories, likely consequences, measures and the contact point.
    "breach_notice": {
        "reference": "IHL-2026-0003",
        "customer_name": "Işıl Öztürk",
        "window_from": datetime(2026, 11, 20, 0, 0, tzinfo=_IST),
        "window_to": datetime(2026, 11, 26, 23, 59, tzinfo=_IST),
        "aware_at": datetime(2026, 11, 27, 9, 30, tzinfo=_IST),
        "data_categories": ["Ad soyad", "Telefon numarası"],
        "consequences": "Adınız ve telefon numaranız <yetkisiz> kişilerce görülmüş olabilir.",
        "measures": "Cihazın erişimi uzaktan kapatıldı; parolalar değiştirildi.",
        "contact": "kvkk@memnun.example",
    },
}

KINDS = tuple(SAMPLES)
LETTER_SAMPLE: dict[str, Any] = {
    "office_name": "İstanbul",
    "office_address": "Bağlarbaşı Mahallesi, Atatürk Caddesi No:134, Maltepe, TR-34848 İstanbul",
    "recipient_name": "Işıl Öztürk",
    "reference": "26-000042-7",
    "date": datetime(2026, 11, 30, 9, 0, tzinfo=_IST),
}
