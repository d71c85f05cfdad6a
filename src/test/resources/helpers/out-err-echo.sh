#!/bin/sh
# Reads 4 bytes from stdin; writes OUT:<them> to stdout, then ERR:<them> to stderr (CPython's echo2.py).
x=$(head -c 4)
printf 'OUT:%s' "$x"
printf 'ERR:%s' "$x" >&2
