package io.odestream.job.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/**
 * Where a job command runs its job: by default the environment it finds (a local MiniCluster from
 * the command line, the cluster's context under {@code flink run}); with {@code --cluster HOST:PORT}
 * a running Flink cluster's REST endpoint, to which the lean job jar is shipped and the job submitted
 * detached, so the command prints the job id and returns while the job runs on the cluster.
 */
public final class ClusterSubmission {
    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Submit the job, detached, to the Flink cluster with this REST endpoint (`odestream cluster "
                    + "status` prints it) instead of running it here; prints the job id and returns.")
    String cluster;

    @Option(names = "--job-jar", paramLabel = "JAR", defaultValue = "stream-jobs/target/odestream-job.jar",
            description = "With --cluster: the job jar shipped to the cluster (default ${DEFAULT-VALUE}, built by "
                    + "`mvn -pl stream-jobs -am package -DskipTests`).")
    Path jobJar;

    /** The environment the job is built on; {@code flink} carries the job's own settings either way. */
    StreamExecutionEnvironment environment(Configuration flink) {
        if (cluster == null) {
            return StreamExecutionEnvironment.getExecutionEnvironment(flink);
        }
        int colon = cluster.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(cluster.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("--cluster " + cluster + ": expected HOST:PORT of the cluster's REST "
                    + "endpoint, e.g. 127.0.0.1:8081 (`odestream cluster status` prints it)");
        }
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalArgumentException("--job-jar " + jobJar.toAbsolutePath() + " does not exist: build it with "
                    + "`mvn -pl stream-jobs -am package -DskipTests` or name the job jar with --job-jar");
        }
        flink.set(DeploymentOptions.ATTACHED, false);
        return StreamExecutionEnvironment.createRemoteEnvironment(cluster.substring(0, colon), port, flink,
                jobJar.toAbsolutePath().toString());
    }

    /** Runs the job here until it ends, or submits it to the cluster and says which job it became. */
    void execute(StreamExecutionEnvironment env, String jobName, PrintWriter out) throws Exception {
        if (cluster == null) {
            env.execute(jobName);
            return;
        }
        JobClient job = env.executeAsync(jobName);
        out.println("submitted " + jobName + " to the Flink cluster at " + cluster + " as job " + job.getJobID());
        out.println("it runs detached: http://" + cluster + "/jobs/" + job.getJobID() + " says how it is doing");
        out.flush();
    }
}
