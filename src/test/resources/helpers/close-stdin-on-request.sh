#!/bin/sh
# Waits for one line on stdin, then closes stdin and keeps running (as sleep) without reading.
read -r go
exec sleep 3600 0<&-
