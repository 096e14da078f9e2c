package io.odestream.job.cli;

import io.odestream.registry.TrustedKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Whose signatures a command trusts; shared by every command that reads signed models, so --keys means one thing. */
public final class TrustedKeysOption {
    @Option(names = "--keys", paramLabel = "DIR", defaultValue = "${env:ODESTREAM_TRUSTED_KEYS:-keys}",
            description = "Directory of trusted public keys (*.pub): models signed by others are rejected "
                    + "(default: $ODESTREAM_TRUSTED_KEYS if set, else keys).")
    Path keys;

    /** The directory as given (relative paths stay relative). */
    public Path directory() {
        return keys;
    }

    /** The keys read from the directory. */
    public TrustedKeys load() {
        return TrustedKeys.fromDirectory(keys);
    }
}
