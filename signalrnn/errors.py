"""The one exception type that reaches users as a one-line message."""


class SignalrnnError(Exception):
    """A problem with the user's input: the message names the file or key and the fix."""
