package org.x86play.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

/**
 * Hostile input: mutated, truncated, oversized and garbage snapshots against the reader and the restore.
 * Half the mutations re-seal every checksum, so the value checks behind the CRCs are reached too. Every
 * input must end in a {@link SnapshotFormatException} or a restore whose machine then runs without a host
 * error; no other throwable, within a bounded time.
 */
class HostileSnapshotTest {
    private static final Compression CODEC = new JdkCompression();
    private static final int CASES = 10_000;

    @Test
    void mutatedSnapshotsOnlyEverThrowSnapshotFormatException() {
        TestGuest.Built source = new TestGuest.Built();
        source.m.run(new RunLimits().maxInstructions(400_000));
        byte[] good = new SnapshotWriter(CODEC).write(source.m, source.p, source.config, source.initial);
        Random rnd = new Random(0x5EED);
        long started = System.nanoTime();
        int rejected = 0, accepted = 0, hostErrors = 0;
        List<String> sampleMessages = new ArrayList<>();
        TestGuest.Built target = new TestGuest.Built();
        boolean dirty = false;
        for (int i = 0; i < CASES; i++) {
            byte[] bad = mutate(good, rnd, i);
            if (dirty) {
                target = new TestGuest.Built();
                dirty = false;
            }
            String validation = null;   // what validate() (the server's upload check) said
            try {
                Snapshot.parse(bad).validate(CODEC);
            } catch (SnapshotFormatException e) {
                validation = e.getMessage();
            } catch (Throwable t) {
                t.printStackTrace();
                fail("case " + i + ": validate threw " + t + " instead of SnapshotFormatException");
            }
            try {
                Snapshot s = Snapshot.parse(bad);
                dirty = true;
                try {
                    s.restore(target.m, target.p, target.config, CODEC);
                } catch (SnapshotFormatException e) {
                    // Validation has no machine to compare with: a configuration that names other images or
                    // sizes, and the referenced pages' digest, are checked against the machine at restore. Anything
                    // else a restore refuses, validation must refuse too.
                    boolean machineDependent = e.getMessage().contains("does not fit this machine")
                            || e.getMessage().contains("pages the snapshot references differ")
                            || e.getMessage().contains("this machine has");
                    if (validation == null && !machineDependent) {
                        fail("case " + i + ": validate() accepted a snapshot the restore refuses: " + e.getMessage());
                    }
                    throw e;
                }
                if (validation != null) fail("case " + i + ": validate() refused a snapshot that restores: " + validation);
                accepted++;
                RunResult r = target.m.run(new RunLimits().maxInstructions(5_000));
                if (r.reason == RunResult.Reason.HOST_ERROR) {
                    hostErrors++;
                    if (hostErrors < 5) System.out.println("hostile snapshot " + i + " ran into: " + r.message);
                }
            } catch (SnapshotFormatException e) {
                rejected++;
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                if (sampleMessages.size() < 12 && rnd.nextInt(200) == 0) sampleMessages.add(e.getMessage());
            } catch (AssertionError e) {
                throw e;
            } catch (Throwable t) {
                t.printStackTrace();
                fail("case " + i + ": " + t + " escaped instead of SnapshotFormatException");
            }
        }
        double secs = (System.nanoTime() - started) / 1e9;
        System.out.printf("hostile snapshots: %d tried, %d rejected with SnapshotFormatException, %d accepted"
                + " (harmless changes), %d host errors after restore, 0 other throwables, %.1f s%n", CASES, rejected, accepted, hostErrors, secs);
        for (String m : sampleMessages) System.out.println("  e.g. " + m);
        assertEquals(CASES, rejected + accepted);
        assertEquals(0, hostErrors, "a restored hostile state made the core fail");
        assertTrue(secs < 300, "bounded time");
    }

