/**
 * The model registry: signed {@link io.odestream.schema.ModelArtifact}s on a compacted Kafka topic.
 *
 * <h2>Keys and signatures</h2>
 * Ed25519 from the JDK. Keys are PEM files ({@link io.odestream.registry.SigningKeys}):
 * {@code NAME.key} PKCS#8 private, {@code NAME.pub} X.509 public; the key id is derived from the
 * public key ({@code ed25519:} + 16 hex digits of its SHA-256). {@link io.odestream.registry.ArtifactSigner}
 * signs {@link io.odestream.registry.SignedArtifactBytes} (every field but the signature, with the
 * content covered through the recomputed checksum of {@link io.odestream.schema.ArtifactDigest});
 * {@link io.odestream.registry.ArtifactVerifier} rejects with a {@link io.odestream.kafka.Rejection} whose reason is:
 * UNSIGNED, CHECKSUM_MISMATCH, UNKNOWN_KEY, BAD_SIGNATURE. A job that consumes the models topic
 * directly should call {@code ArtifactVerifier.check} on every artifact before it swaps.
 *
 * <h2>Topics</h2>
 * {@link io.odestream.registry.ModelRegistry}: the models topic (ModelArtifact, key
 * {@code modelId/version}) and the serving topic {@code model-serving} ({@link io.odestream.schema.RegistryServing}, key {@code modelId}), both compacted, one
 * partition. Promote and rollback republish the served artifact in the same transaction as the
 * pointer, so a job that swaps to each artifact it reads from the models topic swaps to the
 * promoted (or rolled-back-to) version; a plain publish is a candidate the job may validate and
 * take or refuse (docs/ARCHITECTURE.md, "The model lifecycle"), and the pointer records what was chosen.
 */
package io.odestream.registry;
