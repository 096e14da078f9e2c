package io.odestream.job.forecast;

import io.odestream.flow.ResidualFlowScorer;
import io.odestream.latent.ResidualScorer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The flow anomaly scorer the job scores with ({@code run --scorer cnf}), held as the bytes of its
 * file ({@link ResidualFlowScorer#write}). It is read and validated once where the job is submitted
 * and travels inside {@link UpdaterSettings}, so a TaskManager on another machine needs no path and
 * no file. Each per-series operator builds its own scorer from the bytes: a scorer is not shared
 * between threads.
 */
public final class ResidualFlowFile implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Where an operator finds out how to get a file, in every refusal. */
    static final String HOW_TO_WRITE = "write one with `odestream eval cnf-demo --out FILE`";

    private final byte[] bytes;
    private final int channels;

    private ResidualFlowFile(byte[] bytes, int channels) {
        this.bytes = bytes;
        this.channels = channels;
    }

    /** Reads and validates a scorer file; a missing, unreadable or corrupt one is refused with the reason. */
    public static ResidualFlowFile read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such scorer file; " + HOW_TO_WRITE, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the scorer file (" + e + ")", e);
        }
        return of(bytes, file.toString());
    }

    /** Validates the bytes of a scorer file; {@code source} names them in a refusal. */
    public static ResidualFlowFile of(byte[] bytes, String source) {
        byte[] copy = bytes.clone();
        return new ResidualFlowFile(copy, parse(copy, source).channels());
    }

    /** The channel count the flow was trained for. */
    public int channels() {
        return channels;
    }

    /**
     * Refuses a flow trained for another channel count than the model the job starts with: it would
     * never score (every observation would keep the Gaussian score), which is a misconfiguration.
     */
    public void requireChannels(int modelChannels, String model) {
        if (modelChannels != channels) {
            throw new IllegalArgumentException("the scorer file's flow has " + channels + " channels but " + model
                    + " has " + modelChannels + "; fit a scorer on this model's residuals (" + HOW_TO_WRITE + ")");
        }
    }

    /** A scorer of its own for one operator. */
    public ResidualScorer newScorer() {
        return parse(bytes, "the shipped scorer");
    }

    /** The file's bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    private static ResidualFlowScorer parse(byte[] bytes, String source) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ResidualFlowScorer scorer;
        try {
            scorer = ResidualFlowScorer.read(in);
        } catch (EOFException e) {
            throw new IllegalArgumentException(source + ": not a complete residual flow scorer file (it ends after "
                    + bytes.length + " bytes); " + HOW_TO_WRITE, e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not a usable residual flow scorer file (" + e.getMessage()
                    + "); " + HOW_TO_WRITE, e);
        }
        if (in.available() > 0) {
            throw new IllegalArgumentException(source + ": " + in.available() + " bytes follow the residual flow "
                    + "scorer; the file is not one scorer as `eval cnf-demo --out` writes it");
        }
        return scorer;
    }

    @Override
    public String toString() {
        return "ResidualFlowFile[" + channels + " channels, " + bytes.length + " bytes]";
    }
}