    /** One hostile variant of {@code good}; the kind rotates with {@code i}. */
    static byte[] mutate(byte[] good, Random rnd, int i) {
        byte[] b;
        switch (i % 8) {
            case 0: // a few flipped bytes anywhere, checksums left as they are
                b = good.clone();
                flip(b, rnd, 1 + rnd.nextInt(8));
                return b;
            case 1: // flipped bytes, re-sealed
                b = good.clone();
                flip(b, rnd, 1 + rnd.nextInt(4));
                return reseal(b);
            case 2: // one byte in one section's payload, re-sealed (reaches the field checks)
                b = good.clone();
                int[] sec = randomSection(b, rnd);
                if (sec != null && sec[1] > 0) {
                    b[sec[0] + rnd.nextInt(sec[1])] ^= (byte) (1 + rnd.nextInt(255));
                    if (rnd.nextBoolean()) b[sec[0] + rnd.nextInt(sec[1])] = (byte) (rnd.nextBoolean() ? 0xFF : 0x80);
                }
                return reseal(b);
            case 3: // truncated
                return java.util.Arrays.copyOf(good, rnd.nextInt(good.length));
            case 4: // truncated inside a section, re-sealed as far as possible
                return reseal(java.util.Arrays.copyOf(good, rnd.nextInt(good.length)));
            case 5: { // oversized: garbage appended, or a length field blown up
                if (rnd.nextBoolean()) {
                    b = java.util.Arrays.copyOf(good, good.length + 1 + rnd.nextInt(1 << 16));
                    for (int k = good.length; k < b.length; k++) b[k] = (byte) rnd.nextInt();
                    return rnd.nextBoolean() ? b : reseal(b);
                }
                b = good.clone();
                int[] s = randomSection(b, rnd);
                if (s != null) {
                    int lenAt = s[0] - 8 - (rnd.nextBoolean() ? 0 : -4); // stored or raw length
                    put32(b, lenAt, rnd.nextBoolean() ? Integer.MAX_VALUE : rnd.nextInt());
                }
                return reseal(b);
            }
            case 6: { // a 32-bit field set to an extreme value inside a section, re-sealed
                b = good.clone();
                int[] s = randomSection(b, rnd);
                if (s != null && s[1] >= 4) {
                    int at = s[0] + rnd.nextInt(s[1] - 3);
                    int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x10000, 1 << 30};
                    put32(b, at, extremes[rnd.nextInt(extremes.length)]);
                }
                return reseal(b);
            }
            default: { // garbage, sometimes behind a valid header
                b = new byte[rnd.nextInt(4096)];
                rnd.nextBytes(b);
                if (b.length >= 16 && rnd.nextBoolean()) {
                    System.arraycopy(good, 0, b, 0, 16);
                    return reseal(b);
                }
                return b;
            }
        }
    }

    private static void flip(byte[] b, Random rnd, int n) {
        for (int k = 0; k < n && b.length > 0; k++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
    }

    /** {payload offset, payload length} of a random raw section, or null. */
    private static int[] randomSection(byte[] b, Random rnd) {
        List<int[]> raw = new ArrayList<>();
        int pos = 16;
        while (pos + 17 <= b.length - 8) {
            int len = get32(b, pos + 5);
            if (len < 0 || (long) pos + 17 + len > b.length) break;
            if (b[pos + 4] == 0) raw.add(new int[] {pos + 13, len});
            pos += 17 + len;
        }
        return raw.isEmpty() ? null : raw.get(rnd.nextInt(raw.size()));
    }

    /** Recomputes each section's CRC-32 (while the lengths hold) and the whole-file CRC-32. */
    static byte[] reseal(byte[] b) {
        int pos = 16;
        while (pos + 17 <= b.length - 8) {
            int len = get32(b, pos + 5);
            if (len < 0 || (long) pos + 17 + len > b.length - 8) break;
            put32(b, pos + 13 + len, Crc32.of(b, pos, 13 + len));
            pos += 17 + len;
        }
        if (b.length >= 8) {
            b[b.length - 8] = 'E';
            b[b.length - 7] = 'N';
            b[b.length - 6] = 'D';
            b[b.length - 5] = '.';
            put32(b, b.length - 4, Crc32.of(b, 0, b.length - 4));
        }
        return b;
    }

    private static int get32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static void put32(byte[] b, int at, int v) {
        if (at < 0 || at + 4 > b.length) return;
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
