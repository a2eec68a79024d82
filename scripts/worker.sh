#!/usr/bin/env bash
# The worker `make run` started: `worker.sh stop` stops it with SIGTERM (it finishes its task first).
source "$(dirname "$0")/lib.sh"
pidfile="$VAR/worker.pid"
case ${1:-} in
  stop)
    [[ -f $pidfile ]] || exit 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && { say "worker $pid still busy after 30 s: killed (its task is re-run by the next worker)"; kill -KILL "$pid"; }
      say "stopped the worker"
    fi
    rm -f "$pidfile" ;;
  *) die "usage: worker.sh stop" ;;
esac
