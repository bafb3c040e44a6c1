package org.x86play.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.x86play.images.CommandRunner;
import org.x86play.images.ReferenceGuestBuilder;

/**
 * The reference guest (Debian i386 kernel, busybox initramfs, SeaBIOS) in {@code disk-images/build/reference},
 * built from Debian packages on first use (needs apt-get and network once; cached afterwards).
 */
final class ReferenceGuest {
    final Path kernel, initrd, bios;

    private ReferenceGuest(Path dir) {
        kernel = dir.resolve(ReferenceGuestBuilder.KERNEL);
        initrd = dir.resolve(ReferenceGuestBuilder.INITRD);
        bios = dir.resolve(ReferenceGuestBuilder.BIOS);
    }

    /** Builds the guest if it is missing or stale; progress goes to {@code log}. */
    static ReferenceGuest ensure(PrintStream log) throws UsageException {
        ReferenceGuestBuilder b = new ReferenceGuestBuilder(GuestImages.root().resolve("disk-images/build"),
                CommandRunner.system(), log);
        try {
            b.ensureBuilt(false);
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot build the reference guest (apt-get and network are needed once): " + e.getMessage());
        }
        return new ReferenceGuest(b.referenceDir());
    }
}
