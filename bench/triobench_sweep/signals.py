"""SIGINT and SIGTERM: a running job stops at once, a finished one is always recorded."""

import signal


class Interrupted(BaseException):
    """Ctrl-C (status 130) or SIGTERM (143)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


class Signals:
    """SIGINT/SIGTERM stop a running job at once, but never cut the recording of a finished one short."""

    def __init__(self):
        self.waiting = False
        self.pending = None
        self.saved = {}

    def handler(self, signum, frame):
        status = 130 if signum == signal.SIGINT else 143
        if self.waiting:
            raise Interrupted(status)
        self.pending = self.pending or status

    def install(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.saved[sig] = signal.signal(sig, self.handler)

    def restore(self):
        for sig, old in self.saved.items():
            signal.signal(sig, old)

    def check(self):
        if self.pending:
            raise Interrupted(self.pending)
