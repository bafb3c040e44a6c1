package org.x86play.mmu;

/** Page-fault error code bits (SDM Vol. 3 §4.7, Figure 4-12). */
public final class PageFaultCode {
    /** 0: not-present page; 1: protection violation (or reserved bit). */
    public static final int P = 1;
    /** The access was a write. */
    public static final int W = 2;
    /** The access was made in user mode (CPL 3 privileges). */
    public static final int U = 4;
    /** A reserved bit was set in a paging-structure entry. */
    public static final int RSVD = 8;

    private PageFaultCode() {}
}
