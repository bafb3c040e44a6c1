package org.x86play.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image directories: the reference guest's layout, image.json descriptors and their errors. */
class ImageDirectoriesTest {
    @TempDir
    Path dir;

    Path referenceLayout(Path d) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve("vmlinuz"), new byte[] {1});
        Files.write(d.resolve("initrd.gz"), new byte[] {2});
        Files.writeString(d.resolve("manifest.json"),
                "{\"guest\":\"debian-i386-busybox\",\"kernel\":{\"release\":\"6.1.0-50-686\"}}");
        return d;
    }

    @Test
    void theReferenceGuestIsDebianReference() throws IOException {
        List<ImageEntry> e = ImageDirectories.load(List.of(referenceLayout(dir.resolve("reference"))));
        assertEquals(1, e.size());
        ImageEntry r = e.get(0);
        assertEquals("debian-reference", r.id);
        assertEquals("Debian i386 Linux 6.1 + busybox", r.title);
        assertEquals(128, r.memMb);
        assertEquals("console=tty0 console=ttyS0 quiet guest=shell", r.cmdline);
        assertEquals(List.of("kernel", "initrd"), List.copyOf(r.files.keySet()));
        assertEquals("vmlinuz", r.files.get("kernel").name);
        assertEquals("initrd.gz", r.files.get("initrd").name);
    }

    @Test
    void aParentDirectoryIsSearchedOneLevelDown() throws IOException {
        referenceLayout(dir.resolve("build/reference"));
        Files.createDirectories(dir.resolve("build/unrelated"));
        assertEquals("debian-reference", ImageDirectories.load(List.of(dir.resolve("build"))).get(0).id);
    }

    void assertFails(String expectedPart, Path... dirs) {
        IOException e = assertThrows(IOException.class, () -> ImageDirectories.load(List.of(dirs)));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    Path descriptor(String name, String json) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.write(d.resolve("k"), new byte[] {1});
        Files.writeString(d.resolve("image.json"), json);
        return d;
    }

    @Test
    void badDirectoriesAndDescriptorsAreClearErrors() throws IOException {
        assertFails("does not exist", dir.resolve("missing"));
        assertFails("holds no guest image", Files.createDirectories(dir.resolve("empty")));
        assertFails("\"id\"", descriptor("a", "{\"id\":\"../x\",\"files\":{\"kernel\":\"k\"}}"));
        assertFails("bad file name", descriptor("b", "{\"id\":\"b\",\"files\":{\"kernel\":\"../b/k\"}}"));
        assertFails("does not exist", descriptor("c", "{\"id\":\"c\",\"files\":{\"kernel\":\"nope\"}}"));
        assertFails("needs a \"kernel\"", descriptor("d", "{\"id\":\"d\",\"files\":{}}"));
        assertFails("cannot read", descriptor("e", "{not json"));
        assertFails("memMb", descriptor("f", "{\"id\":\"f\",\"memMb\":0,\"files\":{\"kernel\":\"k\"}}"));
        Path g1 = descriptor("g1", "{\"id\":\"g\",\"files\":{\"kernel\":\"k\"}}");
        Path g2 = descriptor("g2", "{\"id\":\"g\",\"files\":{\"kernel\":\"k\"}}");
        assertFails("two images have the id 'g'", g1, g2);
    }
}
