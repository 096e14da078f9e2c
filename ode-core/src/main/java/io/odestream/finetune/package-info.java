/**
 * Continuous fine-tuning of a served latent ODE, without Flink or Kafka: training windows cut per
 * series ({@link io.odestream.finetune.TrainingWindow}, {@link io.odestream.finetune.WindowCutter}),
 * a reservoir in which hot series do not dominate and whose held-out split is stable
 * ({@link io.odestream.finetune.WindowReservoir}), and a round that trains a candidate from the
 * serving model within a wall-clock budget and publishes it only when it beats the serving model
 * on the same held-out windows by a margin ({@link io.odestream.finetune.FineTuneRound},
 * {@link io.odestream.finetune.CandidateCheck}, {@link io.odestream.finetune.HeldOutLoss}).
 */
package io.odestream.finetune;
