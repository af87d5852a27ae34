"""A table as a route's answer, one way for every report route: JSON records (exact
decimals as plain text, NaN as null) under ``key`` next to what the answer is about, CSV
with the same text, or Parquet; the ``X-Planbook-Version`` header names the version read."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
from fastapi import Response

from planbook.facts import text_records
from server.formats import MEDIA_TYPES

__all__ = ["table_answer"]


def table_answer(
    frame: pd.DataFrame, fmt: str, meta: dict[str, Any], key: str = "rows"
) -> Response:
    """``frame`` as ``fmt`` (json, csv or parquet); ``meta`` (with the ``version``) heads
    the JSON answer."""
    headers = {"X-Planbook-Version": str(meta["version"])}
    if fmt == "parquet":
        sink = io.BytesIO()
        frame.to_parquet(sink, index=False)
        return Response(sink.getvalue(), media_type=MEDIA_TYPES["parquet"], headers=headers)
    records = text_records(frame)
    if fmt == "csv":
        text = pd.DataFrame(records, columns=frame.columns).to_csv(index=False)
        return Response(text, media_type=MEDIA_TYPES["csv"], headers=headers)
    return Response(
        json.dumps(meta | {key: records}), media_type=MEDIA_TYPES["json"], headers=headers
    )
