package io.odestream.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys for signing model artifacts, stored as PEM files:
 * {@code <name>.key} = PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, file mode 600),
 * {@code <name>.pub} = X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), the
 * formats {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write, so
 * keys can be made and inspected with openssl too.
 *
 * <p>The key id is derived from the public key, never chosen: {@code ed25519:} + the first 16
 * hex digits of SHA-256 over the X.509 DER bytes. A signature's key id therefore names exactly
 * one public key, and two files holding the same key agree on its id.
 */
public final class SigningKeys {
    public static final String ALGORITHM = "Ed25519";
    public static final String PRIVATE_KEY_SUFFIX = ".key";
    public static final String PUBLIC_KEY_SUFFIX = ".pub";

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private SigningKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no Ed25519 (Java 15+ has it): " + e.getMessage(), e);
        }
    }

    /** {@code ed25519:<16 hex digits>}, see the class comment. */
    public static String keyId(PublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return "ed25519:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Writes {@code dir/name.key} (owner read/write only where the file system supports it) and
     * {@code dir/name.pub}; refuses to overwrite an existing key.
     */
    public static void write(KeyPair pair, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path privateFile = dir.resolve(name + PRIVATE_KEY_SUFFIX);
        Path publicFile = dir.resolve(name + PUBLIC_KEY_SUFFIX);
        for (Path f : new Path[] {privateFile, publicFile}) {
            if (Files.exists(f)) {
                throw new IOException(f + " already exists; choose another --name or directory, or delete it "
                        + "if that key is no longer needed (artifacts it signed can then no longer be verified)");
            }
        }
        Files.writeString(privateFile, pem(PRIVATE_PEM, pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // e.g. Windows: the directory's ACL applies
        }
        Files.writeString(publicFile, pem(PUBLIC_PEM, pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    }

    public static PrivateKey readPrivateKey(Path file) {
        byte[] der = readPem(file, PRIVATE_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(file + " is not an Ed25519 PKCS#8 private key (" + e.getMessage()
                    + "); create one with `odestream models keygen --out DIR`", e);
        }
    }

    public static PublicKey readPublicKey(Path file) {
        byte[] der = readPem(file, PUBLIC_PEM);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new KeyFileException(file + " is not an Ed25519 X.509 public key (" + e.getMessage()
                    + "); use the .pub file written by `odestream models keygen`", e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] readPem(Path file, String label) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new KeyFileException(file + " has no '" + begin + "' ... '" + end + "' block; expected a PEM "
                    + (PRIVATE_PEM.equals(label) ? "PKCS#8 private key (*.key)" : "X.509 public key (*.pub)")
                    + " as written by `odestream models keygen`");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + ": the PEM body is not valid base64 (" + e.getMessage() + ")", e);
        }
    }
}
