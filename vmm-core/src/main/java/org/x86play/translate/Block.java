package org.x86play.translate;

import org.x86play.cpu.decoder.FastForm;
import org.x86play.cpu.decoder.Instruction;

/**
 * A basic block: instructions pre-decoded by {@link org.x86play.cpu.decoder.Decoder}, contiguous in one
 * 4 KiB page of the backing store (blocks never cross a page: an instruction that would is left to the
 * interpreter). Keyed by {@link #key} (store byte index of the first byte = physical address for RAM)
 * and the CS default size. Immutable once built, except {@link #valid} (cleared on invalidation; an
 * invalidated block is never reused) and the chain links.
 */
final class Block {
    final int key;
    final boolean code32;
    final Instruction[] insns;
    /** ends[i]: offset from the block start of the byte after instruction i. */
    final int[] ends;
    final int count;
    /** Bytes covered. */
    final int length;
    /** The last instruction is one after which the engine returns to the run loop (see {@link BlockCache#endsRun}). */
    final boolean endsRun;
    /** EIP wrap mask: 16-bit code wraps IP at 64 KiB. */
    final int eipMask;
    /** The last two instructions are a register compare and a conditional jump (run as one pair). */
    final boolean compareBranch;
    boolean valid = true;
    /** Full runs of this block so far, up to the compile threshold (see {@link BlockCacheEngine#setCompiler}). */
    int heat;
    /** Host code for instructions 0 .. stop-1 once the block is hot and a compiler is installed, else null. */
    CompiledBlock compiled;
    /** Hash bucket chain and per-page list. */
    Block hashNext, pageNext;
    /**
     * Direct successors seen after this block (e.g. a branch's taken and fall-through targets): EIP and block.
     * Only a hint: followed only if the successor is still valid and its physical key matches what the
     * current CS:EIP maps to (see {@link BlockCacheEngine}).
     */
    int succEip0 = -1, succEip1 = -1;
    Block succ0, succ1;
    /** Context generation each link was checked in (0: not checked); see {@link BlockCacheEngine}. */
    int succGen0, succGen1;

    Block(int key, boolean code32, Instruction[] insns, int[] ends, int count) {
        this.key = key;
        this.insns = insns;
        this.code32 = code32;
        this.ends = ends;
        this.count = count;
        this.length = ends[count - 1];
        this.endsRun = BlockCache.endsRun(insns[count - 1]);
        this.eipMask = code32 ? -1 : 0xFFFF;
        this.compareBranch = count >= 2 && insns[count - 1].fast == FastForm.JCC
                && FastForm.isCompare(insns[count - 2].fast);
    }

    /** Page offset of the first and last byte. */
    int first() { return key & 0xFFF; }
    int last() { return (key & 0xFFF) + length - 1; }
}
