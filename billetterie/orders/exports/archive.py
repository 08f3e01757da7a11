"""ZIP and tar.gz archives of an export: the XLSX and every uploaded file (DATA-2).

Files are copied from private storage in chunks straight into the archive, which is
written to a temporary file: memory stays flat whatever the number and size of the files.
A file that vanished from storage meanwhile is left out (the XLSX already says "missing"
for files gone before the export started).
"""

import logging
import shutil
import tarfile
import time
import zipfile
from collections.abc import Callable

from django.core.files.storage import storages

from billetterie.orders.exports.data import StoredFile

logger = logging.getLogger(__name__)

SPREADSHEET_NAME = "export.xlsx"


def write_zip(target, xlsx_path: str, files: list[StoredFile], progress: Callable | None = None):
    storage = storages["private"]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(xlsx_path, SPREADSHEET_NAME)
        for done, item in enumerate(files, start=1):
            try:
                with storage.open(item.path, "rb") as source:
                    info = zipfile.ZipInfo(item.arcname, date_time=time.localtime()[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    with archive.open(info, "w", force_zip64=True) as sink:
                        shutil.copyfileobj(source, sink, 1024 * 1024)
            except (FileNotFoundError, OSError):
                logger.warning("export: uploaded file %s is gone, left out", item.path)
            if progress:
                progress(done, len(files))


def write_tgz(target, xlsx_path: str, files: list[StoredFile], progress: Callable | None = None):
    storage = storages["private"]
    with tarfile.open(fileobj=target, mode="w:gz") as archive:
        archive.add(xlsx_path, arcname=SPREADSHEET_NAME, recursive=False)
        for done, item in enumerate(files, start=1):
            try:
                size = storage.size(item.path)
                with storage.open(item.path, "rb") as source:
                    info = tarfile.TarInfo(item.arcname)
                    info.size = size
                    info.mtime = int(time.time())
                    info.mode = 0o644
                    archive.addfile(info, source)
            except (FileNotFoundError, OSError):
                logger.warning("export: uploaded file %s is gone, left out", item.path)
            if progress:
                progress(done, len(files))
