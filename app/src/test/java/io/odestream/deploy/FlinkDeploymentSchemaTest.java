package io.odestream.deploy;

import static io.odestream.deploy.RepositoryFiles.list;
import static io.odestream.deploy.RepositoryFiles.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odestream.job.cli.JobMain;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/k8s against the Flink Kubernetes Operator 1.15's CRD schema (test resource k8s/, with its
 * provenance), made strict where the API server would silently drop a field, and against what the
 * schema cannot know: the job's arguments, where the image carries the jar, what a savepoint upgrade
 * and a GPU TaskManager need.
 */
class FlinkDeploymentSchemaTest {
    private static final JsonNode CRD = crd();
    private static final StructuralSchema SCHEMA = StructuralSchema.of(CRD, "v1beta1");
    private static final String FORECAST = "deploy/k8s/forecast-job.yaml";
    private static final String FINETUNE = "deploy/k8s/finetune-job.yaml";
    private static final String GPU = "deploy/k8s/gpu";

    @Test
    void everyFlinkDeploymentFitsTheOperatorsSchema() {
        String kind = CRD.at("/spec/names/kind").asText();
        String apiVersion = CRD.at("/spec/group").asText() + "/v1beta1";
        for (Map.Entry<String, Map<String, Object>> d : deployments().entrySet()) {
            assertEquals(kind, d.getValue().get("kind"), d.getKey());
            assertEquals(apiVersion, d.getValue().get("apiVersion"), d.getKey());
            assertEquals(Set.of(), SCHEMA.problems(d.getValue()), d.getKey());
        }
    }

    @Test
    void theSchemaCheckCatchesMisspelledFieldsValuesOutsideAnEnumAndWrongTypes() {
        assertRefused(d -> job(d).put("upgradeMod", "savepoint"), "upgradeMod");
        assertRefused(d -> spec(d).put("flinkVersion", "v2_9"), "flinkVersion");
        assertRefused(d -> job(d).put("parallelism", "four"), "parallelism");
        assertRefused(d -> map(list(map(map(spec(d).get("podTemplate"), "podTemplate").get("spec"), "spec").get("containers"),
                "containers").get(0), "container").put("volumeMount", List.of()), "volumeMount");
    }

    @Test
    void theJobsArgumentsAreOnesTheJobJarTakes() {
        Map<String, String> commands = Map.of(FORECAST, "run", FINETUNE, "finetune", GPU, "run");
        for (Map.Entry<String, Map<String, Object>> d : deployments().entrySet()) {
            List<String> args = args(d.getValue());
            CommandLine.ParseResult parsed;
            try {
                parsed = JobMain.commandLine().parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                parsed = fail(d.getKey() + ": `" + String.join(" ", args) + "` is refused: " + e.getMessage());
            }
            assertEquals(commands.get(d.getKey()), parsed.subcommand().commandSpec().name(), d.getKey());
            assertEquals("rocksdb", flinkConfiguration(d.getValue()).get("state.backend.type"), d.getKey());
        }
        assertEquals("rocksdb", option(args(deployments().get(FORECAST)), "--state-backend"),
                "the job sets its state backend itself (hashmap unless told), over the cluster's setting");
    }

    @Test
    void theFilesTheJobReadsAreMountedOnItsPods() {
        for (Map.Entry<String, Map<String, Object>> d : deployments().entrySet()) {
            List<String> args = args(d.getValue());
            List<String> mounted = volumeMounts(d.getValue());
            assertTrue(mounted.contains(option(args, "--keys")), d.getKey() + ": the trusted keys " + option(args, "--keys")
                    + " are mounted, in the JobManager (main) and the TaskManagers alike: " + mounted);
            String signingKey = option(args, "--signing-key");
            if (signingKey != null) {
                String dir = signingKey.substring(0, signingKey.lastIndexOf('/'));
                assertTrue(mounted.contains(dir), d.getKey() + ": the signing key's folder " + dir + " is mounted");
            }
        }
    }

