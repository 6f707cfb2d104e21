package dev.sealkit;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The libsealkit boundary: loads the library once and runs one C call at a
 * time through {@link Call}, which owns every native buffer of that call.
 *
 * <p>Calls go through JNA's {@link Function} rather than an interface
 * mapping so that inputs can live in memory this class allocates, copies
 * into and wipes after the call: with JNA's automatic byte[] marshalling
 * the array may be copied into a temporary native buffer (by JNA or by the
 * JVM's JNI array access) that is released without being zeroed, and a key
 * must not be left behind there.
 */
final class Lib {
    private Lib() {}

    // sealkit.h's level constants.
    static final int SEALKIT_CAT1 = 1, SEALKIT_CAT3 = 3, SEALKIT_CAT5 = 5;
    static final int SEALKIT_SIGN_CAT2 = 2, SEALKIT_SIGN_CAT3 = 3, SEALKIT_SIGN_CAT5 = 5;

    /**
     * The library: the file named by the system property {@code sealkit.lib}
     * or the environment variable {@code SEALKIT_LIB} if set, else
     * "sealkit" looked up on {@code jna.library.path} and the system's
     * library path (on Android: the APK's lib/&lt;abi&gt;/libsealkit.so).
     */
    static final NativeLibrary LIB = NativeLibrary.getInstance(libraryName());

    private static final Function FREE = LIB.getFunction("sealkit_free");
    private static final Function FREE_STRING = LIB.getFunction("sealkit_free_string");

    private static String libraryName() {
        String p = System.getProperty("sealkit.lib");
        if (p == null || p.isEmpty()) {
            p = System.getenv("SEALKIT_LIB");
        }
        return p == null || p.isEmpty() ? "sealkit" : p;
    }

    static long readSizeT(Pointer p) {
        return Native.SIZE_T_SIZE == 8 ? p.getLong(0) : p.getInt(0) & 0xffffffffL;
    }

    /** The SDK's name for a status code (sealkit.h's order, js/errors.js's strings). */
    static String codeName(int code) {
        String[] names = {"OK", "BASE64", "DECRYPTION", "INVALID_LENGTH", "TOO_SHORT",
            "INVALID_KEY_HASH", "INVALID_RECOVERY_KEY", "KDF", "HYBRID", "UTF8",
            "LOW_ORDER_KEY", "SIGNATURE", "INVALID_ARGUMENT", "INTERNAL"};
        return code >= 0 && code < names.length ? names[code] : "UNKNOWN";
    }

    /** A byte output: the library writes a pointer and a length into it. */
    static final class BytesOut {
        final Memory ptr = new Memory(Native.POINTER_SIZE);
        final Memory len = new Memory(Native.SIZE_T_SIZE);
        boolean taken;

        BytesOut() {
            ptr.setPointer(0, null);
            len.clear();
        }

        /** Copies the output into a new array and wipes and frees the library's buffer. */
        byte[] take() {
            Pointer p = ptr.getPointer(0);
            long n = readSizeT(len);
            taken = true;
            if (p == null) {
                return new byte[0];
            }
            if (n > Integer.MAX_VALUE - 8) {
                FREE.invokeVoid(new Object[] {p, new SizeT(n)});
                throw new IllegalStateException("libsealkit output too large for a Java array");
            }
            byte[] b = p.getByteArray(0, (int) n);
            FREE.invokeVoid(new Object[] {p, new SizeT(n)});
            ptr.setPointer(0, null);
            return b;
        }

        void release() {
            if (!taken) {
                take();
            }
            ptr.close();
            len.close();
        }
    }

    /** A NUL-terminated string output (char **). */
    static final class StringOut {
        final Memory ptr = new Memory(Native.POINTER_SIZE);
        boolean taken;

        StringOut() {
            ptr.setPointer(0, null);
        }

        String take() {
            Pointer p = ptr.getPointer(0);
            taken = true;
            if (p == null) {
                return "";
            }
            String s = p.getString(0, StandardCharsets.UTF_8.name());
            FREE_STRING.invokeVoid(new Object[] {p});
            ptr.setPointer(0, null);
            return s;
        }

        void release() {
            if (!taken) {
                take();
            }
            ptr.close();
        }
    }

    /** An int output (int *). */
    static final class IntOut {
        final Memory cell = new Memory(4);

        IntOut() {
            cell.clear();
        }

        int get() {
            return cell.getInt(0);
        }
    }

    /**
     * One C call: arguments in the header's order, then the {@code char
     * **error} slot, which {@link #invoke} appends. close() wipes every input
     * copy and frees any output the caller did not take.
     */
    static final class Call implements AutoCloseable {
        private final Function fn;
        private final List<Object> args = new ArrayList<>();
        private final List<Memory> inputs = new ArrayList<>();
        private final List<BytesOut> bytesOuts = new ArrayList<>();
        private final List<StringOut> stringOuts = new ArrayList<>();

        Call(String name) {
            fn = LIB.getFunction(name);
        }

        /** A {@code const uint8_t *p, size_t len} input, copied into memory wiped after the call. */
        Call in(byte[] b) {
            if (b == null) {
                throw new NullPointerException("input is null");
            }
            if (b.length == 0) {
                args.add(Pointer.NULL);
            } else {
                Memory m = new Memory(b.length);
                m.write(0, b, 0, b.length);
                inputs.add(m);
                args.add(m);
            }
            args.add(new SizeT(b.length));
            return this;
        }

        /** A string input: its UTF-8 bytes as a pointer-length pair. */
        Call in(String s) {
            if (s == null) {
                throw new NullPointerException("input is null");
            }
            return in(s.getBytes(StandardCharsets.UTF_8));
        }

        Call arg(int v) {
            args.add(v);
            return this;
        }

        BytesOut bytesOut() {
            BytesOut o = new BytesOut();
            bytesOuts.add(o);
            args.add(o.ptr);
            args.add(o.len);
            return o;
        }

        StringOut stringOut() {
            StringOut o = new StringOut();
            stringOuts.add(o);
            args.add(o.ptr);
            return o;
        }

        IntOut intOut() {
            IntOut o = new IntOut();
            args.add(o.cell);
            return o;
        }

        /** Runs the call; a nonzero status becomes a SealkitException with the crate's text. */
        void invoke() throws SealkitException {
            StringOut err = new StringOut();
            args.add(err.ptr);
            int rc = fn.invokeInt(args.toArray());
            String text = err.take();
            err.release();
            check(rc, text);
        }

        /** Runs a call whose C signature has no error slot (the generators, is_hybrid_ciphertext). */
        void invokeWithoutText() throws SealkitException {
            check(fn.invokeInt(args.toArray()), "");
        }

        private static void check(int rc, String text) throws SealkitException {
            if (rc != 0) {
                throw new SealkitException(rc, codeName(rc), text.isEmpty() ? codeName(rc) : text);
            }
        }

        @Override
        public void close() {
            for (Memory m : inputs) {
                m.clear();
                m.close();
            }
            for (BytesOut o : bytesOuts) {
                o.release();
            }
            for (StringOut o : stringOuts) {
                o.release();
            }
        }
    }
}
