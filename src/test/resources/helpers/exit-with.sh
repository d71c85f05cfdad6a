#!/bin/sh
# Exits with status $1.
exit "$1"
