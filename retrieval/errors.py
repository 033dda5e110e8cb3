"""The project exception: errors a user can cause, with a message naming what is at fault."""


class NewsbotError(Exception):
    """A problem with user input (a file, a line, an option); the CLI prints it as one line."""
