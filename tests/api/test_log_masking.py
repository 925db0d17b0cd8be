"""ID numbers never reach a log line."""

from __future__ import annotations

import logging

from yibao.cli.serve import MaskIds


def test_mask_filter_masks_message_and_args():
    rec = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                            '%s - "GET /x?id=%s"', ("127.0.0.1", "540102198504031234"), None)  # fmt: skip
    assert MaskIds().filter(rec)
    line = rec.getMessage()
    assert "540102198504031234" not in line and "5401**********1234" in line
