#!/bin/sh
# Prints "early" and exits at once; a grandchild prints "late" one second later on the same stdout.
(sleep 1; echo late) &
echo early
