package dev.cft.lm.generate;

/**
 * @param finishReason {@code stop} (EOS or a stop string) or {@code length} (max tokens or the
 *     model's context)
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, String finishReason) {}
