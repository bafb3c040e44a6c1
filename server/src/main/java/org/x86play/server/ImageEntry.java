package org.x86play.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One bootable guest in the catalog: how to boot it (memory, kernel command line) and its files by role. */
final class ImageEntry {
    final String id, title, cmdline;
    final int memMb;
    /** Role ("kernel", "initrd") to file, in catalog order. */
    final Map<String, ImageFile> files;

    ImageEntry(String id, String title, int memMb, String cmdline, Map<String, ImageFile> files) {
        this.id = id;
        this.title = title;
        this.memMb = memMb;
        this.cmdline = cmdline;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** The file served as {@code /images/ID/NAME}, or null. */
    ImageFile fileNamed(String name) {
        for (ImageFile f : files.values()) if (f.name.equals(name)) return f;
        return null;
    }
}
