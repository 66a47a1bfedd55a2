"""K5, K12: the processor register and `memnun privacy inventory`, the VERBIS-style
processing inventory as XLSX, its data categories read from the personal-data registry."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import translation
from openpyxl import load_workbook

from memnun.audit.models import AuditEvent
from memnun.cli import main
from memnun.dataprotection.categories import CATEGORIES
from memnun.dataprotection.demo import demo_processors_load
from memnun.dataprotection.models import Processor
from memnun.dataprotection.services.processors import processor_save
from memnun.personaldata.fields import PersonalField

pytestmark = pytest.mark.django_db


def _sheet_rows(path: Path, title: str) -> list[list[str]]:
    book = load_workbook(path)
    return [[c if c is not None else "" for c in row] for row in book[title].iter_rows(
        values_only=True)]


def test_k12_the_inventory_lists_every_registry_category_with_recipients_and_transfers(
    demo: None, tmp_path: Path,
) -> None:
    demo_processors_load()
    out = tmp_path / "verbis.xlsx"
    stderr = io.StringIO()
    call_command("privacy_inventory", "--out", str(out), "--language", "en", stderr=stderr)
    assert f"wrote {out}" in stderr.getvalue()  # progress on stderr

    header, *rows = _sheet_rows(out, "Inventory")
    assert header == [
        "Process", "Purposes", "Data category", "Personal data", "Data subject group",
        "Legal basis", "Recipients", "Transfers abroad", "Retention", "Security measures",
    ]
    assert [r[2] for r in rows] == ["Identity", "Contact", "Customer transaction"]
    listed = ", ".join(r[3] for r in rows)
    # Every kind of the registry, under its VERBIS category; none invented.
    with translation.override("en"):
        for kind in PersonalField:
            assert str(CATEGORIES[kind].label) in listed
    contact = next(r for r in rows if r[2] == "Contact")
    assert contact[3] == "E-mail address, Phone number, Postal address"
    for row in rows:
        assert "Complaint and feedback handling" in row[0]
        assert "Customers" in row[4]
        assert "İleti SMS Ltd. (demo) (SMS delivery, TR)" in row[6]
        assert "Posta Servisi A.Ş. (demo) (E-mail delivery, TR)" in row[6]
        # Only the processor abroad is a transfer, with its mechanism.
        assert row[7] == "EuroCloud GmbH (demo) (Hosting, DE): Board standard contract"
        assert row[8] and "Two-factor" in row[9]

    header, *processors = _sheet_rows(out, "Processors")
    assert header[:5] == ["Processor", "Service", "Country", "Cloud region", "Transfer basis"]
    cloud = next(p for p in processors if p[0].startswith("EuroCloud"))
    assert cloud[2:7] == ["DE", "eu-central (Frankfurt)", "Board standard contract",
                          "2026-03-02", "2026-03-06"]
    assert len(processors) == 3


def test_k12_no_transfers_abroad_says_none(demo: None, tmp_path: Path) -> None:
    Processor.objects.create(name="Yerli Bulut", service="hosting", country="TR")
    out = tmp_path / "inventory.xlsx"
    call_command("privacy_inventory", "--out", str(out), "--language", "en",
                 stderr=io.StringIO())
    _, *rows = _sheet_rows(out, "Inventory")
    assert {r[7] for r in rows} == {"None"}


def test_k12_a_bad_path_is_a_message_and_exit_code_2(
    demo: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "inventory.xlsx"
    assert main(["privacy", "inventory", "--out", str(missing)]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert main(["privacy", "inventory", "--out", str(tmp_path / "inventory.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert not missing.exists()
    good = tmp_path / "inventory.xlsx"
    assert main(["privacy", "inventory", "--out", str(good), "--language", "en"]) == 0
    assert load_workbook(good).sheetnames == ["Inventory", "Processors"]


def test_k5_a_processor_abroad_needs_a_transfer_basis(demo: None) -> None:
    with pytest.raises(IntegrityError):
        Processor.objects.create(name="Cloud Inc.", service="hosting", country="US")


def test_k5_processors_are_edited_in_the_admin_and_audited(demo: None) -> None:
    from django.test import Client

    from memnun.accounts.models import User

    admin = User.objects.get(username="admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    form = {"name": "Cloud Inc.", "service": "hosting", "country": "us", "region": "us-east-1",
            "transfer_basis": "", "contract_date": "2026-05-01", "notified_on": "",
            "purpose": "Backups", "is_active": "on"}
    refused = client.post("/admin/dataprotection/processor/add/", form)
    assert refused.status_code == 200
    assert "Data processed abroad needs a transfer basis" in refused.content.decode()
    assert not Processor.objects.exists()
    added = client.post("/admin/dataprotection/processor/add/",
                        form | {"transfer_basis": "standard_contract"})
    assert added.status_code == 302
    cloud = Processor.objects.get()
    assert cloud.country == "US" and cloud.contract_date == date(2026, 5, 1)
    event = AuditEvent.objects.get(action="processor.added", object_id=str(cloud.pk))
    assert event.data["transfer_basis"] == "standard_contract"
    processor_save(actor="admin", processor=cloud, changed=["region"])
    assert AuditEvent.objects.filter(action="processor.changed").count() == 1


def test_k5_the_demo_has_its_processors_and_loads_twice(demo: None) -> None:
    from django.test import override_settings

    with override_settings(DEMO=True):
        call_command("load_demo", stdout=io.StringIO())
        call_command("load_demo", stdout=io.StringIO())
    assert sorted(Processor.objects.values_list("service", "country")) == [
        ("email", "TR"), ("hosting", "DE"), ("sms", "TR"),
    ]
