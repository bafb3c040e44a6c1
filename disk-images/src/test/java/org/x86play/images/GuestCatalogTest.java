package org.x86play.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestCatalogTest {
    /** surefire runs in the module folder; x86play.root points at the repository. */
    static Path imagesDir() {
        String root = System.getProperty("x86play.root");
        Path p = root != null ? Path.of(root, "disk-images") : Path.of("");
        return Files.isRegularFile(p.resolve("catalog.json")) ? p : Path.of("");
    }

    @Test
    void referenceGuestEntryMatchesWhatTheBuilderWrites() throws IOException {
        GuestCatalog c = GuestCatalog.read(imagesDir().resolve("catalog.json"));
        assertEquals(1, c.formatVersion());
        GuestCatalog.Guest g = c.guest(ReferenceGuestBuilder.GUEST);
        assertEquals(ReferenceGuestBuilder.class.getName(), g.builder());
        assertEquals("build/reference", g.buildDir());
        assertEquals(ReferenceGuestBuilder.MANIFEST, g.manifest());
        assertEquals(Map.of("kernel", ReferenceGuestBuilder.KERNEL, "initrd", ReferenceGuestBuilder.INITRD,
                "bios", ReferenceGuestBuilder.BIOS, "vgabios", ReferenceGuestBuilder.VGABIOS), g.parts());
        assertEquals("console=ttyS0 quiet", g.commandLine());
        assertEquals(128, g.memoryMiB());
        assertEquals(InitScript.READY_MARKER, g.markers().get("ready"));
        assertEquals(InitScript.DONE_MARKER, g.markers().get("done"));
        assertTrue(g.part(Path.of("/x/disk-images"), "initrd").endsWith("disk-images/build/reference/initrd.gz"));
    }
}
