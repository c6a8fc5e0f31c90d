"""A save that fails leaves no file behind: not when its transaction is rolled back after
the files were written, and not when a full disk cuts a file short."""

import errno
import os

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import transaction

from core.files import FileChanges
from reports.models import AnnualReport
from reports.processing import FILE_FIELDS

from tests.media_builders import files_under, pdf_upload


class FillsTheDisk(File):
    """Content whose second chunk meets a full disk: the first is already written."""

    def __init__(self):
        super().__init__(None, name="bericht.pdf")

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.7\n" + b"0" * 4096
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.django_db
def test_a_file_cut_short_by_a_full_disk_is_removed(media_root):
    changes = FileChanges(default_storage, AnnualReport, FILE_FIELDS)
    with pytest.raises(OSError, match="No space left"):
        changes.write("jahresberichte", "bericht", "pdf", FillsTheDisk())
    assert files_under(media_root) == []
    assert changes.written == []


def end_of_request():
    request_finished.send(sender=None)


@pytest.mark.django_db(transaction=True)
def test_files_written_in_a_transaction_that_rolls_back_go_with_it(series, media_root):
    with pytest.raises(RuntimeError), transaction.atomic():
        report = AnnualReport(series=series, year=2022, file=pdf_upload())
        report.full_clean()
        report.save()  # the PDF and its covers are written here …
        assert len(files_under(media_root)) == 3
        raise RuntimeError("… and a later row of the same form fails")
    end_of_request()
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


@pytest.mark.django_db(transaction=True)
def test_files_of_a_committed_save_stay(series, media_root):
    with transaction.atomic():
        report = AnnualReport(series=series, year=2022, file=pdf_upload())
        report.full_clean()
        report.save()
    end_of_request()
    report.refresh_from_db()
    assert files_under(media_root) == sorted(
        [report.file.name, report.cover_webp.name, report.cover_fallback.name]
    )


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_takes_its_files_while_the_transaction_commits(series, media_root):
    with transaction.atomic():
        kept = AnnualReport(series=series, year=2021, file=pdf_upload())
        kept.full_clean()
        kept.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            dropped = AnnualReport(series=series, year=2022, file=pdf_upload())
            dropped.full_clean()
            dropped.save()
            raise RuntimeError("this row fails")
    end_of_request()
    assert list(AnnualReport.objects.values_list("year", flat=True)) == [2021]
    kept.refresh_from_db()
    assert files_under(media_root) == sorted(
        [kept.file.name, kept.cover_webp.name, kept.cover_fallback.name]
    )
