package dev.cft.events.documents;

import java.time.Instant;

/**
 * {@code models/<domain>/aliases/<alias>.json}: the version an alias points at. Production moves by
 * one PUT of this object, so every reader sees the old version or the new one.
 */
public record ModelAlias(String version, Instant at, String reason) {}
