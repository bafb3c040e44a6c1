package org.x86play.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure-Java inflater against java.util.zip's raw deflate, and against hostile input. */
class InflaterTest {
    private static final JdkCompression JDK = new JdkCompression();

    @Test
    void inflatesWhatTheJdkDeflates() throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 24; round++) {
            byte[] data = new byte[rnd.nextInt(300_000)];
            int kind = round % 4;
            for (int i = 0; i < data.length; i++) {
                if (kind == 0) data[i] = (byte) rnd.nextInt();                          // incompressible: stored blocks
                else if (kind == 1) data[i] = (byte) (i % 251 < 40 ? i : 0);            // long matches
                else if (kind == 2) data[i] = (byte) "the quick brown fox ".charAt(rnd.nextInt(20));
                else data[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt() : data[Math.max(0, i - 1 - rnd.nextInt(5000))]);
            }
            byte[] z = JDK.deflate(data, 0, data.length);
            assertArrayEquals(data, Inflater.inflate(z, 0, z.length, data.length), "round " + round);
        }
    }

    @Test
    void portableOutputReadsBackEverywhere() throws Exception {
        PortableCompression portable = new PortableCompression();
        Random rnd = new Random(3);
        for (int size : new int[] {0, 1, 65535, 65536, 200_000}) {
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            byte[] z = portable.deflate(data, 0, size);
            assertArrayEquals(data, portable.inflate(z, 0, z.length, size), "pure Java, " + size);
            assertArrayEquals(data, JDK.inflate(z, 0, z.length, size), "java.util.zip, " + size);
        }
    }

    @Test
    void snapshotWrittenPortablyRestoresWithTheJdk() throws Exception {
        TestGuest.Built a = new TestGuest.Built();
        a.m.run(new org.x86play.machine.RunLimits().maxInstructions(200_000));
        byte[] snap = new SnapshotWriter(new PortableCompression()).write(a.m, a.p, a.config, a.initial);
        TestGuest.Built b = new TestGuest.Built();
        Snapshot.parse(snap).restore(b.m, b.p, b.config, JDK);
        TestGuest.Built c = new TestGuest.Built();
        Snapshot.parse(new SnapshotWriter(JDK).write(a.m, a.p, a.config, a.initial)).restore(c.m, c.p, c.config, new PortableCompression());
        assertArrayEquals(new SnapshotWriter(JDK).write(a.m, a.p, a.config, a.initial), new SnapshotWriter(JDK).write(b.m, b.p, b.config, b.initial));
        assertArrayEquals(new SnapshotWriter(JDK).write(a.m, a.p, a.config, a.initial), new SnapshotWriter(JDK).write(c.m, c.p, c.config, c.initial));
    }

    @Test
    void wrongSizeIsRejected() {
        byte[] data = new byte[5000];
        byte[] z = JDK.deflate(data, 0, data.length);
        assertThrows(SnapshotFormatException.class, () -> Inflater.inflate(z, 0, z.length, 4999));
        assertThrows(SnapshotFormatException.class, () -> Inflater.inflate(z, 0, z.length, 5001));
    }

    @Test
    void hostileInputOnlyThrowsSnapshotFormatException() {
        Random rnd = new Random(11);
        byte[] data = new byte[20_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 % 13 + rnd.nextInt(3));
        byte[] z = JDK.deflate(data, 0, data.length);
        int rejected = 0, ok = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bad;
            if (i % 2 == 0) {
                bad = z.clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
            } else {
                bad = new byte[rnd.nextInt(200)];
                rnd.nextBytes(bad);
            }
            try {
                Inflater.inflate(bad, 0, bad.length, data.length);
                ok++;
            } catch (SnapshotFormatException e) {
                rejected++;
            } catch (Throwable t) {
                fail("case " + i + ": " + t);
            }
        }
        System.out.println("inflater hostile input: " + (rejected + ok) + " tried, " + rejected + " rejected, " + ok + " decoded to the expected size");
        assertEquals(20_000, rejected + ok);
    }
}
