package org.x86play.cpu.decoder;

/** Where the decoder reads instruction bytes: the CPU's code fetch (CS limit checked) or a byte array. */
public interface CodeSource {
    /** The byte at {@code offset} (an EIP value), 0..255; may throw {@link org.x86play.cpu.CpuFault}. */
    int fetch8(int offset);
}
