package dev.sealkit;

/** What a signing public key or signature is: its suite and its level. */
public record Posture(Suite suite, SignLevel level) {}
