package org.x86play.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code ./vmm run --snapshot} gets its bytes: a file, or an http(s) URL — a snapshot's
 * {@code /api/snapshots/{id}} address or the share link {@code /s/{id}} the playground hands out (mapped
 * to the former). Downloads are bounded in size and time; anything else is a clear usage error.
 */
final class SnapshotSource {
    private static final Pattern SHARE_LINK = Pattern.compile("^(https?://[^/?#]+)/s/([A-Za-z0-9_-]+)/?$");

    static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }

    /** The download address for {@code url}: share links become their API address. */
    static URI downloadAddress(String url) throws UsageException {
        Matcher m = SHARE_LINK.matcher(url);
        String address = m.matches() ? m.group(1) + "/api/snapshots/" + m.group(2) : url;
        try {
            return URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--snapshot " + url + ": not a valid URL");
        }
    }

    static byte[] fetch(String url, long maxBytes) throws UsageException {
        URI address = downloadAddress(url);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest req = HttpRequest.newBuilder(address).timeout(Duration.ofMinutes(5)).GET().build();
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) throw new UsageException("--snapshot " + url + ": the server answered " + r.statusCode());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (out.size() + (long) n > maxBytes) {
                        throw new UsageException("--snapshot " + url + ": more than " + (maxBytes >> 20) + " MiB");
                    }
                    out.write(buf, 0, n);
                }
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new UsageException("--snapshot " + url + ": cannot download: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("--snapshot " + url + ": download interrupted");
        }
    }

    private SnapshotSource() {}
}
