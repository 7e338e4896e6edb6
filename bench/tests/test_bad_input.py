"""Bad input: one line on stderr, exit status 2, no traceback, nothing run."""

import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpers import SweepCase  # noqa: E402

from triobench_sweep import cli  # noqa: E402


class _Result:
    def __init__(self, returncode, stderr):
        self.returncode, self.stderr, self.stdout = returncode, stderr, ""


class BadInput(SweepCase):
    def check(self, args, *fragments, env=None, out=True):
        """bench/sweep itself, in a process of its own."""
        r = self.sweep(*args, env=env, out=out)
        self.assertOneLineError(r, *fragments)
        self.assertFalse(os.path.exists(os.path.join(self.out, "results.jsonl")))
        return r

    def check_options(self, args, *fragments):
        """Option errors, found before anything runs: the same entry point, called in this process (faster)."""
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = cli.main(self.sweep_cmd(*args)[1:])
        self.assertOneLineError(_Result(code, err.getvalue()), *fragments)
        self.assertFalse(os.path.exists(self.out))

    def test_unknown_kernel(self):
        self.check(["--kernels", "stencil,warp"], "unknown kernel 'warp'", "stencil")
        self.assertFalse(os.path.exists(self.out))           # the folder made for it is removed again

    def test_unknown_backend(self):
        self.check(["--backends", "serial,cuda"], "unknown backend 'cuda'")

    def test_bad_pe_lists(self):
        self.check(["--pes", "1,two"], "--pes")
        for bad in ("0", "1,,2", "-1"):
            self.check_options(["--pes", bad], "--pes")

    def test_bad_shapes_scaling_numbers(self):
        self.check_options(["--shapes", "2by2"], "--shapes")
        self.check_options(["--scaling", "medium"], "--scaling")
        self.check_options(["--reps", "0"], "--reps")
        self.check_options(["--reps", "many"], "--reps")
        self.check_options(["--timeout", "-5"], "--timeout")
        self.check_options(["--launcher", "pbs"], "--launcher")
        self.check_options(["--frobnicate"], "unrecognized arguments")
        self.check(["--size", "stencil=huge"], "stencil", "not an integer")

    def test_too_many_pes(self):
        self.check(["--kernels", "stencil", "--pes", "4096"], "--allow-oversubscribe")

    def test_unwritable_out_folder(self):
        blocker = os.path.join(self.tmp, "a-file")
        with open(blocker, "w") as f:
            f.write("x")
        self.check(["--out", os.path.join(blocker, "sub")], "cannot write to results folder", out=False)
        self.check(["--out", blocker], "is a file", out=False)

    def test_folder_already_holds_a_sweep(self):
        r = self.sweep("--kernels", "stencil", "--backends", "serial", "--reps", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.sweep("--kernels", "stencil", "--backends", "serial", "--reps", "1")
        self.assertOneLineError(r, "already holds a sweep", "--resume")

    def test_missing_launcher(self):
        onlypy = os.path.join(self.tmp, "onlypy")
        os.makedirs(onlypy)
        os.symlink(sys.executable, os.path.join(onlypy, "python3"))
        self.check(["--backends", "serial,mpi"], "mpirun not found", "apt-get install openmpi-bin",
                   "--backends serial,omp", env={"PATH": onlypy})
        self.check(["--launcher", "srun"], "srun not found", env={"PATH": onlypy})
        self.check(["--launcher", "hostfile"], "--hostfile")

    def test_malformed_and_unknown_preset(self):
        bad = os.path.join(self.tmp, "bad.toml")
        with open(bad, "w") as f:
            f.write('kernels = ["stencil"\nreps = 3\n')
        self.check(["--preset", bad], "malformed preset")
        with open(bad, "w") as f:
            f.write('reps = "three"\n')
        self.check_options(["--preset", bad], "'reps' must be an integer from 1 to 100000")
        self.check_options(["--preset", "nosuch"], "unknown preset 'nosuch'", "quick")

    def test_preset_not_utf8_or_too_deep(self):
        """Issue 16: a preset with invalid UTF-8 or nested too deep was a traceback."""
        bad = os.path.join(self.tmp, "bad.toml")
        with open(bad, "wb") as f:
            f.write(b'kernels = ["st\xffencil"]\n')
        self.check(["--preset", bad], "malformed preset: not UTF-8 text", out=False)
        with open(bad, "w") as f:
            f.write("a = " + "[" * 5000 + "]" * 5000 + "\n")
        self.check(["--preset", bad], "malformed preset: nested too deep", out=False)

    def test_timeout_not_finite(self):
        """Issue 16: --timeout inf or 1e400 was a traceback."""
        for value in ("inf", "1e400", "nan"):
            self.check_options(["--kernels", "stencil", "--timeout", value], "--timeout must be a positive number")

    def test_resume_misuse(self):
        self.check(["--resume", os.path.join(self.tmp, "nothing-here")], "holds no sweep", out=False)
        self.check_options(["--resume", self.tmp, "--kernels", "stencil"], "drop --kernels")



if __name__ == "__main__":
    unittest.main()
