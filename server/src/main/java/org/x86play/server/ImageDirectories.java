package org.x86play.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.x86play.images.ReferenceGuestBuilder;

/**
 * Reads the guest images offered by the server from directories. A directory is one image when it holds
 * <ul>
 *   <li>an {@code image.json}: {@code {"id", "title", "memMb", "cmdline", "files": {"kernel": "vmlinuz",
 *   "initrd": "initrd.gz"}}} (file names relative to the directory; {@code initrd} optional), or</li>
 *   <li>the reference guest built by {@code disk-images} (its {@code manifest.json} names the
 *   {@value ReferenceGuestBuilder#GUEST} guest): listed as {@value #REFERENCE_ID}.</li>
 * </ul>
 * Any other directory is searched one level deep for such image directories (so {@code disk-images/build}
 * works as well as {@code disk-images/build/reference}).
 */
final class ImageDirectories {
    static final String REFERENCE_ID = "debian-reference";
    static final int REFERENCE_MEM_MB = 128;
    /** Kernel messages on the VGA console and COM1, the busybox shell on COM1 (ttyS0). */
    static final String REFERENCE_CMDLINE = "console=tty0 console=ttyS0 quiet guest=shell";
    static final String DESCRIPTOR = "image.json";
    static final String MANIFEST = "manifest.json";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageDirectories() {}

    /** The images of all directories, in order; ids must be unique. */
    static List<ImageEntry> load(List<Path> dirs) throws IOException {
        List<ImageEntry> all = new ArrayList<>();
        for (Path dir : dirs) {
            for (ImageEntry e : loadOne(dir)) {
                for (ImageEntry other : all) {
                    if (other.id.equals(e.id)) throw new IOException("two images have the id '" + e.id + "' (" + dir + ")");
                }
                all.add(e);
            }
        }
        return all;
    }

    private static List<ImageEntry> loadOne(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("image directory " + dir + " does not exist");
        ImageEntry self = imageIn(dir);
        if (self != null) return List.of(self);
        List<ImageEntry> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children.filter(Files::isDirectory).sorted()::iterator) {
                ImageEntry e = imageIn(child);
                if (e != null) found.add(e);
            }
        }
        if (found.isEmpty()) {
            throw new IOException(dir + " holds no guest image (neither " + DESCRIPTOR + " nor a reference guest "
                    + MANIFEST + ", here or one level down)");
        }
        return found;
    }

    /** The image described by {@code dir} itself, or null if it describes none. */
    private static ImageEntry imageIn(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(DESCRIPTOR))) return fromDescriptor(dir);
        Path manifest = dir.resolve(MANIFEST);
        if (Files.isRegularFile(manifest)) {
            JsonNode m = readJson(manifest);
            if (ReferenceGuestBuilder.GUEST.equals(m.path("guest").asText())) return reference(dir, m);
        }
        return null;
    }

    private static ImageEntry reference(Path dir, JsonNode manifest) throws IOException {
        // "6.1.0-50-686" -> "6.1"
        String release = manifest.path("kernel").path("release").asText("");
        String[] parts = release.split("[.-]");
        String version = parts.length >= 2 ? parts[0] + "." + parts[1] : "";
        String title = "Debian i386 Linux " + (version.isEmpty() ? "" : version + " ") + "+ busybox";
        Map<String, ImageFile> files = new LinkedHashMap<>();
        files.put("kernel", file(dir, "kernel", ReferenceGuestBuilder.KERNEL));
        files.put("initrd", file(dir, "initrd", ReferenceGuestBuilder.INITRD));
        return new ImageEntry(REFERENCE_ID, title, REFERENCE_MEM_MB, REFERENCE_CMDLINE, files);
    }

    private static ImageEntry fromDescriptor(Path dir) throws IOException {
        Path p = dir.resolve(DESCRIPTOR);
        JsonNode d = readJson(p);
        String id = d.path("id").asText("");
        if (!ID.matcher(id).matches()) throw new IOException(p + ": \"id\" must match " + ID.pattern() + ", got '" + id + "'");
        String title = d.path("title").asText(id);
        int memMb = d.path("memMb").asInt(REFERENCE_MEM_MB);
        if (memMb < 2 || memMb > 4096) throw new IOException(p + ": \"memMb\" must be between 2 and 4096, got " + memMb);
        String cmdline = d.path("cmdline").asText("");
        JsonNode f = d.path("files");
        if (!f.path("kernel").isTextual()) throw new IOException(p + ": \"files\" needs a \"kernel\" file name");
        Map<String, ImageFile> files = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : f.properties()) {
            if (!ID.matcher(e.getKey()).matches()) throw new IOException(p + ": bad file role '" + e.getKey() + "'");
            files.put(e.getKey(), file(dir, e.getKey(), e.getValue().asText("")));
        }
        for (ImageFile a : files.values()) {
            for (ImageFile b : files.values()) {
                if (a != b && a.name.equals(b.name)) throw new IOException(p + ": the file " + a.name + " is listed twice");
            }
        }
        return new ImageEntry(id, title, memMb, cmdline, files);
    }

    /** A file directly inside {@code dir}: a plain name, so no URL can reach outside the directory. */
    private static ImageFile file(Path dir, String role, String name) throws IOException {
        if (!FILE_NAME.matcher(name).matches()) throw new IOException(dir + ": bad file name '" + name + "' for " + role);
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) throw new IOException("the " + role + " " + p + " does not exist");
        return new ImageFile(role, name, p.toAbsolutePath().normalize());
    }

    private static JsonNode readJson(Path p) throws IOException {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
