# run_with_deadline SECONDS NAME COMMAND...
#
# Runs COMMAND; when it is still running after SECONDS, prints every thread's stack of the
# test processes it started (with gdb, when installed) and stops them, then returns 124. A
# test run that hangs then fails within minutes and shows where, instead of running into
# CI's time limit with nothing to show. Output is line-buffered (stdbuf), so the last lines
# of a hung run are in the log, not lost in a block buffer.
# Source it from bash; it does not change the caller's `set -e`.
run_with_deadline() {
    local limit=$1 name=$2
    shift 2
    local line_buffered=()
    command -v stdbuf >/dev/null 2>&1 && line_buffered=(stdbuf -oL -eL)
    "${line_buffered[@]}" "$@" &
    local pid=$!
    (
        sleep "$limit" &
        sleeper=$!
        trap 'kill $sleeper 2>/dev/null; exit 0' TERM
        wait $sleeper
        kill -0 "$pid" 2>/dev/null || exit 0
        echo "error: $name still running after ${limit}s: it is hung or far too slow; stacks of its processes follow" >&2
        local children
        children=$(descendants_of "$pid")
        for child in $children; do
            echo "== process $child: $(tr '\0' ' ' < "/proc/$child/cmdline" 2>/dev/null | cut -c1-200)" >&2
            if command -v gdb >/dev/null 2>&1; then
                gdb -p "$child" -batch -ex "set print frame-arguments none" -ex "thread apply all bt 25" 2>/dev/null \
                    | grep -E '^(Thread|#)' >&2 || true
            fi
        done
        kill -TERM "$pid" $children 2>/dev/null
        sleep 5
        kill -KILL "$pid" $children 2>/dev/null
    ) &
    local watcher=$!
    local status=0
    wait "$pid" || status=$?
    if kill -0 "$watcher" 2>/dev/null; then
        kill -TERM "$watcher" 2>/dev/null
        wait "$watcher" 2>/dev/null || true
    else
        wait "$watcher" 2>/dev/null || true
        # The watcher ended first: it stopped a hung run.
        [ "$status" = 0 ] || status=124
    fi
    return "$status"
}

# descendants_of PID: the process ids below PID (children, grandchildren, …), one per line.
descendants_of() {
    local child
    for child in $(pgrep -P "$1" || true); do
        echo "$child"
        descendants_of "$child"
    done
}
