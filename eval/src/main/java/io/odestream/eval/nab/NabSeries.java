package io.odestream.eval.nab;

import java.time.LocalDateTime;

/**
 * One NAB data file: {@code name} is its path relative to NAB's {@code data/} folder
 * (e.g. {@code realKnownCause/nyc_taxi.csv}, the key of the label files). Timestamps are in
 * file order and need not be increasing: NAB's own data repeat an hour at a daylight-saving change
 * (e.g. {@code realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv}, line 2121).
 */
public record NabSeries(String name, LocalDateTime[] timestamps, double[] values) {
    public NabSeries {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(name + ": " + timestamps.length + " timestamps but " + values.length + " values");
        }
    }

    public int rows() {
        return timestamps.length;
    }
}
