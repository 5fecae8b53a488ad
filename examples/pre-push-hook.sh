#!/usr/bin/env bash
# Registry pre-push hook: stream the image into customs before it is pushed, in one pass and
# without writing it to disk.
#   pre-push-hook.sh IMAGE && docker push IMAGE
#   as a git pre-push hook (.git/hooks/pre-push): git passes the remote's name and URL, which are
#   not an image, so the image comes from CUSTOMS_IMAGE (e.g. CUSTOMS_IMAGE=app:1.4 git push).
# Blocks the push on a finding at or above CUSTOMS_FAIL_ON (default high), on an incomplete scan,
# and on an export that failed part way; never prints a secret.
set -euo pipefail
if [ -n "${CUSTOMS_IMAGE:-}" ]; then
    image=$CUSTOMS_IMAGE
elif [ $# -eq 1 ]; then
    image=$1
else
    echo "usage: pre-push-hook.sh IMAGE   (as a git pre-push hook, set CUSTOMS_IMAGE)" >&2
    exit 2
fi
customs=${CUSTOMS_BIN:-customs}
fail_on=${CUSTOMS_FAIL_ON:-high}
if command -v docker >/dev/null 2>&1; then
    save=(docker save "$image")
elif command -v podman >/dev/null 2>&1; then
    save=(podman save --format docker-archive "$image")
else
    echo "pre-push-hook: neither docker nor podman is installed" >&2
    exit 2
fi
set +e
"${save[@]}" | "$customs" scan --quiet --fail-on "$fail_on" -
statuses=("${PIPESTATUS[@]}")  # both at once: reading PIPESTATUS again would see this line's status
set -e
save_status=${statuses[0]}
status=${statuses[1]}
if [ "$save_status" -ne 0 ]; then
    echo "pre-push-hook: could not export $image (exit $save_status); not pushing" >&2
    exit 2
fi
case "$status" in
    0) echo "pre-push-hook: $image is clean" >&2 ;;
    1) echo "pre-push-hook: $image leaks credentials (see above); rotate them and rebuild before pushing" >&2 ;;
    3) echo "pre-push-hook: the scan of $image was incomplete (see coverage above); not pushing" >&2 ;;
    *) echo "pre-push-hook: customs failed (exit $status)" >&2 ;;
esac
exit "$status"
