package org.x86play.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a guest build used and produced, with SHA-256 checksums, written as
 * {@code manifest.json} beside the outputs. The builder trusts a cached build only if every
 * output still matches its recorded size and checksum and the recipe is unchanged.
 */
public record Manifest(
        int formatVersion,
        String guest,
        String builder,
        String recipeSha256,
        Kernel kernel,
        List<Input> inputs,
        List<Output> outputs) {

    /** A Debian package the build downloaded; {@code aptSha256} is the archive's own checksum from apt's index. */
    public record Input(String packageName, String version, String architecture, String file, long size,
            String sha256, String aptSha256) {
    }

    /** A file in the guest's build folder; {@code source} says where its bytes came from. */
    public record Output(String file, long size, String sha256, String source) {
    }

    /** Facts about the kernel image, checked at build time. */
    public record Kernel(String packageName, String release, String bootProtocol, String versionString,
            boolean bzImage, boolean pae) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(this) + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public static Manifest read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Manifest.class);
    }

    /** The output entry for a file name, or null. */
    public Output output(String file) {
        for (Output o : outputs) {
            if (o.file().equals(file)) {
                return o;
            }
        }
        return null;
    }

    /** True if every output exists in {@code dir} with the recorded size and SHA-256. */
    public boolean outputsIntact(Path dir) throws IOException {
        if (outputs == null || outputs.isEmpty()) {
            return false;
        }
        for (Output o : outputs) {
            Path f = dir.resolve(o.file());
            if (!Files.isRegularFile(f) || Files.size(f) != o.size() || !Sha256.of(f).equals(o.sha256())) {
                return false;
            }
        }
        return true;
    }
}
