"""Exports of an event's or a date's orders (DATA-2): a PDF short list, an XLSX with one row
per ticket, and ZIP / tar.gz archives holding the XLSX and every uploaded file.

data.py reads the rows, xlsx.py / pdf.py / archive.py write them, services.py runs an export
(in the request when it is small, else as a task on the "exports" queue) and keeps its
progress on the Export row (models.py).
"""
