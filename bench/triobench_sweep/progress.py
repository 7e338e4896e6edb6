"""Progress on stderr: a bar with run count, elapsed time, ETA and the current
configuration on a terminal; one plain line per finished run otherwise."""

import shutil
import sys
import time


def duration(seconds):
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    def __init__(self, total, stream=None, tty=None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self.walls = {}            # config_id -> observed wall times
        self.current = ""
        self.begun = self.start
        self.eta_at_begin = None
        self._drawn = False

    def estimate(self, config_ids):
        """Seconds left for these runs: each config's mean so far, else the mean of all runs so far."""
        every = [w for ws in self.walls.values() for w in ws]
        if not every:
            return None
        mean_all = sum(every) / len(every)
        total = 0.0
        for cid in config_ids:
            ws = self.walls.get(cid)
            total += sum(ws) / len(ws) if ws else mean_all
        return total

    def begin(self, label, remaining_ids):
        self.current = label
        self.begun = time.monotonic()
        self.eta_at_begin = self.estimate(remaining_ids)
        if self.tty:
            self._draw()

    def tick(self):
        if self.tty:
            self._draw()

    def _line(self):
        now = time.monotonic()
        eta = None if self.eta_at_begin is None else max(0.0, self.eta_at_begin - (now - self.begun))
        width = 20
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        return (f"[{bar}] {self.done}/{self.total} runs  {duration(now - self.start)} elapsed  "
                f"ETA {duration(eta)}  {self.current}")

    def _draw(self):
        cols = shutil.get_terminal_size((100, 20)).columns
        self.stream.write("\r\033[K" + self._line()[:max(10, cols - 1)])
        self.stream.flush()
        self._drawn = True

    def _clear(self):
        if self.tty and self._drawn:
            self.stream.write("\r\033[K")
            self._drawn = False

    def end(self, config_id, wall, text, failed):
        self.walls.setdefault(config_id, []).append(wall)
        self.done += 1
        if self.tty:
            if failed:
                self.message(f"{self.current}: {text}")
            else:
                self._draw()
        else:
            elapsed = duration(time.monotonic() - self.start)
            self.stream.write(f"[{self.done}/{self.total} {elapsed}] {self.current}: {text}\n")
            self.stream.flush()

    def message(self, text):
        self._clear()
        self.stream.write(text + "\n")
        if self.tty and self.current:
            self._draw()
        self.stream.flush()

    def close(self):
        self._clear()
        self.stream.flush()
