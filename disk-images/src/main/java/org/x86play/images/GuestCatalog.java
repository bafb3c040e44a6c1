package org.x86play.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code disk-images/catalog.json}: the guest images the project knows how to build. Each guest
 * names its build folder (relative to {@code disk-images/}), its parts (relative to that folder),
 * the default kernel command line, the memory size and the console markers a runner waits for.
 */
public record GuestCatalog(int formatVersion, List<Guest> guests) {

    public record Guest(String name, String description, String builder, String buildDir, String manifest,
            Map<String, String> parts, String commandLine, int memoryMiB, Map<String, String> markers) {

        /** A part's file ("kernel", "initrd", "bios", "vgabios") under {@code imagesDir}. */
        public Path part(Path imagesDir, String part) {
            String rel = parts.get(part);
            if (rel == null) {
                throw new IllegalArgumentException("guest " + name + " has no part " + part);
            }
            return imagesDir.resolve(buildDir).resolve(rel);
        }
    }

    public static GuestCatalog read(Path file) throws IOException {
        return new ObjectMapper().readValue(file.toFile(), GuestCatalog.class);
    }

    public Guest guest(String name) {
        for (Guest g : guests) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("no guest named " + name + " in the catalog");
    }
}
