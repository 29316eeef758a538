#!/usr/bin/env bash
# Opens a report page (earshot report) in Debian's headless Chromium and
# fails when the browser logs a script error or a resource it cannot load,
# or when the rendered page lacks its sections.
#   scripts/check_report.sh runs/kws/report.html              # check only
#   scripts/check_report.sh runs/kws/report.html shot.png     # and a screenshot
# CHROMIUM names another browser binary (default: chromium).
set -euo pipefail

page=${1:?usage: check_report.sh REPORT.html [SCREENSHOT.png]}
shot=${2:-}
browser=${CHROMIUM:-chromium}
[[ -f "$page" ]] || { echo "check_report: $page: no such file" >&2; exit 2; }
command -v "$browser" >/dev/null || { echo "check_report: $browser: not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url="file://$(realpath "$page")"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$work/profile" --enable-logging=stderr --v=0)

if ! timeout 180 "$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/log.txt"; then
  echo "check_report: $browser failed on $page:" >&2
  tail -20 "$work/log.txt" >&2
  exit 1
fi

failed=0
# Console errors and failed loads; the browser's own start-up noise (D-Bus,
# GPU) is not the page's fault and is not matched.
if grep -E "Failed to load resource|Uncaught|net::ERR_|Not allowed to load local resource|CONSOLE[(:][0-9]+.*[Ee]rror" \
     "$work/log.txt" >"$work/errors.txt"; then
  echo "check_report: $page: the browser reported errors:" >&2
  cat "$work/errors.txt" >&2
  failed=1
fi

# The sections the page always has, read from the DOM the browser built.
for part in 'id="data"' 'id="recipe"' '<h1>' 'class="model"'; do
  if ! grep -q "$part" "$work/dom.html"; then
    echo "check_report: $page: the rendered page has no $part" >&2
    failed=1
  fi
done
# Nothing fetched from elsewhere: every src is inline data.
if grep -oE 'src="[^"]{0,5}' "$work/dom.html" | grep -v 'src="data:' >"$work/external.txt"; then
  echo "check_report: $page: resources that are not inline:" >&2
  sort -u "$work/external.txt" >&2
  failed=1
fi
# Every sound and image the page source holds was kept by the parser.
for tag in '<audio' '<img'; do
  want=$(grep -o "$tag" "$page" | wc -l)
  got=$(grep -o "$tag" "$work/dom.html" | wc -l)
  if [[ "$want" != "$got" ]]; then
    echo "check_report: $page: $want $tag elements in the file, $got in the rendered page" >&2
    failed=1
  fi
done

if [[ -n "$shot" ]]; then
  timeout 180 "$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,5000 \
    --screenshot="$(realpath -m "$shot")" "$url" >/dev/null 2>>"$work/log.txt" || {
    echo "check_report: $browser could not take the screenshot" >&2
    failed=1
  }
fi

if (( failed )); then exit 1; fi
echo "check_report: $page: OK ($(grep -o '<audio' "$work/dom.html" | wc -l) sounds, $(grep -o '<img' "$work/dom.html" | wc -l) images)"
