package io.odestream.kafka;

import io.odestream.schema.DeadLetter;
import org.apache.flink.streaming.api.datastream.DataStream;

/** A topic read and decoded: the usable records, and every record that was not (never dropped). */
public record Decoded<T>(DataStream<T> records, DataStream<DeadLetter> deadLetters) {}
