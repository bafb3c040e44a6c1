package org.x86play.web;

import org.x86play.machine.Machine;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

/**
 * Browser entry point. For now it only proves the core compiles and starts under TeaVM:
 * it builds a machine and runs a few instructions of an empty ROM. The playground page comes
 * with the browser issue.
 */
public final class BrowserMain {
    private BrowserMain() {}

    public static void main(String[] args) {
        Machine machine = new Machine(4 << 20);
        machine.loadBios(new byte[64 << 10]);
        RunResult result = machine.run(new RunLimits().maxInstructions(1000));
        System.out.println("x86play core: " + (result == null ? "no result" : result.reason + " " + result.message));
    }
}
