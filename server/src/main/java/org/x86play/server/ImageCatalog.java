package org.x86play.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest images the server offers: the JSON of {@code GET /api/images} and the lookup behind
 * {@code /images/{id}/{file}}. Only files listed here are ever served; the URL's parts are looked up by
 * name, never joined into a path.
 */
final class ImageCatalog {
    /** One file as the catalog JSON lists it. */
    record FileJson(String url, long size, String sha256) {}

    /** One image as the catalog JSON lists it (field order = JSON order). */
    record EntryJson(String id, String title, int memMb, String cmdline, Map<String, FileJson> files) {}

    private final List<ImageEntry> entries;

    /** Hashes every file once, so a missing or unreadable file fails here and not on the first request. */
    ImageCatalog(List<ImageEntry> entries) throws IOException {
        this.entries = List.copyOf(entries);
        for (ImageEntry e : this.entries) for (ImageFile f : e.files.values()) f.snapshot();
    }

    List<ImageEntry> entries() { return entries; }

    /** The file served as {@code /images/ID/NAME}, or null when the catalog lists no such file. */
    ImageFile find(String id, String name) {
        for (ImageEntry e : entries) if (e.id.equals(id)) return e.fileNamed(name);
        return null;
    }

    /** The catalog JSON's content (sizes and hashes as of now; recomputed only for changed files). */
    List<EntryJson> describe() throws IOException {
        List<EntryJson> out = new ArrayList<>();
        for (ImageEntry e : entries) {
            Map<String, FileJson> files = new LinkedHashMap<>();
            for (ImageFile f : e.files.values()) {
                ImageFile.Snapshot s = f.snapshot();
                files.put(f.role, new FileJson(urlOf(e, f), s.size, s.sha256));
            }
            out.add(new EntryJson(e.id, e.title, e.memMb, e.cmdline, files));
        }
        return out;
    }

    static String urlOf(ImageEntry e, ImageFile f) { return "/images/" + e.id + "/" + f.name; }
}
