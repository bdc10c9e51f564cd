#!/usr/bin/env bash
# Builds the book and photographs every chapter with headless Chromium, to
# check what a reader sees: the page renders, its charts show, and its
# navigation links are there. PNGs go to target/book-screenshots/.
#
#   book/screenshots.sh              # every chapter
#   book/screenshots.sh gil locks    # only these (file names without .html)
#
# Needs mdbook and a headless Chromium (Debian: apt install
# chromium-headless-shell; elsewhere, chromium or google-chrome).
set -euo pipefail
cd "$(dirname "$0")/.."

browser=""
for candidate in chromium-headless-shell chromium google-chrome; do
    if command -v "$candidate" >/dev/null; then
        browser=$candidate
        break
    fi
done
if [ -z "$browser" ]; then
    echo "no headless Chromium found: apt install chromium-headless-shell" >&2
    exit 1
fi

# --headless: Debian's full `chromium` otherwise looks for a display and dies
# (exit 1 with 148, a segfault with 156 on CI); the headless shell ignores it.
# No background networking: this machine's closed network refuses it. A
# fresh profile per run, so that no run meets another's profile lock.
#
#   browse OUT ARGS...   runs the browser with ARGS, its stdout into OUT
#
# A browser killed by a signal (exit above 128) is tried again, twice: it
# crashed, which says nothing about the page (seen on CI: a segfault on
# one page of forty, gone on the next run).
browse() {
    local out=$1 status=0 attempt profile
    shift
    for attempt in 1 2 3; do
        profile=$(mktemp -d)
        status=0
        timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --hide-scrollbars "$@" >"$out" 2>/dev/null || status=$?
        rm -rf "$profile"
        if [ "$status" -le 128 ] || [ "$status" -eq 124 ]; then
            break
        fi
        echo "  $browser crashed (exit $status), attempt $attempt of 3" >&2
    done
    return "$status"
}

mdbook build book >/dev/null
html=book/book/html
out=target/book-screenshots
mkdir -p "$out"

if [ "$#" -gt 0 ]; then
    pages=("$@")
else
    # The chapters in reading order, from SUMMARY.md's links.
    mapfile -t pages < <(grep -o '([a-z0-9-]*\.md)' book/src/SUMMARY.md | tr -d '()' | sed 's/\.md$//')
fi

failed=0
dom_file=$(mktemp)
trap 'rm -f "$dom_file"' EXIT
for page in "${pages[@]}"; do
    file="$PWD/$html/$page.html"
    if [ ! -f "$file" ]; then
        echo "FAIL $page: no $html/$page.html" >&2
        failed=1
        continue
    fi
    problems=()
    rm -f "$out/$page.png"
    browse /dev/null --window-size=1200,2000 --screenshot="$out/$page.png" "file://$file" ||
        problems+=("$browser exited with $? taking the screenshot")
    browse "$dom_file" --dump-dom "file://$file" || problems+=("$browser exited with $? dumping the page")
    dom=$(cat "$dom_file")
    [ -s "$out/$page.png" ] || problems+=("no screenshot")
    grep -q 'class="sidebar' <<<"$dom" || problems+=("no sidebar")
    grep -qE 'class="(mobile-)?nav-chapters' <<<"$dom" || problems+=("no previous/next links")
    # Every chart the page shows must exist next to it.
    while read -r src; do
        [ -f "$html/$src" ] || problems+=("missing image $src")
    done < <(grep -o '<img src="[^"]*"' <<<"$dom" | sed 's/<img src="//; s/"$//')
    if [ "${#problems[@]}" -eq 0 ]; then
        echo "ok   $page ($(grep -c '<img src=' <<<"$dom" || true) images)"
    else
        echo "FAIL $page: ${problems[*]}" >&2
        failed=1
    fi
done
echo "screenshots in $out/"
exit "$failed"
