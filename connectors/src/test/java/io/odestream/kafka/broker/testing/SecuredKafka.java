package io.odestream.kafka.broker.testing;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A broker secured the way a deployment would be: SASL/SCRAM-SHA-512 over TLS with a
 * certificate made for the test, ACLs and no access without one. The administrator (users,
 * ACLs, topics) works through the broker's PLAINTEXT listener; clients under test get a client
 * configuration file, as the job and the CLI do. Passwords are random per instance.
 */
public final class SecuredKafka implements AutoCloseable {

    private final Path dir;
    private final String storePassword = secret();
    private final TestCertificates certificates;
    private final EmbeddedKafkaBroker broker;

    private SecuredKafka(Path dir) throws Exception {
        this.dir = dir;
        this.certificates = TestCertificates.generate(dir, storePassword);
        this.broker = EmbeddedKafkaBroker.builder().saslScramOverTls(certificates.keystore, storePassword).start();
    }

    /** Certificates and files go to {@code dir}. */
    public static SecuredKafka start(Path dir) throws Exception {
        return new SecuredKafka(dir);
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    public String secureBootstrapServers() {
        return broker.secureBootstrapServers();
    }

    /** The trust store's password: a secret a test must not find in any log. */
    public String storePassword() {
        return storePassword;
    }

    /** The administrator's settings (PLAINTEXT, super user) with odestream's topics created under {@code prefix}. */
    public KafkaSettings adminWithTopics(String prefix) throws Exception {
        KafkaSettings admin = KafkaSettings.builder(broker.bootstrapServers()).topicPrefix(prefix).build();
        try (TopicSetup setup = new TopicSetup(admin)) {
            if (!setup.ensure(TopicSetup.defaultTopics(prefix, 1, (short) 1)).ok()) {
                throw new IllegalStateException("could not create the topics under " + prefix);
            }
        }
        return admin;
    }

    public void addUser(String user, String password) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.builder(broker.bootstrapServers()).build().clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
        }
    }

    public void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.builder(broker.bootstrapServers()).build().clientProperties())) {
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)))).all().get();
        }
    }

    /** The file a deployment gives the job and the CLI (--kafka-config), readable by its owner only. */
    public Path clientConfig(String user, String password) throws Exception {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        p.setProperty("ssl.truststore.type", "PKCS12");
        p.setProperty("ssl.truststore.location", certificates.truststore.toString());
        p.setProperty("ssl.truststore.password", storePassword);
        Path file = Files.createTempFile(dir, "kafka-client-", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        return file;
    }

    /** A random password. */
    public static String secret() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        broker.close();
    }
}
