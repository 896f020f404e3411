package dev.cft.lm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  @Test
  void usingTheModelTunesGlibcsAllocatorOnLinux() {
    assumeTrue(
        Platform.isLinux()
            && System.getenv().keySet().stream().noneMatch(k -> k.startsWith("MALLOC_")));
    try (NDManager manager = NDManager.newBaseManager();
        Gpt model = Gpt.initialize(GptConfig.tiny(16), manager, 1)) {
      assertTrue(NativeMemory.tuned(), "mallopt applied when the first model was made");
    }
  }
}
