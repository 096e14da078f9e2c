package io.odestream.registry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The public keys whose signatures are accepted, by key id ({@link SigningKeys#keyId}). */
public final class TrustedKeys implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    public static TrustedKeys of(PublicKey... keys) {
        Map<String, PublicKey> map = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            map.put(SigningKeys.keyId(key), key);
        }
        return new TrustedKeys(map);
    }

    /** Every {@code *.pub} file in {@code dir}; fails when there is none (nothing could be verified). */
    public static TrustedKeys fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new KeyFileException("the trusted-key directory " + dir + " does not exist; create a key pair "
                    + "with `odestream models keygen --out " + dir + "` or point --keys at the directory holding "
                    + "the *.pub files of the signers you trust");
        }
        Map<String, PublicKey> map = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SigningKeys.PUBLIC_KEY_SUFFIX)) {
            for (Path file : files) {
                PublicKey key = SigningKeys.readPublicKey(file);
                map.put(SigningKeys.keyId(key), key);
            }
        } catch (IOException e) {
            throw new KeyFileException("cannot list the trusted-key directory " + dir + ": " + e.getMessage(), e);
        }
        if (map.isEmpty()) {
            throw new KeyFileException("the trusted-key directory " + dir + " holds no *" + SigningKeys.PUBLIC_KEY_SUFFIX
                    + " file; copy the public keys of the signers you trust into it");
        }
        return new TrustedKeys(map);
    }

    public Optional<PublicKey> get(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    public Set<String> ids() {
        return byId.keySet();
    }
}
