package org.x86play.memory;

/**
 * Notified before a write lands in a watched RAM page (see {@link PhysicalMemory#watchPage}): the hook for
 * self-modifying-code detection in a block translation cache and for snapshot dirty tracking.
 * The listener may call {@link PhysicalMemory#unwatchPage} (e.g. once a page is known dirty).
 */
public interface PageWriteListener {
    /** @param ramPage physical page number (address >>> 12) of the RAM page; {@code flags} its watch flags */
    void pageWritten(int ramPage, int flags);

    /**
     * Same event with the written bytes: {@code [offset, offset + size)} inside the page (sub-page
     * tracking, e.g. a translation cache's code chunks). Defaults to the page-granular call.
     */
    default void pageWritten(int ramPage, int flags, int offset, int size) {
        pageWritten(ramPage, flags);
    }
}
