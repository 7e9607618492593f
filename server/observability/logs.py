"""Log lines: one JSON object a line (for a log collector), or plain text (for a person).

Every line written while a request is served carries its id, method, path and, once known,
who asks (``server.observability.requests``); the access line adds the status and duration.
The entry points hand ``logging_config`` to uvicorn, which applies it in every process it
starts (``saison serve --processes N``); the application itself never configures logging.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from server.observability.requests import CURRENT
from server.settings import Settings

# Attributes of a record that are the logging module's own, not fields a caller added.
# (uvicorn adds its message again, with terminal colours.)
_OWN = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}


def _request_fields() -> dict[str, Any]:
    context = CURRENT.get()
    if context is None:
        return {}
    return {
        "request_id": context.id,
        "method": context.method,
        "path": context.path,
        "user_id": context.user_id,
    }


class JsonFormatter(logging.Formatter):
    """time, level, logger, message; the request's fields; what the caller added (status,
    duration_ms); the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in _request_fields().items() if v is not None})
        entry.update(
            {k: v for k, v in record.__dict__.items() if k not in _OWN and not k.startswith("_")}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [request id] message``, for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(request)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        fields = _request_fields()
        record.request = f" [{fields['request_id']}]" if fields else ""
        extra = getattr(record, "duration_ms", None)
        text = super().format(record)
        return f"{text} ({extra} ms)" if extra is not None else text


def chosen_format(settings: Settings) -> str:
    if settings.log_format != "auto":
        return settings.log_format
    return "text" if sys.stderr.isatty() else "json"


def logging_config(settings: Settings, level: str | None = None) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of a serving process: everything to stderr in the
    chosen format; uvicorn's own access line off (Saison writes its own)."""
    formatter = JsonFormatter if chosen_format(settings) == "json" else TextFormatter
    threshold = (level or settings.log_level).upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"saison": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "saison",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": threshold},
        "loggers": {
            # uvicorn's loggers write to the root's handler, in the same format.
            "uvicorn": {"handlers": [], "level": threshold, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": threshold, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": True},
            # Alembic says at info which of its plugins it loads, on every start.
            "alembic": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }
