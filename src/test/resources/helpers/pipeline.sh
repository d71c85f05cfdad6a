#!/bin/sh
# Prints "ready", then runs a two-process pipeline that never ends by itself.
echo ready
yes | cat > /dev/null
