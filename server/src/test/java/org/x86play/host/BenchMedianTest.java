package org.x86play.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The medians {@code ./vmm bench} reports. */
class BenchMedianTest {
    private static BenchCommand.Figure f(long instructions, double seconds) {
        return new BenchCommand.Figure(instructions, seconds);
    }

    @Test
    void oddCountIsTheMiddleRun() {
        BenchCommand.Figure m = BenchCommand.median(List.of(f(3, 30.0), f(1, 10.0), f(2, 20.0)));
        assertEquals(20.0, m.seconds);
        assertEquals(2, m.instructions);
    }

    @Test
    void evenCountIsTheMeanOfTheMiddleTwo() {
        BenchCommand.Figure m = BenchCommand.median(List.of(f(400, 40.0), f(100, 10.0), f(300, 30.0), f(200, 20.0)));
        assertEquals(25.0, m.seconds, 1e-9);
        assertEquals(250, m.instructions);
        BenchCommand.Figure two = BenchCommand.median(List.of(f(10, 50.0), f(20, 30.0)));
        assertEquals(40.0, two.seconds, 1e-9);
    }

    @Test
    void noRunsNoMedian() {
        assertNull(BenchCommand.median(List.of()));
    }
}
