package org.x86play.devices.serial;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    static final int B = Uart16550.COM1;
    final Uart16550 u = new Uart16550();
    final List<Integer> sent = new ArrayList<>();
    final ArrayDeque<Integer> host = new ArrayDeque<>();

    Uart16550Test() {
        u.setOutput(sent::add);
        u.setInput(() -> host.isEmpty() ? -1 : host.poll());
    }

    int in(int reg) { return u.in(B + reg, 1); }
    void out(int reg, int v) { u.out(B + reg, 1, v); }

    @Test
    void transmitsAndAlwaysReportsTransmitterEmpty() {
        out(0, 'A');
        out(0, 0x1FF); // only the low byte goes out
        assertEquals(List.of((int) 'A', 0xFF), sent);
        assertEquals(0x60, in(5) & 0x61, "THRE|TEMT set, DR clear");
    }

    @Test
    void divisorLatchSharesPortsWithDataAndIer() {
        out(1, 0x0F);              // IER
        out(3, 0x83);              // DLAB=1, 8N1
        out(0, 0x01); out(1, 0x00); // 115200 baud
        assertEquals(0x01, in(0));
        assertEquals(0x00, in(1));
        assertTrue(sent.isEmpty(), "DLL write is not a transmission");
        out(3, 0x03);
        assertEquals(0x0F, in(1));
        assertEquals(0x03, in(3));
    }

    @Test
    void scratchRegisterAndFifoIdentification() {
        out(7, 0x5A);
        assertEquals(0x5A, in(7));
        assertEquals(0x01, in(2), "no FIFO, no interrupt");
        out(2, 0xC7); // enable + clear FIFOs, trigger 14
        assertEquals(0xC1, in(2), "16550A: FIFO bits 6-7 set");
    }

    @Test
    void receiveTakesHostBytesOnlyWhenThereIsRoom() {
        host.addAll(List.of(1, 2, 3));
        assertEquals(0x01, in(5) & 1);
        assertEquals(2, host.size(), "non-FIFO mode holds one byte");
        assertEquals(1, in(0));
        assertEquals(2, in(0));
        assertEquals(3, in(0));
        assertEquals(0, in(5) & 1);
        assertEquals(0, in(5) & 2, "never an overrun");
        out(2, 0x01); // FIFO mode: up to 16 bytes buffered
        for (int i = 0; i < 20; i++) host.add(i);
        u.pollInput();
        assertEquals(4, host.size());
        for (int i = 0; i < 20; i++) assertEquals(i, in(0));
        assertEquals(0, in(5) & 1);
    }

    @Test
    void interruptIdentificationPriorities() {
        assertFalse(u.interruptPending());
        out(1, 0x02); // enable THRE interrupt: THR is empty, so it is pending at once
        assertTrue(u.interruptPending());
        assertFalse(u.irqAsserted(), "OUT2 gates the IRQ line");
        out(4, 0x08);
        assertTrue(u.irqAsserted());
        assertEquals(0x02, in(2));
        assertEquals(0x01, in(2), "reading IIR acknowledged THRE");
        out(0, 'x');
        assertEquals(0x02, in(2), "THR empty again after a transmission");
        out(1, 0x03);
        host.add(0x41);
        assertEquals(0x04, in(2), "received data outranks THRE");
        assertEquals(0x41, in(0));
        assertEquals(0x01, in(2), "THRE was acknowledged before and nothing was sent since");
    }

    @Test
    void loopbackEchoesDataAndModemLines() {
        out(4, 0x10);              // loopback, all outputs off
        in(6);                      // clear deltas
        out(0, 0x77);
        assertTrue(sent.isEmpty(), "loopback does not transmit");
        assertEquals(1, in(5) & 1);
        assertEquals(0x77, in(0));
        out(4, 0x1F);              // DTR RTS OUT1 OUT2
        int msr = in(6);
        assertEquals(0xF0, msr & 0xF0);
        assertEquals(0x0B, msr & 0x0F, "DCTS DDSR DDCD set by the change");
        assertEquals(0xF0, in(6), "deltas cleared by reading MSR");
        out(4, 0x00);
        assertEquals(0xB0, in(6) & 0xF0, "not in loopback: CTS DSR DCD of a connected terminal");
    }

    @Test
    void everyTransmissionGivesTheBoardAFreshThreEdge() {
        List<Boolean> levels = new ArrayList<>();
        u.setIrqListener(() -> levels.add(u.irqAsserted()));
        out(4, 0x08);              // OUT2: the board sees INTR
        out(1, 0x02);              // THRE interrupt on: THR is empty, so INTR rises
        assertEquals(List.of(true), levels);
        out(0, 'x');               // without reading IIR first: INTR must drop and rise again
        out(0, 'y');
        assertEquals(List.of(true, false, true, false, true), levels);
        assertEquals(0x02, in(2) & 0x0F, "THRE is the pending source");
        assertEquals(List.of(true, false, true, false, true, false), levels, "reading IIR acknowledges THRE");
    }

    @Test
    void receivedHostByteRaisesTheLineWithoutPolling() {
        List<Boolean> levels = new ArrayList<>();
        u.setIrqListener(() -> levels.add(u.irqAsserted()));
        out(4, 0x08);
        out(1, 0x01);              // received-data interrupt
        assertTrue(levels.isEmpty());
        host.add((int) 'k');
        u.pollInput();
        assertEquals(List.of(true), levels);
        assertEquals('k', in(0));
        assertEquals(List.of(true, false), levels);
    }

    @Test
    void anInterruptDrivenGuestReceivesOnlyWhileItsReceiveInterruptIsOn() {
        host.add((int) 'a');
        out(1, 0x0F);              // a driver probes the interrupt enables ...
        out(1, 0x00);              // ... and turns them off until the port is opened
        assertEquals(0, in(5) & 1, "typed-ahead input waits");
        out(2, 0x07);              // the driver resets the FIFOs while starting the port: nothing is lost
        out(1, 0x01);              // open: received-data interrupt on
        assertEquals(1, in(5) & 1);
        assertEquals('a', in(0));
    }

    @Test
    void aPollingGuestGetsBytesWhenItLooks() {
        host.add((int) 'p');
        assertEquals(1, in(5) & 1, "IER never enabled: polling reads pull host input");
        assertEquals('p', in(0));
    }

    @Test
    void aFifoResetHandsUnreadHostBytesBack() {
        host.add((int) 'u');
        host.add((int) 'n');
        out(2, 0x01);              // FIFO on
        assertEquals(1, in(5) & 1, "a polling console pulls host bytes into the FIFO");
        out(1, 0x0F);              // the driver probes the interrupt enables and turns them off ...
        out(1, 0x00);
        out(2, 0x07);              // ... resets the FIFOs while starting the port ...
        assertEquals(0, in(5) & 1, "... and sees an empty receiver");
        out(1, 0x01);              // open: received-data interrupt on
        assertEquals('u', in(0), "nothing typed ahead was lost");
        assertEquals('n', in(0));
    }
}
