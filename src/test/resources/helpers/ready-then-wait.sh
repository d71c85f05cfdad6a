#!/bin/sh
# Prints "ready", then waits (as sleep, in place of this shell) until a signal ends it.
echo ready
exec sleep 3600
