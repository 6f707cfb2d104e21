package dev.sealkit;

import com.sun.jna.IntegerType;
import com.sun.jna.Native;

/**
 * C's size_t, whatever its width on this platform. Public only because JNA
 * instantiates IntegerType subclasses reflectively; not part of the API.
 */
public final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    /** Zero; JNA needs a public no-argument constructor. */
    public SizeT() {
        this(0);
    }

    SizeT(long v) {
        super(Native.SIZE_T_SIZE, v, true);
    }
}
