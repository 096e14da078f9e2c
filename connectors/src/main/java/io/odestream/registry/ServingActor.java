package io.odestream.registry;

/**
 * Who changes a serving pointer: an operator at the command line, or a job (fine-tuning, shadow
 * mode) acting on its own. Automated changes obey the pins and holds operators set
 * ({@link ServingControl}); an operator's promote overrides them.
 *
 * @param name      recorded in the history as {@code changedBy}
 * @param automated true for a job, false for an operator
 */
public record ServingActor(String name, boolean automated) {

    public ServingActor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a serving change needs a name for who made it");
        }
    }

    public static ServingActor operator(String name) {
        return new ServingActor(name, false);
    }

    /** The operator running this process, named by the {@code user.name} system property. */
    public static ServingActor currentUser() {
        String user = System.getProperty("user.name");
        return operator(user == null || user.isBlank() ? "operator" : user);
    }

    public static ServingActor automation(String job) {
        return new ServingActor(job, true);
    }
}
