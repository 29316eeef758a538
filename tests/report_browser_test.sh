#!/usr/bin/env bash
# The report page in a real browser: writes the fake run of
# core/report_test.cc, renders its page with the earshot binary, and checks
# it with scripts/check_report.sh.
#   report_browser_test.sh CORE_TESTS EARSHOT CHECK_SCRIPT WORK_DIR
set -euo pipefail
tests=$1 earshot=$2 check=$3 work=$4
rm -rf "$work"
EARSHOT_REPORT_FAKE_RUN="$work" "$tests" --gtest_filter=RunReportBrowser.MakeFakeRun >/dev/null
"$earshot" report "$work/run" --out "$work/report.html"
"$check" "$work/report.html" "$work/screenshot.png"
