package io.odestream.deploy;

import static io.odestream.deploy.RepositoryFiles.list;
import static io.odestream.deploy.RepositoryFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.odestream.cli.Odestream;
import io.odestream.demo.DemoModel;
import io.odestream.job.cli.JobMain;
import io.odestream.job.cli.RunCommand;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * docker-compose.yml checked against the build, since no container engine runs here: the services it
 * names, the files it mounts, the variables and command options it passes, the ports it wires up,
 * and the one-shot setup's rules (deploy/compose/setup.sh): the job is submitted detached and only
 * when Flink runs no job of its name.
 */
class DockerComposeTest {
    private static final ComposeFile COMPOSE = ComposeFile.read("docker-compose.yml");
    /** Computed by the script at run time (the registry's version of the demo model): a stand-in. */
    private static final Map<String, String> COMPUTED = Map.of("version", "1");

    @Test
    void theStackIsABrokerAJobManagerTwoTaskManagersASetupAndMonitoring() {
        assertTrue(COMPOSE.serviceNames().containsAll(Set.of("kafka", "jobmanager", "setup", "prometheus", "grafana")),
                "services: " + COMPOSE.serviceNames());
        List<String> taskManagers = COMPOSE.services(s -> "taskmanager".equals(s.get("command")) && !s.containsKey("profiles"));
        assertEquals(2, taskManagers.size(), "TaskManagers without a profile: " + taskManagers);
        List<String> gpu = COMPOSE.services(s -> list(s.getOrDefault("profiles", List.of()), "profiles").contains("gpu"));
        assertEquals(List.of("taskmanager-gpu"), gpu, "the gpu profile's services");
        assertEquals("taskmanager", COMPOSE.service("taskmanager-gpu").get("command"));
        assertTrue(String.valueOf(COMPOSE.service("taskmanager-gpu").get("deploy")).contains("nvidia"),
                "the GPU TaskManager reserves an NVIDIA device");
    }

    @Test
    void everyDependencyIsAServiceAndWaitsOnlyForHealthchecksThatExist() {
        for (String name : COMPOSE.serviceNames()) {
            Object dependsOn = COMPOSE.service(name).get("depends_on");
            Map<String, Object> conditions = new LinkedHashMap<>();
            if (dependsOn instanceof List<?> names) {
                names.forEach(n -> conditions.put(String.valueOf(n), "service_started"));
            } else if (dependsOn != null) {
                map(dependsOn, name + ".depends_on").forEach((k, v) -> conditions.put(k, map(v, k).get("condition")));
            }
            conditions.forEach((dependency, condition) -> {
                assertTrue(COMPOSE.serviceNames().contains(dependency), name + " depends on " + dependency + ", which is no service");
                if ("service_healthy".equals(condition)) {
                    assertNotNull(COMPOSE.service(dependency).get("healthcheck"),
                            name + " waits for " + dependency + " to be healthy, which has no healthcheck");
                }
            });
        }
        Map<String, Object> setup = map(COMPOSE.service("setup").get("depends_on"), "setup.depends_on");
        assertEquals("service_healthy", map(setup.get("kafka"), "kafka").get("condition"), "setup waits for the broker");
        assertEquals("service_healthy", map(setup.get("jobmanager"), "jobmanager").get("condition"),
                "setup waits for the JobManager's REST API");
    }

