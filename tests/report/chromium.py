"""Headless Debian chromium for the site tests: open a page from file://, run a probe script, read the DOM."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
AVAILABLE = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
SKIP_REASON = "headless browser test needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)"

#: Appended to a copy of the page: records script errors and, after load, runs the probe and writes its JSON
#: result into <pre id="lp-probe"> so that --dump-dom carries it out.
PROBE = """<script>window.__lpErrors=[];window.addEventListener('error',function(e){window.__lpErrors.push(String(e.message));});
var __lpOrigError=console.error;console.error=function(){window.__lpErrors.push([].join.call(arguments,' '));};
window.addEventListener('load',function(){var r={};try{r=(function(){%s})()||{};}catch(e){window.__lpErrors.push('probe: '+e);}
r.errors=window.__lpErrors;r.height=document.documentElement.scrollHeight;
var p=document.createElement('pre');p.id='lp-probe';p.textContent=JSON.stringify(r);document.body.appendChild(p);});</script>"""


def probe(page: Path, script: str = "return {};", *, width: int = 1400, query: str = "") -> dict:
    """Open ``page`` (a copy next to it, so relative links still resolve) and return the probe's JSON."""
    import json
    page = Path(page)
    text = page.read_text(encoding="utf-8")
    hook = PROBE % script
    copy = page.with_name(f".probe-{os.getpid()}-{page.name}")
    copy.write_text(text.replace("</head>", hook + "</head>", 1) if "</head>" in text else hook + text,
                    encoding="utf-8")
    profile = tempfile.mkdtemp(prefix="lp-chrome-")
    try:
        cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--window-size={width},900", "--virtual-time-budget=5000",
               "--dump-dom", copy.resolve().as_uri() + query]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)
    match = re.search(r'<pre id="lp-probe">(.*?)</pre>', run.stdout, re.S)
    if not match:
        raise AssertionError(f"probe did not run on {page}: rc={run.returncode} {run.stderr[-1500:]}")
    import html
    return json.loads(html.unescape(match.group(1)))


def page_height(page: Path, width: int = 1400) -> int:
    return int(probe(page, width=width)["height"])
