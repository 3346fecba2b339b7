"""CSV downloads that spreadsheets open safely.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel and LibreOffice
as a formula; anything people typed could then run as one ("CSV injection"). Such cells get a
leading apostrophe, which spreadsheets show as text. Numbers are written as numbers.
"""

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    # A byte-order mark so that Excel reads the UTF-8 (names with é, ë) correctly.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return response
