"""Backup and restore: a round trip gives back every table and every file."""

import hashlib
import io

import pytest
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.core.backup import _models
from tuijin.projects.models import Project, ProjectDocument


def snapshot():
    digest = {}
    for model in _models():
        rows = model._base_manager.order_by("pk")
        text = serializers.serialize("json", rows)
        digest[model._meta.label_lower] = (rows.count(), hashlib.sha256(text.encode()).hexdigest())
    return digest


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_table_and_file(cast, make_project, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = make_project(name="备份测试项目")
    doc = ProjectDocument(project=project, kind="proposal", title="项目建议书", uploaded_by=cast.office)
    doc.file.save("proposal.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    before = snapshot()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    Project.objects.filter(pk=project.pk).update(name="改坏了")
    doc.file.delete(save=False)
    call_command("restore", str(archive), "--yes", stdout=io.StringIO())

    assert snapshot() == before
    restored = ProjectDocument.objects.get(pk=doc.pk)
    assert restored.file.read() == b"%PDF-1.4 test"
    assert Project.objects.get(pk=project.pk).name == "备份测试项目"
    # new rows after a restore get fresh keys
    assert make_project().pk > project.pk


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="not a Tuijin backup"):
        call_command("restore", str(bogus), "--yes")


@pytest.mark.django_db(transaction=True)
def test_times_come_back_to_the_microsecond(cast, tmp_path, settings):
    """Django's JSON keeps milliseconds: 10:00:00.000400 came back as 10:00:00 and 12.345678 as
    12.345. A backup keeps every digit."""
    import datetime as dt

    from tuijin.orgs.models import User

    settings.MEDIA_ROOT = tmp_path / "media"
    moments = {"office": dt.datetime(2026, 3, 1, 10, 0, 0, 400, tzinfo=dt.UTC),
               "kuangyan": dt.datetime(2026, 3, 1, 10, 0, 12, 345678, tzinfo=dt.UTC)}
    for username, moment in moments.items():
        User.objects.filter(username=username).update(date_joined=moment, password_changed_at=moment)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    User.objects.filter(username__in=moments).update(date_joined=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    for username, moment in moments.items():
        user = User.objects.get(username=username)
        assert (user.date_joined, user.password_changed_at) == (moment, moment)
