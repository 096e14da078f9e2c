package io.odestream.kafka.broker.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed key pair for a broker on 127.0.0.1 and a trust store that trusts it, made with
 * the JDK's own {@code keytool}: no extra dependency, the tool every Java deployment already
 * has. Passwords reach keytool through its environment ({@code -storepass:env}), not its
 * command line.
 */
public final class TestCertificates {

    public final Path keystore;
    public final Path truststore;

    private TestCertificates(Path keystore, Path truststore) {
        this.keystore = keystore;
        this.truststore = truststore;
    }

    public static TestCertificates generate(Path dir, String password) throws IOException, InterruptedException {
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.pem");
        Path truststore = dir.resolve("truststore.p12");
        keytool(password, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass:env", "STORE_PASSWORD",
                "-keypass:env", "STORE_PASSWORD");
        keytool(password, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
                "-storepass:env", "STORE_PASSWORD", "-file", certificate.toString());
        keytool(password, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass:env", "STORE_PASSWORD");
        return new TestCertificates(keystore, truststore);
    }

    private static void keytool(String password, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("STORE_PASSWORD", password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
