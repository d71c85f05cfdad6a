/**
 * Configuration of a procbus node: generated {@code @DataObject} options and their strict reading, which
 * reports unknown keys and wrong types instead of ignoring them.
 */
package io.procbus.config;
