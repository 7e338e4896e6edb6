"""The sweep's own lines on stderr, and its clock."""

import datetime
import sys


def say(text):
    print(text, file=sys.stderr, flush=True)


def warn(text):
    say(f"bench/sweep: warning: {text}")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
