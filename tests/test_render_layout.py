"""The HTML documents fit the screen: no horizontal scrolling from a phone to a desktop.

Each document is laid out by headless Chromium in frames of several widths (frames, because a
headless window is never narrower than 500 px), and each frame reports whether anything runs
past its right edge. One browser start for all of them keeps this test to a few seconds; it is
skipped where no Chromium is installed, except under CI (`CI=true`), where a missing browser
fails the run instead of hiding the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

import pytest

from svcstd.loading import load_standard
from svcstd.render import build_view, render_builtin
from svcstd.resources import bundled_standards

BROWSER = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (path := shutil.which(name))
    ),
    None,
)
WIDTHS = (390, 600, 768, 900, 1024, 1280)
DOCUMENTS = [
    ("bank-branch.yaml", "checklist"),  # English, long texts
    ("retail-hall.yaml", "checklist"),  # Chinese
    ("bank-branch.yaml", "handout"),
    ("home-visit.yaml", "handout"),
    ("bank-branch.yaml", "promise"),
    ("retail-hall.yaml", "promise"),
]

# Content inside a `.wide` box (a table that scrolls sideways within the page) may be wider than
# the frame; the page itself may not. The frames are `srcdoc` documents, of the host's origin, so the host measures them all at its
# own load event (which waits for every frame) and writes what it found into the page.
HOST = """<!doctype html><html><body style="margin:0">{frames}
<pre id="out"></pre>
<script>
addEventListener("load", () => {{
  const reports = [...document.querySelectorAll("iframe")].map(frame => {{
    const doc = frame.contentDocument, width = doc.documentElement.clientWidth;
    const over = [...doc.querySelectorAll("body *")]
      .filter(e => {{ const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 0.5
        && !(e.parentElement && e.parentElement.closest(".wide")); }})
      .slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className);
    return {{name: frame.name, width: width, scroll: doc.documentElement.scrollWidth, over: over}};
  }});
  document.getElementById("out").textContent = JSON.stringify(reports);
}});
</script></body></html>"""


def _browser() -> str:
    """The browser to lay pages out with; under CI a missing one is a failure, not a skip."""
    if BROWSER is None:
        if os.environ.get("CI", "").casefold() == "true":
            pytest.fail("CI=true but no Chromium is installed; .ci/run installs Debian's chromium")
        pytest.skip("no Chromium to lay the pages out")
    return BROWSER


def _document(standard: str, kind: str) -> str:
    doc = load_standard(bundled_standards() / standard)
    return render_builtin(kind, "html", build_view(doc, kind=kind))  # type: ignore[arg-type]


def _score_report(folder: Path, lang: str) -> str:
    """The demo's score report (a sample of 240 inspections by site and month), as mailed."""
    from svcstd.reports.scores import as_html
    from svcstd.results import Catalog, ReadOptions
    from svcstd.sample import SampleOptions, sample_bytes
    from svcstd.scoring import ScoreOptions, score_files, to_json

    doc = load_standard(bundled_standards() / "home-visit.yaml")
    results = folder / f"results-{lang}.csv"
    results.write_bytes(sample_bytes(doc, SampleOptions(inspections=240, seed=7, lang=lang), "csv"))
    options = ReadOptions(keep=())
    report = score_files(
        [results], Catalog([("home-visit.yaml", doc)]), options, ScoreOptions(by=("site", "month"))
    )
    return as_html(to_json(report), lang)


def test_html_documents_never_scroll_sideways():
    browser = _browser()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        frames = []
        pages = [
            (f"{Path(standard).stem}-{kind}", _document(standard, kind))
            for standard, kind in DOCUMENTS
        ]
        pages += [(f"score-report-{lang}", _score_report(root, lang)) for lang in ("zh", "en")]
        for name, page in pages:
            for width in WIDTHS:
                frames.append(
                    f'<iframe name="{name}-{width}" srcdoc="{escape(page)}" '
                    f'style="display:block;border:0;width:{width}px;height:300px"></iframe>'
                )
        host = root / "host.html"
        host.write_text(HOST.format(frames="\n".join(frames)), "utf-8")
        profile = root / "profile"
        completed = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--window-size=1300,900",
                "--virtual-time-budget=10000",
                "--dump-dom",
                host.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    found = re.search(r'<pre id="out">(.*?)</pre>', completed.stdout, re.S)
    assert found and found.group(1), completed.stderr[-2000:]
    reports = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert len(reports) == (len(DOCUMENTS) + 2) * len(WIDTHS)
    wide = [r for r in reports if r["scroll"] > r["width"] or r["over"]]
    assert not wide, wide
