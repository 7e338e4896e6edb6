#!/usr/bin/env python3
"""report.html in a real browser (issue 12, "The report is a web page").

    check_report.py OUT_DIR [RESULTS_FOLDER]

Writes a plausible sweep (plots/tests/fixtures.py realistic(); or plots RESULTS_FOLDER) and its
report into OUT_DIR/report, then:
- every relative link of report.html (<img src>, <a href>) names a file that exists, every image
  is a valid PNG or SVG, every "#id" link has its target;
- headless Chromium (Debian's chromium) opens a copy of the page with a small script that marks
  each <img> loaded (complete, naturalWidth > 0) and measures the page's horizontal overflow;
  its --dump-dom must show every image loaded, at a laptop's width (1366 px) and a phone's (390 px),
  and no horizontal scrolling of the page (wide tables scroll inside themselves);
- screenshots at both widths, OUT_DIR/report-1366.png and OUT_DIR/report-390.png, for a person.
Exit 0 pass, 1 fail (one line per problem), 77 skip: no chromium or no matplotlib, unless
TRIOBENCH_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "plots", "tests"))

WIDTHS = ((1366, 900), (390, 844))
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
MARKER = """<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    var good = imgs[i].complete && imgs[i].naturalWidth > 0;
    imgs[i].setAttribute("data-tb-loaded", good ? "yes" : "no");
    if (good) ok++;
  }
  document.body.setAttribute("data-tb-images", ok + "/" + imgs.length);
  document.body.setAttribute("data-tb-overflow", String(document.documentElement.scrollWidth - window.innerWidth));
});
</script>"""


class Page(html.parser.HTMLParser):
    """The links, images, ids and the test marks of a page."""

    def __init__(self):
        super().__init__()
        self.images, self.links, self.ids, self.loaded, self.body = [], [], set(), [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "img":
            self.images.append(a.get("src") or "")
            self.loaded.append(a.get("data-tb-loaded"))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "body":
            self.body = a


def parse(text):
    p = Page()
    p.feed(text)
    return p


def valid_image(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    if path.endswith(".png"):
        return head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) > (0, 0)
    return path.endswith(".svg") and b"<" in head


def static_problems(page, folder):
    """Relative links to missing files, invalid images, anchors without a target."""
    out = []
    for src in page.images:
        path = os.path.join(folder, urllib.parse.unquote(src))
        if urllib.parse.urlparse(src).scheme or not os.path.isfile(path):
            out.append("image %s: no such file next to report.html" % src)
        elif not valid_image(path):
            out.append("image %s: not a valid PNG/SVG" % src)
    for href in page.links:
        url = urllib.parse.urlparse(href)
        if url.scheme in ("http", "https", "mailto"):
            continue
        if href.startswith("#"):
            if href[1:] not in page.ids:
                out.append("link %s: no element with that id" % href)
        elif not os.path.isfile(os.path.join(folder, urllib.parse.unquote(url.path))):
            out.append("link %s: no such file" % href)
    return out


def chromium():
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


def browse(browser, url, width, height, extra):
    with tempfile.TemporaryDirectory(prefix="tb-chromium-") as profile:
        cmd = [browser] + FLAGS + ["--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height),
                                   "--virtual-time-budget=10000"] + extra + [url]
        if os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")   # Chromium refuses to run as root with its sandbox
        return subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def make_report(out):
    import fixtures   # noqa: E402  (plots/tests: the same fixtures the plots' tests use)
    folder = fixtures.realistic(os.path.join(out, "sweep"))
    proc = subprocess.run(["sh", os.path.join(REPO, "plots", "plot"), folder, "--out", os.path.join(out, "report"),
                           "--quiet"], capture_output=True, text=True, timeout=600)
    return proc


def skip(reason):
    if os.environ.get("TRIOBENCH_REQUIRE_BROWSER") == "1":
        print("browser test: %s (TRIOBENCH_REQUIRE_BROWSER=1: failing)" % reason)
        return 1
    print("browser test: skipped: %s" % reason)
    return 77


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: check_report.py OUT_DIR [RESULTS_FOLDER]", file=sys.stderr)
        return 2
    out = os.path.abspath(argv[1])
    browser = chromium()
    if browser is None:
        return skip("chromium not found: apt-get install chromium")
    shutil.rmtree(os.path.join(out, "report"), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    if len(argv) == 3:
        proc = subprocess.run(["sh", os.path.join(REPO, "plots", "plot"), argv[2], "--out",
                               os.path.join(out, "report"), "--quiet"], capture_output=True, text=True, timeout=600)
    else:
        proc = make_report(out)
    if "matplotlib not found" in proc.stderr:
        return skip("no Python with matplotlib: the report has no images to check")
    if proc.returncode != 0:
        print("browser test: plots/plot failed (exit %d): %s" % (proc.returncode, proc.stderr.strip()[-500:]))
        return 1
    folder = os.path.join(out, "report")
    page_path = os.path.join(folder, "report.html")
    with open(page_path, encoding="utf-8") as fh:
        text = fh.read()
    page = parse(text)
    problems = static_problems(page, folder)
    if not page.images:
        problems.append("report.html has no <img>")
    if "Verdict" not in text[:text.find("<h2", text.find("Verdict") + 1)]:
        problems.append("report.html does not open with the Verdict section")
    probe = os.path.join(folder, "report-browser-check.html")   # a copy with the marking script
    with open(probe, "w", encoding="utf-8") as fh:
        fh.write(text.replace("</body>", MARKER + "</body>"))
    try:
        for width, height in WIDTHS:
            proc = browse(browser, "file://" + probe, width, height, ["--dump-dom"])
            dom = parse(proc.stdout)
            marks = dom.body.get("data-tb-images")
            if proc.returncode != 0 or marks is None:
                problems.append("chromium at %d px: no DOM (exit %d): %s" % (
                    width, proc.returncode, proc.stderr.strip().splitlines()[-1:] or ""))
                continue
            failed = [src for src, ok in zip(dom.images, dom.loaded) if ok != "yes"]
            if failed:
                problems.append("at %d px, %d of %d images did not load: %s" % (
                    width, len(failed), len(dom.images), ", ".join(failed[:5])))
            overflow = int(dom.body.get("data-tb-overflow") or 0)
            if overflow > 0:
                problems.append("at %d px the page scrolls sideways by %d px" % (width, overflow))
            shot = os.path.join(out, "report-%d.png" % width)
            proc = browse(browser, "file://" + page_path, width, height * 2, ["--screenshot=" + shot])
            if proc.returncode != 0 or not os.path.isfile(shot) or not valid_image(shot):
                problems.append("chromium at %d px: no screenshot (exit %d)" % (width, proc.returncode))
    finally:
        os.remove(probe)
    for p in problems:
        print("browser test: " + p)
    if problems:
        return 1
    print("browser test: %d images loaded and %d links resolve at %s px; screenshots: %s" % (
        len(page.images), len(page.links), " and ".join(str(w) for w, _ in WIDTHS),
        ", ".join(os.path.join(out, "report-%d.png" % w) for w, _ in WIDTHS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
