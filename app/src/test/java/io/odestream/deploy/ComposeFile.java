package io.odestream.deploy;

import static io.odestream.deploy.RepositoryFiles.list;
import static io.odestream.deploy.RepositoryFiles.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.Yaml;

/** A docker-compose.yml as the tests read it: its services, their environment, mounts, ports and healthchecks. */
final class ComposeFile {
    private final Map<String, Object> file;
    private final Map<String, Object> services;

    private ComposeFile(Map<String, Object> file) {
        this.file = file;
        this.services = map(file.get("services"), "services");
    }

    static ComposeFile read(String relative) {
        return new ComposeFile(RepositoryFiles.yaml(relative));
    }

    Set<String> serviceNames() {
        return services.keySet();
    }

    /** The volumes declared at the top level. */
    Set<String> namedVolumes() {
        return map(file.get("volumes"), "volumes").keySet();
    }

    Map<String, Object> service(String name) {
        return map(services.get(name), "service " + name);
    }

    List<String> services(Predicate<Map<String, Object>> which) {
        return services.keySet().stream().filter(n -> which.test(service(n))).collect(Collectors.toList());
    }

    Map<String, String> environment(String name) {
        return environment(service(name));
    }

    Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e != null) {
            map(e, "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        return env;
    }

    Map<String, Object> flinkProperties(String name) {
        return map(new Yaml().load(environment(name).get("FLINK_PROPERTIES")), name + " FLINK_PROPERTIES");
    }

    List<String> healthcheck(String name) {
        Object check = map(service(name).get("healthcheck"), name + ".healthcheck").get("test");
        return list(check, name + ".healthcheck.test").stream().map(String::valueOf).collect(Collectors.toList());
    }

    Set<Integer> ports(String name) {
        Set<Integer> ports = new TreeSet<>();
        for (Object p : list(service(name).getOrDefault("ports", List.of()), name + ".ports")) {
            String[] parts = String.valueOf(p).split(":");
            if (!parts[0].equals(parts[1])) {
                throw new AssertionError(name + " publishes " + p + " under another port");
            }
            ports.add(Integer.parseInt(parts[0]));
        }
        return ports;
    }

    record Mount(String source, String target, boolean readOnly) {
    }

    List<Mount> mounts(String name) {
        List<Mount> mounts = new ArrayList<>();
        for (Object v : list(service(name).getOrDefault("volumes", List.of()), name + ".volumes")) {
            String spec = String.valueOf(v);
            // a source may be a variable with a default, ${NAME:-path}, colon included
            int sourceEnd = spec.startsWith("${") ? spec.indexOf('}') + 1 : spec.indexOf(':');
            String[] rest = spec.substring(sourceEnd + 1).split(":");
            mounts.add(new Mount(spec.substring(0, sourceEnd), rest[0], rest.length > 1 && rest[1].equals("ro")));
        }
        return mounts;
    }

    /** The host path mounted at {@code target} in the service (the file itself or a folder above it). */
    String mountedFrom(String name, String target) {
        for (Mount m : mounts(name)) {
            if (target.equals(m.target())) {
                return m.source();
            }
            if (target.startsWith(m.target() + "/")) {
                return m.source() + target.substring(m.target().length());
            }
        }
        throw new AssertionError(name + " mounts nothing at " + target);
    }
}
