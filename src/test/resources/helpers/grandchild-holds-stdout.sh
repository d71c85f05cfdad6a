#!/bin/sh
# Leaves a grandchild (sleep $1) holding stdout, prints its pid, waits for one line on stdin, exits with $2.
sleep "$1" &
echo "$!"
read -r go
exit "$2"
