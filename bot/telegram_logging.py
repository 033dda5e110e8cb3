"""Keep the bot token out of every log line: quiet URL-printing loggers, redact the rest."""

from __future__ import annotations

import logging

# Loggers that print request URLs, and Bot API URLs carry the token.
_URL_LOGGERS = ("httpx", "httpcore")


class RedactFilter(logging.Filter):
    """Replaces `secret` in a record's message, arguments and traceback with a placeholder."""

    def __init__(self, secret: str, placeholder: str = "<token>") -> None:
        super().__init__()
        self.secret = secret
        self.placeholder = placeholder

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, self.placeholder)
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, self.placeholder)
        if record.stack_info:
            record.stack_info = record.stack_info.replace(self.secret, self.placeholder)
        return True


def protect_token(token: str) -> None:
    """Quiet the HTTP client loggers and attach a redacting filter to every root handler."""
    for name in _URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    redact = RedactFilter(token)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(redact)
