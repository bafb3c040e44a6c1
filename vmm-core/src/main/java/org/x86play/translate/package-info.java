/**
 * Block translation cache: the first classic technique of software virtualization, here as a decoded-block
 * cache in front of the interpreter.
 * <ul>
 *   <li>{@link org.x86play.translate.ExecutionEngine}: what the run loop calls, one instruction
 *       ({@code step}) or many ({@code run}: the block engine runs whole chained blocks and returns after any
 *       instruction that may change what the run loop polls: port I/O, IF/TF changes, HLT, far transfers,
 *       faults, MMIO accesses, REP strings); {@link org.x86play.translate.InterpreterEngine} (decode every
 *       time) and {@link org.x86play.translate.BlockCacheEngine} (pre-decoded blocks) give the same
 *       architectural results; external interrupts may be recognised a few instructions later with the
 *       cache (at the end of the block in which an MMIO access made one deliverable), and chunk hooks run
 *       after the block that passes the chunk size, so device timing is not bit-identical between them.</li>
 *   <li>{@link org.x86play.translate.BlockCache}: basic blocks of {@link org.x86play.cpu.decoder.Instruction}s
 *       decoded by the interpreter's own {@link org.x86play.cpu.decoder.Decoder}, ended by a BRANCH-attributed
 *       or attention instruction, a REP string, 64 instructions or the end of the 4 KiB page (blocks never cross a page; an instruction
 *       that would is interpreted). Hash table keyed by physical address (backing-store index) and the CS D
 *       bit, the only mode input of the decoder. Coherence by write-watching code pages with a 128-byte-chunk
 *       bitmap per page and byte-exact invalidation; pages rewritten too often are interpreted.</li>
 *   <li>Remaps and aliases need no invalidation: a block entry either translates CS:EIP through the MMU, or
 *       reuses a successor link or the indirect-target cache (linear address to block: returns, indirect
 *       jumps) only where the current TLB maps that address to the block's first byte, or the link was
 *       checked in the same context generation (CS, CPL, MMU translation epoch unchanged).</li>
 *   <li>{@link org.x86play.translate.CacheStats} and {@link org.x86play.translate.ExecStats}: counters.</li>
 * </ul>
 */
package org.x86play.translate;