    @Test
    void theBrokerAndTheJobManagersRestApiHaveHealthchecksOnTheirOwnPorts() {
        String kafkaCheck = String.join(" ", COMPOSE.healthcheck("kafka"));
        Map<String, String> kafkaEnv = COMPOSE.environment("kafka");
        int internal = listenerPort(kafkaEnv.get("KAFKA_LISTENERS"), kafkaEnv.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
        assertTrue(kafkaCheck.contains("kafka-broker-api-versions.sh") && kafkaCheck.contains("localhost:" + internal),
                "the broker's healthcheck asks the broker on its internal listener: " + kafkaCheck);
        String jobManagerCheck = String.join(" ", COMPOSE.healthcheck("jobmanager"));
        assertTrue(jobManagerCheck.contains("http://localhost:8081/"), "the JobManager's REST API: " + jobManagerCheck);
        assertTrue(COMPOSE.ports("jobmanager").contains(8081), "the REST port is published: " + COMPOSE.ports("jobmanager"));
    }

    @Test
    void theBrokersPublishedPortIsItsExternalListenerAdvertisedToTheHost() {
        Map<String, String> env = COMPOSE.environment("kafka");
        int external = listenerPort(env.get("KAFKA_LISTENERS"), "EXTERNAL");
        assertEquals(Set.of(external), COMPOSE.ports("kafka"));
        assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").contains("EXTERNAL://localhost:" + external),
                env.get("KAFKA_ADVERTISED_LISTENERS"));
        assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").contains("INTERNAL://kafka:" + listenerPort(env.get("KAFKA_LISTENERS"),
                "INTERNAL")), "the other containers reach the broker by its service name");
        assertEquals("kafka:" + listenerPort(env.get("KAFKA_LISTENERS"), "INTERNAL"),
                COMPOSE.environment("setup").get("ODESTREAM_BOOTSTRAP_SERVERS"), "setup talks to the internal listener");
        Set<Integer> published = new HashSet<>();
        for (String name : COMPOSE.serviceNames()) {
            for (int port : COMPOSE.ports(name)) {
                assertTrue(published.add(port), "host port " + port + " is published twice");
            }
        }
    }

    @Test
    void everyMountedFileIsInTheRepositoryOrBuiltByTheBuild() {
        Set<String> built = RepositoryFiles.builtJars();
        assertTrue(built.containsAll(Set.of("app/target/odestream.jar", "stream-jobs/target/odestream-job.jar",
                "ode-djl/target/odestream-djl-backend.jar")), "the build's jars: " + built);
        Set<String> writtenBySetup = new HashSet<>();
        for (ComposeFile.Mount m : COMPOSE.mounts("setup")) {
            if (!m.readOnly()) {
                writtenBySetup.add(m.source());
            }
        }
        Set<String> namedVolumes = COMPOSE.namedVolumes();
        for (String name : COMPOSE.serviceNames()) {
            for (ComposeFile.Mount m : COMPOSE.mounts(name)) {
                if (m.source().startsWith("${")) {
                    continue; // the user's own folder, e.g. CUDA libtorch
                }
                if (!m.source().startsWith("./")) {
                    assertTrue(namedVolumes.contains(m.source()), name + " mounts volume " + m.source() + ", not declared");
                    continue;
                }
                String path = m.source().substring(2);
                assertTrue(Files.exists(RepositoryFiles.path(path)) || built.contains(path) || writtenBySetup.contains(m.source()),
                        name + " mounts " + m.source() + ": neither in the repository nor built by `mvn package`");
            }
        }
    }

    @Test
    void theOdestreamVariablesSetAreOnesTheCommandsRead() {
        Set<String> read = new TreeSet<>();
        // uninterpolated, the defaults keep their ${env:NAME...} as written
        environmentVariablesRead(Odestream.commandLine().setInterpolateVariables(false), read);
        environmentVariablesRead(JobMain.commandLine().setInterpolateVariables(false), read);
        assertTrue(read.containsAll(Set.of("ODESTREAM_BOOTSTRAP_SERVERS", "ODESTREAM_TRUSTED_KEYS")), "read: " + read);
        for (String name : COMPOSE.serviceNames()) {
            for (String variable : COMPOSE.environment(name).keySet()) {
                if (variable.startsWith("ODESTREAM_")) {
                    assertTrue(read.contains(variable), name + " sets " + variable + ", which no command reads " + read);
                }
            }
        }
    }

    @Test
    void setupRunsOnlyCommandsAndOptionsTheCommandLineHas() {
        ShellScript script = setupScript();
        List<List<String>> commands = script.commands("odestream");
        Set<String> ran = new TreeSet<>();
        for (List<String> args : commands) {
            assertNoUnexpandedVariable(args);
            CommandLine.ParseResult parsed = parse(Odestream.commandLine(), args);
            ran.add(commandPath(parsed));
        }
        assertEquals(Set.of("topics create", "models keygen", "models publish", "models show", "models promote"), ran);
        String jar = COMPOSE.mountedFrom("setup", "/opt/odestream/odestream.jar");
        assertEquals("./app/target/odestream.jar", jar, "setup's odestream.jar is the command line's");
        assertTrue(RepositoryFiles.read("deploy/compose/setup.sh").contains("-jar /opt/odestream/odestream.jar"));
    }

    @Test
    void setupPublishesAndPromotesTheBundledDemoModelUnlessOneIsServed() {
        ShellScript script = setupScript();
        List<String> publish = only(script.commands("odestream"), "models", "publish");
        assertEquals("./demo/src/main/resources" + DemoModel.RESOURCE, COMPOSE.mountedFrom("setup", publish.get(2)),
                "the file published is the bundled demo model");
        List<String> promote = only(script.commands("odestream"), "models", "promote");
        assertEquals(DemoModel.MODEL_ID, optionValue(promote, "--model"));
        String text = RepositoryFiles.read("deploy/compose/setup.sh");
        assertTrue(text.matches("(?s).*if odestream models show serving --model \"\\$MODEL\".*?else\\s+odestream models promote.*"),
                "promotes only when nothing of the model is served, so that a rerun never undoes an operator's promote");
    }

    @Test
    void setupSubmitsTheJobDetachedOnlyWhenFlinkRunsNoJobOfItsName() {
        ShellScript script = setupScript();
        List<List<String>> flink = script.commands("flink");
        List<String> list = flink.stream().filter(a -> a.get(0).equals("list")).findFirst()
                .orElseThrow(() -> new AssertionError("setup never asks Flink which jobs run"));
        List<String> run = flink.stream().filter(a -> a.get(0).equals("run")).findFirst()
                .orElseThrow(() -> new AssertionError("setup submits no job"));
        assertEquals(1, flink.stream().filter(a -> a.get(0).equals("run")).count(), "one submission");
        assertTrue(run.contains("--detached") || run.contains("-d"), "detached: the setup ends, the job stays");
        assertEquals(optionValue(list, "-m"), optionValue(run, "-m"), "the same JobManager is asked and submitted to");
        assertEquals("jobmanager:8081", optionValue(run, "-m"));
        int jarAt = indexOfJar(run);
        assertEquals("./stream-jobs/target/odestream-job.jar", COMPOSE.mountedFrom("setup", run.get(jarAt)), "the job jar");
        List<String> jobArgs = run.subList(jarAt + 1, run.size());
        assertNoUnexpandedVariable(jobArgs);
        CommandLine.ParseResult parsed = parse(JobMain.commandLine(), jobArgs);
        assertEquals("run", commandPath(parsed));
        String model = optionValue(jobArgs, "--model");
        assertEquals(DemoModel.MODEL_ID, model, "the job serves the model setup promotes");
        String text = RepositoryFiles.read("deploy/compose/setup.sh");
        Matcher jobName = Pattern.compile("JOB_NAME=\"([^\"]*)\"").matcher(text);
        assertTrue(jobName.find(), "setup names the job it looks for");
        assertEquals(RunCommand.jobName(model), ShellScript.split('"' + jobName.group(1) + '"', Map.of("MODEL", model)).get(0),
                "the name setup looks for is the one the job runs under");
        assertTrue(text.indexOf("grep -qF \"$JOB_NAME\"") >= 0
                        && text.indexOf("grep -qF \"$JOB_NAME\"") < text.indexOf("flink run --detached"),
                "the running jobs are searched for the name before the submission");
        assertEquals("no", String.valueOf(COMPOSE.service("setup").get("restart")), "a failed setup is not rerun by itself");
        for (String name : COMPOSE.serviceNames()) {
            String command = String.valueOf(COMPOSE.service(name).get("command"));
            if (command.contains("flink run") && !command.contains("--detached")) {
                assertFalse(String.valueOf(COMPOSE.service(name).get("restart")).startsWith("on-failure"),
                        name + ": a restarted attached `flink run` submits a duplicate job");
            }
        }
    }

    @Test
    void keysAreMountedWhereverTheyAreRead() {
        ShellScript script = setupScript();
        List<String> run = script.commands("flink").stream().filter(a -> a.get(0).equals("run")).findFirst().orElseThrow();
        List<String> jobArgs = run.subList(indexOfJar(run) + 1, run.size());
        String keys = Optional.ofNullable(optionValue(jobArgs, "--keys")).orElse(COMPOSE.environment("setup").get("ODESTREAM_TRUSTED_KEYS"));
        assertEquals("/keys", keys);
        ComposeFile.Mount setupKeys = COMPOSE.mounts("setup").stream().filter(m -> m.target().equals(keys)).findFirst()
                .orElseThrow(() -> new AssertionError("setup reads and writes the keys at " + keys));
        assertFalse(setupKeys.readOnly(), "setup writes the signing key when there is none");
        // tasks that publish or promote (finetune, run --shadow-promote) read them at the client's path
        for (String name : COMPOSE.services(s -> String.valueOf(s.get("command")).equals("taskmanager"))) {
            ComposeFile.Mount m = COMPOSE.mounts(name).stream().filter(x -> x.target().equals(keys)).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " does not mount the keys at " + keys));
            assertEquals(setupKeys.source(), m.source());
            assertTrue(m.readOnly(), name + " only reads the keys");
        }
    }

    @Test
    void flinkSettingsNameClassesFlinkHasAndKeepFlinksOwnJavaOptions() throws Exception {
        for (String name : COMPOSE.services(s -> COMPOSE.environment(s).containsKey("FLINK_PROPERTIES"))) {
            Map<String, Object> properties = COMPOSE.flinkProperties(name);
            assertFalse(properties.containsKey("env.java.opts.all"),
                    name + ": env.java.opts.all replaces the image's --add-opens list, without which Flink fails on Java 17");
            Class.forName(String.valueOf(properties.get("metrics.reporter.prom.factory.class")));
            assertEquals(9249, properties.get("metrics.reporter.prom.port"), name);
            assertEquals("rocksdb", properties.get("state.backend.type"), name);
            assertEquals("jobmanager", properties.get("jobmanager.rpc.address"), name);
        }
        List<String> run = setupScript().commands("flink").stream().filter(a -> a.get(0).equals("run")).findFirst().orElseThrow();
        assertEquals("rocksdb", optionValue(run, "--state-backend"),
                "the job sets its state backend itself (hashmap unless told), over the cluster's setting");
        Map<String, Object> gpu = COMPOSE.flinkProperties("taskmanager-gpu");
        assertEquals("gpu", gpu.get("external-resources"));
        assertEquals(1, gpu.get("external-resource.gpu.amount"));
        assertTrue(COMPOSE.environment("taskmanager-gpu").get("ENABLE_BUILT_IN_PLUGINS").startsWith("flink-external-resource-gpu"));
    }

    @Test
    void prometheusScrapesEveryFlinkProcessOnTheReporterPort() {
        Map<String, Object> config = RepositoryFiles.yaml("deploy/prometheus/prometheus.yml");
        assertEquals("./deploy/prometheus/prometheus.yml", COMPOSE.mountedFrom("prometheus", "/etc/prometheus/prometheus.yml"));
        Set<String> scraped = new TreeSet<>();
        for (Object job : list(config.get("scrape_configs"), "scrape_configs")) {
            for (Object sc : list(map(job, "scrape config").get("static_configs"), "static_configs")) {
                for (Object target : list(map(sc, "static config").get("targets"), "targets")) {
                    String[] hostPort = String.valueOf(target).split(":");
                    assertTrue(COMPOSE.serviceNames().contains(hostPort[0]), "target " + target + " is no service");
                    assertEquals(String.valueOf(COMPOSE.flinkProperties(hostPort[0]).get("metrics.reporter.prom.port")), hostPort[1],
                            "target " + target + " is the reporter's port");
                    scraped.add(hostPort[0]);
                }
            }
        }
        assertEquals(new TreeSet<>(COMPOSE.services(s -> COMPOSE.environment(s).containsKey("FLINK_PROPERTIES"))), scraped,
                "every Flink process is scraped");
    }

    @Test
    void grafanaIsProvisionedWithTheDashboardAndTheDatasourceItNames() {
        assertEquals("./deploy/grafana/provisioning", COMPOSE.mountedFrom("grafana", "/etc/grafana/provisioning"));
        String dashboards = COMPOSE.mountedFrom("grafana", "/var/lib/grafana/dashboards");
        Map<String, Object> provider = map(list(RepositoryFiles.yaml("deploy/grafana/provisioning/dashboards/odestream.yml")
                .get("providers"), "providers").get(0), "provider");
        assertEquals("/var/lib/grafana/dashboards", map(provider.get("options"), "options").get("path"));
        assertTrue(Files.isRegularFile(RepositoryFiles.path(dashboards.substring(2) + "/odestream.json")));
        Map<String, Object> datasource = map(list(RepositoryFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
                .get("datasources"), "datasources").get(0), "datasource");
        assertEquals("http://prometheus:9090", datasource.get("url"));
        assertTrue(COMPOSE.ports("prometheus").contains(9090));
        String uid = String.valueOf(datasource.get("uid"));
        Map<String, Object> dashboard = new Yaml().load(RepositoryFiles.read("deploy/grafana/dashboards/odestream.json"));
        for (Object panel : list(dashboard.get("panels"), "panels")) {
            assertEquals(uid, map(map(panel, "panel").get("datasource"), "datasource").get("uid"),
                    "panel " + map(panel, "panel").get("title") + " names the provisioned datasource");
        }
    }

    // --- reading the file

    private static int listenerPort(String listeners, String name) {
        Matcher m = Pattern.compile(name + "://[^:]*:(\\d+)").matcher(listeners);
        assertTrue(m.find(), "listener " + name + " in " + listeners);
        return Integer.parseInt(m.group(1));
    }

    private static ShellScript setupScript() {
        assertEquals("./deploy/compose/setup.sh", COMPOSE.mountedFrom("setup", "/opt/odestream/setup.sh"));
        List<String> entrypoint = list(COMPOSE.service("setup").get("entrypoint"), "setup.entrypoint").stream()
                .map(String::valueOf).collect(Collectors.toList());
        assertEquals(List.of("bash", "/opt/odestream/setup.sh"), entrypoint);
        Map<String, String> variables = new HashMap<>(COMPOSE.environment("setup"));
        variables.putAll(COMPUTED);
        return ShellScript.parse(RepositoryFiles.read("deploy/compose/setup.sh"), variables);
    }

    // --- the commands

    private static CommandLine.ParseResult parse(CommandLine commandLine, List<String> args) {
        try {
            return commandLine.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return fail("`" + String.join(" ", args) + "` is refused: " + e.getMessage());
        }
    }

    private static String commandPath(CommandLine.ParseResult parsed) {
        List<String> names = new ArrayList<>();
        for (CommandLine.ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
            names.add(p.commandSpec().name());
        }
        return String.join(" ", names);
    }

    private static void environmentVariablesRead(CommandLine command, Set<String> into) {
        Pattern env = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
        for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            String original = option.defaultValue();
            if (original != null) {
                Matcher m = env.matcher(original);
                while (m.find()) {
                    into.add(m.group(1));
                }
            }
        }
        command.getSubcommands().values().forEach(sub -> environmentVariablesRead(sub, into));
    }

    private static List<String> only(List<List<String>> commands, String command, String subcommand) {
        List<List<String>> matching = commands.stream()
                .filter(a -> a.size() > 1 && a.get(0).equals(command) && a.get(1).equals(subcommand)).collect(Collectors.toList());
        assertEquals(1, matching.size(), command + " " + subcommand + ": " + matching);
        return matching.get(0);
    }

    private static String optionValue(List<String> args, String option) {
        int at = args.indexOf(option);
        return at < 0 || at + 1 >= args.size() ? null : args.get(at + 1);
    }

    private static int indexOfJar(List<String> run) {
        for (int i = 0; i < run.size(); i++) {
            if (run.get(i).endsWith(".jar")) {
                return i;
            }
        }
        throw new AssertionError("no jar in `flink " + String.join(" ", run) + "`");
    }

    private static void assertNoUnexpandedVariable(List<String> args) {
        for (String a : args) {
            assertFalse(a.contains("$"), "`" + String.join(" ", args) + "`: " + a + " is not known before it runs");
        }
    }
}
