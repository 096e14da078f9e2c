package io.odestream.ode.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's read-only shared folder ({@code ../shared} beside the repository). */
public final class SharedFiles {
    private SharedFiles() {
    }

    /** {@code shared/<relative>}, searched upwards from the working directory. */
    public static Path resolve(String relative) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find shared/" + relative + " in any parent of " + dir
                + "; the shared folder must sit beside the repository (../shared)");
    }
}
