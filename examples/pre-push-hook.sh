#!/usr/bin/env bash
# Registry pre-push hook: stream the image into customs before it is pushed, in one pass and
# without writing it to disk. Use it as `pre-push-hook.sh IMAGE` before `docker push IMAGE`
# (or as a git pre-push hook with CUSTOMS_IMAGE set). Blocks the push on a finding at or above
# CUSTOMS_FAIL_ON (default high) and on an incomplete scan; never prints a secret.
set -euo pipefail
image=${1:-${CUSTOMS_IMAGE:-}}
if [ -z "$image" ]; then
    echo "usage: pre-push-hook.sh IMAGE   (or set CUSTOMS_IMAGE)" >&2
    exit 2
fi
customs=${CUSTOMS_BIN:-customs}
fail_on=${CUSTOMS_FAIL_ON:-high}
if command -v docker >/dev/null 2>&1; then
    save=(docker save "$image")
elif command -v skopeo >/dev/null 2>&1; then
    save=(skopeo copy --quiet "docker-daemon:$image" docker-archive:/dev/stdout)
else
    echo "pre-push-hook: neither docker nor skopeo is installed" >&2
    exit 2
fi
set +e
"${save[@]}" | "$customs" scan --quiet --fail-on "$fail_on" -
status=${PIPESTATUS[1]}
save_status=${PIPESTATUS[0]}
set -e
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
