"""No result number is typed into a chapter's prose (issue 10, "numbers come from code").

Scans the Markdown cells of every chapter, both languages, for decimal numbers and percentages
outside math, code, links and sentences that cite a paper ({cite} roles). Each one must either
come from a code cell (`gan4nlp.prose.say` with an f-string) or be a constant listed below with
its source. A cell tagged `remove-input` is code the book hides; its output is the prose.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[a-z][a-z]/*.ipynb"))

# Constants a chapter may type, each with where it comes from. Keep this list short: a number
# that a cell computes or a recorded run holds is not a constant.
ALLOWED = {
    "0.5": "chance: a two-class discriminator's accuracy with no information, D = 1/2 at equilibrium (Goodfellow et al. 2014)",
    "0.8": "SeqGAN's rollout update rate, rollout = 0.8 rollout + 0.2 generator (Yu et al. 2017, original code)",
    "0.2": "the same update rate's complement (Yu et al. 2017)",
    "0.01": "SeqGAN's generator learning rate (Yu et al. 2017, original code)",
    "0.75": "SeqGAN's dropout keep probability (Yu et al. 2017, original code)",
}

MATH_AND_CODE = [
    r"```.*?```",                                   # fenced code
    r"\$\$.*?\$\$",                                 # display math
    r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}",           # amsmath environments
    r"(?<!\\)\$[^$\n]+?(?<!\\)\$",                  # inline math
    r"`[^`\n]*`",                                   # inline code and role bodies
    r"\]\([^)\s]*\)",                               # link targets
    r"<[^>\n]+>",                                   # HTML tags
]
NUMBER = re.compile(r"(?<![\w.\-/])\d+(?:,\d{3})*\.\d+(?!\w|\.\d)|(?<![\w.])\d+(?:\.\d+)?\s?%")


def prose_of(markdown: str) -> str:
    """The Markdown with math, code, link targets and HTML removed."""
    text = markdown
    for pattern in MATH_AND_CODE:
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def typed_numbers(markdown: str) -> list[str]:
    """Decimal numbers and percentages of the prose that are neither cited nor allowlisted."""
    cited = re.sub(r"[^\n]*\{cite(?::\w+)?\}[^\n]*", " ", markdown)   # a line that cites a paper
    found = []
    for match in NUMBER.finditer(prose_of(cited)):
        value = match.group().replace(" ", "")
        if value not in ALLOWED:
            found.append(value)
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_typed_result_numbers(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    offenders = [(i, n) for i, cell in enumerate(cells) if cell["cell_type"] == "markdown"
                 for n in typed_numbers("".join(cell["source"]))]
    assert not offenders, (f"{path.parent.name}/{path.name}: numbers typed into prose (cell, number): "
                           f"{offenders[:12]}{' ...' if len(offenders) > 12 else ''}; write them with "
                           "gan4nlp.prose.say from the cell that computes them, or allowlist a constant "
                           "with its source in tests/test_prose_numbers.py")


@pytest.mark.parametrize("text, expected", [
    ("accuracy 0.955 and 96 % and 96%", ["0.955", "96%", "96%"]),
    ("math $p=0.3$ and $$x = 1.5$$ and `0.25` stay", []),
    ("the rate 0.8 is SeqGAN's", []),                                    # allowlisted
    ("the paper reports 8.736 {cite}`yu2017seqgan`", []),                # cited on the line
    ("version 2.13.0 and section 3.2", ["3.2"]),                         # a version is not a decimal
    ("[link](https://x.org/a/1.5.html) and 10,000.5", ["10,000.5"]),
])
def test_scanner(text, expected):
    assert typed_numbers(text) == expected