    @Test
    void theJarUriIsWhereTheImageCarriesTheJobJar() {
        Set<String> built = RepositoryFiles.builtJars();
        Map<String, String> copied = copies("deploy/k8s/Dockerfile");
        for (Map.Entry<String, Map<String, Object>> d : deployments().entrySet()) {
            String jarUri = String.valueOf(job(d.getValue()).get("jarURI"));
            assertTrue(jarUri.startsWith("local:///"), d.getKey() + ": the jar is in the image: " + jarUri);
            String source = copied.get(jarUri.substring("local://".length()));
            assertEquals("stream-jobs/target/odestream-job.jar", source, d.getKey() + ": the image puts the job jar at " + jarUri);
            assertTrue(built.contains(source), source + " is what the build writes");
        }
        Map<String, String> gpu = copies("deploy/k8s/Dockerfile.gpu");
        assertTrue(gpu.containsValue("ode-djl/target/odestream-djl-backend.jar") && built.contains("ode-djl/target/odestream-djl-backend.jar"),
                "the GPU image carries the djl backend: " + gpu);
        assertTrue(gpu.keySet().stream().filter(p -> p.startsWith("/opt/flink/usrlib/")).count() == 2,
                "both jars on the job's class path (usrlib): " + gpu);
    }

    @Test
    void savepointUpgradesHaveStorageHighAvailabilityAndTheBuildsFlinkVersion() {
        Matcher flink = Pattern.compile("<flink.version>(\\d+)\\.(\\d+)\\.\\d+</flink.version>").matcher(RepositoryFiles.read("pom.xml"));
        assertTrue(flink.find());
        String flinkVersion = "v" + flink.group(1) + "_" + flink.group(2);
        for (Map.Entry<String, Map<String, Object>> d : deployments().entrySet()) {
            Map<String, Object> conf = flinkConfiguration(d.getValue());
            assertEquals(flinkVersion, spec(d.getValue()).get("flinkVersion"), d.getKey() + ": the Flink the job is built against");
            assertEquals("savepoint", job(d.getValue()).get("upgradeMode"), d.getKey());
            for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                    "high-availability.type", "high-availability.storageDir")) {
                assertTrue(conf.containsKey(key), d.getKey() + " sets " + key);
            }
            assertEquals("kubernetes", conf.get("high-availability.type"), d.getKey());
            String port = String.valueOf(conf.get("metrics.reporter.prom.port"));
            assertTrue(containerPorts(d.getValue()).contains(Integer.parseInt(port)), d.getKey() + ": the Prometheus port is declared");
        }
    }

    @Test
    void theGpuVariantGivesEveryTaskManagerOneGpuThatFlinkAssigns() {
        Map<String, Object> gpu = deployments().get(GPU);
        Map<String, Object> cpu = deployments().get(FORECAST);
        Map<String, Object> conf = flinkConfiguration(gpu);
        assertEquals("gpu", conf.get("external-resources"));
        assertEquals("org.apache.flink.externalresource.gpu.GPUDriverFactory", conf.get("external-resource.gpu.driver-factory.class"));
        assertEquals("nvidia.com/gpu", conf.get("external-resource.gpu.kubernetes.config-key"));
        Map<String, Object> container = map(list(map(map(map(spec(gpu).get("taskManager"), "taskManager").get("podTemplate"),
                "podTemplate").get("spec"), "spec").get("containers"), "containers").get(0), "container");
        assertEquals("flink-main-container", container.get("name"));
        Object limit = map(map(container.get("resources"), "resources").get("limits"), "limits").get("nvidia.com/gpu");
        assertEquals(String.valueOf(conf.get("external-resource.gpu.amount")), String.valueOf(limit),
                "the pod asks Kubernetes for as many GPUs as Flink hands out");
        assertEquals("1", String.valueOf(conf.get("taskmanager.numberOfTaskSlots")), "one slot per GPU");
        String plugins = list(container.get("env"), "env").stream().map(e -> map(e, "env"))
                .filter(e -> "ENABLE_BUILT_IN_PLUGINS".equals(e.get("name"))).map(e -> String.valueOf(e.get("value")))
                .findFirst().orElse("");
        Matcher flink = Pattern.compile("<flink.version>([^<]+)</flink.version>").matcher(RepositoryFiles.read("pom.xml"));
        assertTrue(flink.find());
        assertTrue(List.of(plugins.split(";")).contains("flink-external-resource-gpu-" + flink.group(1) + ".jar"), plugins);
        List<String> args = args(gpu);
        assertEquals("djl", option(args, "--batch-backend"));
        assertEquals("gpu", option(args, "--batch-device"));
        assertNotEquals(spec(cpu).get("image"), spec(gpu).get("image"), "the GPU image carries the djl backend and CUDA");
    }

    // --- the files

    /** Read by Jackson straight into a tree: several seconds faster than SnakeYAML's maps for half a megabyte. */
    private static JsonNode crd() {
        try (InputStream in = FlinkDeploymentSchemaTest.class.getResourceAsStream("/k8s/flinkdeployments.flink.apache.org-v1.yml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every deployment as the API server gets it: the files, and the kustomization with its patch applied. */
    private static Map<String, Map<String, Object>> deployments() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        all.put(FORECAST, RepositoryFiles.yaml(FORECAST));
        all.put(FINETUNE, RepositoryFiles.yaml(FINETUNE));
        Map<String, Object> kustomization = RepositoryFiles.yaml(GPU + "/kustomization.yaml");
        List<Object> resources = list(kustomization.get("resources"), "resources");
        List<Object> patches = list(kustomization.get("patches"), "patches");
        assertEquals(1, resources.size());
        assertEquals(1, patches.size());
        Map<String, Object> base = RepositoryFiles.yaml(RepositoryFiles.ROOT.relativize(
                RepositoryFiles.path(GPU + "/" + resources.get(0))).toString());
        Map<String, Object> patch = RepositoryFiles.yaml(GPU + "/" + map(patches.get(0), "patch").get("path"));
        assertEquals(map(base.get("metadata"), "metadata").get("name"), map(patch.get("metadata"), "metadata").get("name"),
                "the patch names the deployment it patches");
        all.put(GPU, map(mergePatch(base, patch), GPU));
        return all;
    }

    /**
     * RFC 7386 JSON merge patch, what kustomize applies to a custom resource (it has no strategic-merge
     * keys for one): maps merge, anything else, lists included, is replaced, null removes.
     */
    private static Object mergePatch(Object target, Object patch) {
        if (!(patch instanceof Map<?, ?> p)) {
            return patch;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (target instanceof Map<?, ?> t) {
            t.forEach((k, v) -> result.put(String.valueOf(k), v));
        }
        p.forEach((k, v) -> {
            if (v == null) {
                result.remove(String.valueOf(k));
            } else {
                result.put(String.valueOf(k), mergePatch(result.get(String.valueOf(k)), v));
            }
        });
        return result;
    }

    /** Dockerfile COPY lines: destination in the image to source in the repository. */
    private static Map<String, String> copies(String dockerfile) {
        Map<String, String> copies = new LinkedHashMap<>();
        for (String line : RepositoryFiles.read(dockerfile).split("\n")) {
            List<String> words = List.of(line.trim().split("\\s+"));
            if (!words.isEmpty() && words.get(0).equals("COPY")) {
                List<String> paths = words.stream().skip(1).filter(w -> !w.startsWith("--")).collect(Collectors.toList());
                copies.put(paths.get(1), paths.get(0));
            }
        }
        return copies;
    }

    private static void assertRefused(Consumer<Map<String, Object>> change, String field) {
        Map<String, Object> d = RepositoryFiles.yaml(FORECAST);
        change.accept(d);
        Set<String> problems = SCHEMA.problems(d);
        assertTrue(problems.stream().anyMatch(p -> p.contains(field)), "a changed " + field + " is refused: " + problems);
    }

    private static Map<String, Object> spec(Map<String, Object> d) {
        return map(d.get("spec"), "spec");
    }

    private static Map<String, Object> job(Map<String, Object> d) {
        return map(spec(d).get("job"), "spec.job");
    }

    private static Map<String, Object> flinkConfiguration(Map<String, Object> d) {
        return map(spec(d).get("flinkConfiguration"), "spec.flinkConfiguration");
    }

    private static List<String> args(Map<String, Object> d) {
        return list(job(d).get("args"), "spec.job.args").stream().map(String::valueOf).collect(Collectors.toList());
    }

    private static String option(List<String> args, String name) {
        int at = args.indexOf(name);
        return at < 0 ? null : args.get(at + 1);
    }

    /** The top-level pod template's first container (the operator's flink-main-container). */
    private static Map<String, Object> mainContainer(Map<String, Object> d) {
        Map<String, Object> container = map(list(map(map(spec(d).get("podTemplate"), "podTemplate").get("spec"), "spec")
                .get("containers"), "containers").get(0), "container");
        assertEquals("flink-main-container", container.get("name"), "the template adds to Flink's own container");
        return container;
    }

    private static List<String> volumeMounts(Map<String, Object> d) {
        List<String> paths = new ArrayList<>();
        for (Object m : list(mainContainer(d).get("volumeMounts"), "volumeMounts")) {
            paths.add(String.valueOf(map(m, "volumeMount").get("mountPath")));
        }
        return paths;
    }

    private static List<Integer> containerPorts(Map<String, Object> d) {
        List<Integer> ports = new ArrayList<>();
        for (Object p : list(mainContainer(d).get("ports"), "ports")) {
            ports.add((Integer) map(p, "port").get("containerPort"));
        }
        return ports;
    }
}
