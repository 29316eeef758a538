#!/usr/bin/env bash
# The report page in a real browser: writes the fake run of
# support/fake_run.h with tools/make_fake_run.cc, renders its page with the
# earshot binary, and checks it with scripts/check_report.sh.
#   report_browser_test.sh MAKE_FAKE_RUN EARSHOT CHECK_SCRIPT WORK_DIR
set -euo pipefail
make_fake_run=$1 earshot=$2 check=$3 work=$4
"$make_fake_run" "$work" >/dev/null
"$earshot" report "$work/run" --out "$work/report.html"
"$check" "$work/report.html" "$work/screenshot.png"
