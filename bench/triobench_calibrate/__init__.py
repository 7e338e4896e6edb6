"""bench/calibrate: a SimGrid platform from this machine's measurements, and the simulation checked
against real runs (docs/calibration.md)."""
