/** The command-line entry point of a procbus node. */
package io.procbus.launcher;
