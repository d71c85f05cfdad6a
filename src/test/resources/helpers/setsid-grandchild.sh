#!/bin/sh
# Starts `sleep 1000` in a session (and process group) of its own, prints its pid, then waits for it:
# a grandchild that left the child's process group.
setsid sleep 1000 &
echo $!
wait
