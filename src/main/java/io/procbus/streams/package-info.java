/** Internal implementation shared by the engine and the bus client. */
package io.procbus.streams;
