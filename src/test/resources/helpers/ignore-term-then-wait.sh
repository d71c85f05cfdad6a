#!/bin/sh
# Ignores SIGTERM, prints "ready", then waits (as sleep, which keeps SIGTERM ignored) until SIGKILL.
trap '' TERM
echo ready
exec sleep 3600
