"""Write the page template `dvc plots show` fills (`plots.html_template` in .dvc/config), with Vega,
Vega-Lite and Vega-Embed inlined from the installed vl-convert-python package.

DVC's own page loads those libraries from a CDN, so offline it stays blank. `make install` writes
this template to .dvc/plots/offline.html (git-ignored: it is built from the installed package).

    python tools/dvc_plots_template.py .dvc/plots/offline.html
"""

from __future__ import annotations

import sys
from pathlib import Path

import vl_convert

# DVC fills {plot_divs} with one <div> per plot, each calling vegaEmbed(...) while the page loads,
# before the module script at the end has run: the calls are queued, and the module draws them.
PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>DVC plots</title>
{refresh_tag}
<style>body { font-family: sans-serif; margin: 1.5rem; } div { margin-bottom: 2rem; }</style>
<script>
window.queuedPlots = [];
function vegaEmbed(target, spec) { window.queuedPlots.push([target, spec]); }
</script>
</head>
<body>
{plot_divs}
<script type="module">
BUNDLE
</script>
</body>
</html>
"""
DRAW_QUEUED = """
for (const [target, spec] of window.queuedPlots) {
  vegaEmbed(target, spec, { renderer: "svg", actions: false });
}
"""


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python tools/dvc_plots_template.py OUTPUT.html")
    output = Path(argv[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(PAGE.replace("BUNDLE", vl_convert.javascript_bundle(DRAW_QUEUED)), encoding="utf8")


if __name__ == "__main__":
    main(sys.argv[1:])
