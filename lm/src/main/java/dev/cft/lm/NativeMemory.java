package dev.cft.lm;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tunes glibc's allocator, which libtorch's CPU tensors come from, so that freed activation memory
 * is reused instead of handed back to the kernel.
 *
 * <p>By default glibc serves blocks of a few MB with {@code mmap} and returns them on free; every
 * step of training then allocates its activations afresh and the kernel zero-fills each page on
 * first touch: ~37k page faults and ~70 ms of system time per d=256 step here, 8–10 % of its wall
 * time. Keeping blocks up to 32 MB in the heap and not trimming it makes later steps reuse pages.
 * Larger tensors (the logits of a big vocabulary) still go to {@code mmap}: glibc caps the
 * threshold at 32 MB on 64-bit.
 *
 * <p>Off with {@code -Dcft.lm.tune-malloc=false}; left alone when any {@code MALLOC_*_} variable is
 * set (the operator chose), and on anything but Linux/glibc.
 */
public final class NativeMemory {
  static final int M_TRIM_THRESHOLD = -1;
  static final int M_TOP_PAD = -2;
  static final int M_MMAP_THRESHOLD = -3;
  static final int MMAP_THRESHOLD = 32 << 20;
  static final int TRIM_THRESHOLD = 1 << 30;
  static final int TOP_PAD = 64 << 20;

  private static final Logger LOG = Logger.getLogger(NativeMemory.class.getName());
  private static final AtomicBoolean DONE = new AtomicBoolean();
  private static volatile boolean tuned;

  private NativeMemory() {}

  /** Applies the settings once per process; later calls do nothing. */
  public static void tuneAllocator() {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    if (!Boolean.parseBoolean(System.getProperty("cft.lm.tune-malloc", "true"))
        || !Platform.isLinux()
        || System.getenv().keySet().stream().anyMatch(k -> k.startsWith("MALLOC_"))) {
      return;
    }
    try {
      Function mallopt = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
      // mallopt returns 1 on success; musl has no such function (UnsatisfiedLinkError below).
      tuned =
          mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
              & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1
              & mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LOG.log(Level.FINE, "allocator not tuned", e);
    }
  }

  /** Whether {@link #tuneAllocator} changed the allocator's settings in this process. */
  public static boolean tuned() {
    return tuned;
  }
}
