"""The ways people reach newsbot: the `newsbot` command, the console chat and the Telegram bot."""
