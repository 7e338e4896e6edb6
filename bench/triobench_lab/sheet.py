"""An answer sheet: the lab's questions, each answered from the student's records, as Markdown
and as one self-contained HTML page (no scripts; charts linked relatively)."""

import html
import os
import re

from .words import CONTRADICTS, EXPECTED, MISSING, NEEDS_CORES, contradiction, judge


class Answer:
    """One question: its text, the answer's paragraphs, a verdict (words.EXPECTED, CONTRADICTS
    or MISSING) and the charts or tables to look at (paths relative to the lab folder)."""

    def __init__(self, question, paragraphs, verdict, look=()):
        self.question = question
        self.paragraphs = [p for p in paragraphs if p]
        self.verdict = verdict
        self.look = list(look)


def by_rule(question, lines, ok, lab, lesson, why):
    """The answer to a question whose lesson a rule checked (ok): the reason when the data agree; the
    contradiction, then the reason as what was expected, when they do not."""
    if ok:
        return Answer(question, list(lines) + [why], EXPECTED)
    return Answer(question, list(lines) + [contradiction(lab, lesson), why], CONTRADICTS)


def judged(question, cmp, lab, lesson, text, why):
    """The answer to "is cmp.a slower than cmp.b?": the reason only when the CIs say so, else the caveat
    (noise, or the contradiction) and no textbook reason."""
    verdict, caveat = judge(cmp, lab, lesson)
    return Answer(question, [text, why if verdict == EXPECTED else None, caveat], verdict)


def markdown(title, intro, answers):
    out = [f"# {title}", ""]
    out += [p + "\n" for p in intro if p]
    for i, a in enumerate(answers, 1):
        out += [f"## Question {i}. {a.question}", "", f"*Verdict: {a.verdict}.*", ""]
        out += [p + "\n" for p in a.paragraphs]
        if a.look:
            out += ["Look at: " + ", ".join(f"[{os.path.basename(p)}]({p})" for p in a.look), ""]
    return "\n".join(out).rstrip() + "\n"


_CODE = re.compile(r"`([^`]+)`")


def _inline(text):
    """Markdown's `code` as <code>, everything else escaped."""
    parts = _CODE.split(text)
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def to_html(title, intro, answers):
    colour = {CONTRADICTS: "#b35806", MISSING: "#777", NEEDS_CORES: "#777"}
    body = [f"<h1>{html.escape(title)}</h1>"] + [f"<p>{_inline(p)}</p>" for p in intro if p]
    for i, a in enumerate(answers, 1):
        body.append(f"<h2>Question {i}. {_inline(a.question)}</h2>")
        body.append(f'<p class="verdict" style="color:{colour.get(a.verdict, "#1a7837")}">'
                    f"<em>Verdict: {html.escape(a.verdict)}.</em></p>")
        body += [f"<p>{_inline(p)}</p>" for p in a.paragraphs]
        if a.look:
            links = ", ".join(f'<a href="{html.escape(p)}">{html.escape(os.path.basename(p))}</a>' for p in a.look)
            body.append(f"<p>Look at: {links}</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:50em;"
            "margin:2em auto;line-height:1.45}code{background:#eee;padding:0 .2em}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def write(folder, lab, title, intro, answers):
    """lab-N-answers.md and .html in folder; returns their paths."""
    paths = []
    for ext, text in (("md", markdown(title, intro, answers)), ("html", to_html(title, intro, answers))):
        path = os.path.join(folder, f"lab-{lab}-answers.{ext}")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        paths.append(path)
    return paths


def placeholders(text):
    """Leftover template markers in a sheet (a test checks there are none)."""
    return re.findall(r"\{[a-z_]+\}|None|nan|XXX", text)
